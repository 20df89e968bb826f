"""How fast ``verify_trail`` checks a long trail; needs TOCSIN_SLOW_TESTS=1.

Loads EVENTS events in batches through ``append_events`` and prints the
load and verification rates, so the numbers in docs/audit.md can be
reproduced with ``pytest tests/audit/test_verify_speed.py -s``.
"""

import time

import pytest

from tocsin.audit.signing import ensure_signing_key
from tocsin.audit.trail import PendingEvent, append_events
from tocsin.audit.verify import verify_trail

EVENTS = 1_000_000
BATCH = 5000
# A floor far below the measured rate: failing it means a per-event query
# or similar regression, not a slow machine.
MIN_EVENTS_PER_SECOND = 5000


def load_events(count: int) -> None:
    for start in range(0, count, BATCH):
        append_events(
            [
                PendingEvent(
                    "delivery.attempt_sent",
                    "delivery_attempt",
                    str(number),
                    "worker",
                    "ok",
                    "inc-1",
                    {"channel": "email", "attempt": 1},
                )
                for number in range(start, min(count, start + BATCH))
            ]
        )


@pytest.mark.slow
@pytest.mark.django_db
def test_million_events_verify_in_bounded_time() -> None:
    ensure_signing_key()
    started = time.monotonic()
    load_events(EVENTS)
    loaded = time.monotonic()

    report = verify_trail()

    verified = time.monotonic()
    rate = EVENTS / (verified - loaded)
    print(
        f"\nloaded {EVENTS} events in {loaded - started:.1f} s,"
        f" verified in {verified - loaded:.1f} s ({rate:.0f} events/s)"
    )
    assert report.is_valid
    assert report.events_checked == EVENTS
    assert rate > MIN_EVENTS_PER_SECOND

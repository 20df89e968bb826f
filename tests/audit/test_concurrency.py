import threading

import pytest
from django.db import connection

from tocsin.audit.models import AuditEvent
from tocsin.audit.signing import ensure_signing_key
from tocsin.audit.trail import audit_batch, record_audit_event
from tocsin.audit.verify import verify_trail

WRITERS = 4
ROUNDS = 10
BATCH = 5


def write_events(writer: int, errors: list[BaseException]) -> None:
    try:
        for round_number in range(ROUNDS):
            with audit_batch():
                for item in range(BATCH):
                    record_audit_event(
                        "test.batched",
                        object_type="writer",
                        object_id=f"{writer}-{round_number}-{item}",
                    )
            record_audit_event(
                "test.single", object_type="writer", object_id=str(writer)
            )
    except BaseException as error:  # re-raised in the test thread
        errors.append(error)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_sequence_gapless() -> None:
    ensure_signing_key()
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=write_events, args=(writer, errors))
        for writer in range(WRITERS)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    total = WRITERS * ROUNDS * (BATCH + 1)
    assert errors == []
    sequences = list(AuditEvent.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    assert verify_trail().is_valid


@pytest.mark.django_db(transaction=True)
def test_batch_events_stay_contiguous_under_concurrency() -> None:
    ensure_signing_key()
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=write_events, args=(writer, errors))
        for writer in range(WRITERS)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    batched = AuditEvent.objects.filter(action="test.batched").order_by("sequence")
    for first in batched.values_list("object_id", "sequence")[::BATCH]:
        object_id, sequence = first
        assert object_id.endswith("-0")
        prefix = object_id.rsplit("-", 1)[0]
        run = AuditEvent.objects.filter(
            sequence__gte=sequence, sequence__lt=sequence + BATCH
        ).values_list("object_id", flat=True)
        assert list(run) == [f"{prefix}-{item}" for item in range(BATCH)]

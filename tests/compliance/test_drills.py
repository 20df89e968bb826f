from datetime import date

import pytest

from tocsin.audit.models import AuditEvent
from tocsin.compliance.drills import is_drill_overdue, next_drill_due, record_drill
from tocsin.compliance.errors import InvalidComplianceInput

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)


def test_drill_is_recorded_with_follow_ups() -> None:
    drill = record_drill(
        "2026-11-20",
        "SMS provider outage during run",
        "Fallback to postal took 40 minutes",
        ["shorten SMS timeout", ""],
        actor="lead",
        today=TODAY,
    )

    assert drill.follow_ups == ["shorten SMS timeout"]


def test_drill_payload_excludes_free_text() -> None:
    record_drill("2026-11-20", "scenario text", "results text", ["a"], today=TODAY)

    event = AuditEvent.objects.get()
    assert event.payload == {"held_on": "2026-11-20", "follow_ups": 1}


def test_future_drill_is_rejected() -> None:
    with pytest.raises(InvalidComplianceInput) as raised:
        record_drill("2026-12-10", "s", "r", today=TODAY)

    assert str(raised.value) == (
        "held_on 2026-12-10 is in the future; record a drill after it is held"
    )


def test_empty_results_are_rejected() -> None:
    with pytest.raises(InvalidComplianceInput, match="results is empty"):
        record_drill("2026-11-20", "scenario", "  ", today=TODAY)


def test_no_drill_means_overdue() -> None:
    assert is_drill_overdue(TODAY)
    assert next_drill_due(TODAY) == TODAY


def test_drill_within_quarter_is_not_overdue() -> None:
    record_drill("2026-09-10", "s", "r", today=TODAY)

    assert not is_drill_overdue(TODAY)
    assert next_drill_due(TODAY) == date(2026, 12, 11)

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from tocsin.audit.models import AuditEvent
from tocsin.compliance.errors import InvalidComplianceInput
from tocsin.compliance.training import (
    record_training,
    training_status,
    untrained_operators,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)


def test_recording_training_writes_audit_event() -> None:
    record_training("op1", "breach-ops", "2026-11-01", actor="lead", today=TODAY)

    event = AuditEvent.objects.get()
    assert event.action == "compliance.training_recorded"
    assert event.payload == {
        "operator": "op1",
        "course": "breach-ops",
        "completed_on": "2026-11-01",
    }


def test_future_completion_is_rejected() -> None:
    with pytest.raises(InvalidComplianceInput) as raised:
        record_training("op1", "breach-ops", "2026-12-05", today=TODAY)

    assert str(raised.value) == (
        "completed_on 2026-12-05 is in the future; give the date the course"
        " was completed"
    )


def test_training_older_than_a_year_is_flagged() -> None:
    record_training("op1", "breach-ops", "2025-12-03", today=TODAY)

    [status] = untrained_operators(["op1"], today=TODAY)

    assert status.operator == "op1"
    assert status.completed_on == date(2025, 12, 3)
    assert not status.is_current


def test_training_exactly_a_year_old_is_current() -> None:
    record_training("op1", "breach-ops", "2025-12-04", today=TODAY)

    assert untrained_operators(["op1"], today=TODAY) == []


def test_operator_without_training_is_listed() -> None:
    [status] = untrained_operators(["op2"], today=TODAY)

    assert status.completed_on is None


def test_active_users_are_the_default_operators() -> None:
    user_model = get_user_model()
    user_model.objects.create(username="op1")
    user_model.objects.create(username="gone", is_active=False)

    names = [status.operator for status in untrained_operators(today=TODAY)]

    assert names == ["op1"]


def test_course_filter_ignores_other_courses() -> None:
    record_training("op1", "phishing", "2026-11-01", today=TODAY)

    statuses = training_status(["op1"], today=TODAY, course="breach-ops")

    assert not statuses[0].is_current

from datetime import UTC, datetime, timedelta

import pytest

from tocsin.audit.models import AuditEvent
from tocsin.delivery.deadlines import check_delivery_deadline, project_completion
from tocsin.delivery.models import DeliveryAttempt, Notice

from .planning_fixtures import plan_people

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
MARGIN = timedelta(hours=24)


def minutes_ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_projection_uses_recent_rate() -> None:
    # 30 finished in the last 15 minutes: 120 an hour; 240 left take 2 hours.
    projection = project_completion(
        remaining=240,
        finished_at=minutes_ago(*range(0, 15, 1), *range(0, 15, 1)),
        now=NOW,
        deadline=NOW + timedelta(days=5),
        margin=MARGIN,
    )

    assert projection.per_hour == 120
    assert projection.projected_finish == NOW + timedelta(hours=2)
    assert projection.is_at_risk is False


def test_finish_inside_margin_is_at_risk() -> None:
    projection = project_completion(
        remaining=240,
        finished_at=minutes_ago(*range(15), *range(15)),
        now=NOW,
        deadline=NOW + timedelta(hours=25),
        margin=MARGIN,
    )

    assert projection.is_at_risk is True


def test_completions_outside_window_are_ignored() -> None:
    projection = project_completion(
        remaining=10,
        finished_at=minutes_ago(30, 60, 90),
        now=NOW,
        deadline=NOW + timedelta(days=30),
        margin=MARGIN,
    )

    assert projection.per_hour == 0
    assert projection.projected_finish is None
    assert projection.is_at_risk is True


def test_finished_run_is_never_at_risk() -> None:
    projection = project_completion(
        remaining=0, finished_at=[], now=NOW, deadline=NOW, margin=MARGIN
    )

    assert projection.is_at_risk is False
    assert projection.projected_finish == NOW


def test_run_without_deadline_is_not_at_risk() -> None:
    projection = project_completion(
        remaining=5, finished_at=[], now=NOW, deadline=None, margin=MARGIN
    )

    assert projection.is_at_risk is False


@pytest.mark.django_db
def test_stalled_incident_alerts_and_audits(incident, tmp_path) -> None:
    plan_people(incident, tmp_path, 3)
    deadline = Notice.objects.filter(incident=incident).first().deadline

    projection = check_delivery_deadline(incident, now=deadline - timedelta(hours=1))

    assert projection.remaining == 3
    assert projection.is_at_risk is True
    event = AuditEvent.objects.get(action="delivery.deadline_at_risk")
    assert event.payload["remaining"] == 3


@pytest.mark.django_db
def test_finished_incident_does_not_alert(incident, tmp_path) -> None:
    plan_people(incident, tmp_path, 2)
    DeliveryAttempt.objects.update(status=DeliveryAttempt.Status.SENT)

    projection = check_delivery_deadline(incident)

    assert projection.is_at_risk is False
    assert not AuditEvent.objects.filter(action="delivery.deadline_at_risk").exists()

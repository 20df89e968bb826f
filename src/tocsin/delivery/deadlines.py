"""Deadline monitoring: will the run finish before the legal deadline?

The projection divides the attempts still open by the recent completion
rate (attempts finished within the last ``window``), and compares the
projected finish, plus a safety margin, with the earliest deadline among
the notices still unsettled. A run that has stalled (no completions in
the window) is at risk whenever open attempts remain, because its
projected finish is unknown.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Min
from django.utils import timezone

from tocsin.audit.trail import record_audit_event
from tocsin.delivery import conf
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.incidents.models import Incident

logger = logging.getLogger(__name__)

THROUGHPUT_WINDOW = timedelta(minutes=15)
OPEN_ATTEMPT_STATUSES = (DeliveryAttempt.Status.PENDING, DeliveryAttempt.Status.SENDING)


@dataclass(frozen=True)
class DeadlineProjection:
    """A run's projected finish against its earliest open deadline."""

    remaining: int
    per_hour: float  # attempts finished per hour over the window
    projected_finish: datetime | None  # None when stalled with work left
    deadline: datetime | None
    margin: timedelta
    is_at_risk: bool


def project_completion(
    *,
    remaining: int,
    finished_at: Sequence[datetime],
    now: datetime,
    deadline: datetime | None,
    margin: timedelta,
    window: timedelta = THROUGHPUT_WINDOW,
) -> DeadlineProjection:
    """Return the projected finish from the recent rate, and whether
    finish plus ``margin`` passes ``deadline``."""
    recent = [moment for moment in finished_at if now - window <= moment <= now]
    per_hour = len(recent) / (window.total_seconds() / 3600)
    if remaining == 0:
        projected: datetime | None = now
    elif per_hour == 0:
        projected = None
    else:
        projected = now + timedelta(hours=remaining / per_hour)
    if deadline is None or remaining == 0:
        at_risk = False
    elif projected is None:
        at_risk = True
    else:
        at_risk = projected + margin > deadline
    return DeadlineProjection(remaining, per_hour, projected, deadline, margin, at_risk)


def project_incident_deadline(
    incident: Incident, now: datetime | None = None
) -> DeadlineProjection:
    """Return the deadline projection of an incident's delivery run."""
    now = now or timezone.now()
    attempts = DeliveryAttempt.objects.filter(notice__incident=incident)
    remaining = attempts.filter(status__in=OPEN_ATTEMPT_STATUSES).count()
    finished = list(
        attempts.filter(finished_at__gte=now - THROUGHPUT_WINDOW).values_list(
            "finished_at", flat=True
        )
    )
    open_notices = Notice.objects.filter(
        incident=incident, attempts__status__in=OPEN_ATTEMPT_STATUSES
    )
    deadline = open_notices.aggregate(earliest=Min("deadline"))["earliest"]
    margin = timedelta(hours=conf.deadline_margin_hours())
    return project_completion(
        remaining=remaining,
        finished_at=finished,
        now=now,
        deadline=deadline,
        margin=margin,
    )


def check_delivery_deadline(
    incident: Incident, now: datetime | None = None
) -> DeadlineProjection:
    """Return the projection; alert (error log and audit event) if at risk.

    Operators need the warning while there is still time to add workers or
    providers, hence the margin before the deadline itself.
    """
    projection = project_incident_deadline(incident, now)
    if projection.is_at_risk:
        details = {
            "remaining": projection.remaining,
            "per_hour": round(projection.per_hour, 1),
            "projected_finish": _iso(projection.projected_finish),
            "deadline": _iso(projection.deadline),
            "margin_hours": projection.margin.total_seconds() / 3600,
        }
        logger.error(
            "delivery deadline at risk",
            extra={"incident_id": str(incident.pk)} | details,
        )
        record_audit_event(
            "delivery.deadline_at_risk",
            object_type="incident",
            object_id=incident.pk,
            incident_ref=incident.pk,
            outcome="at_risk",
            payload=details,
        )
    return projection


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None

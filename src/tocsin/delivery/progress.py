"""Watching a notification run until its email attempts end."""

import time

from django.db.models import Count

from tocsin.delivery.errors import DeliveryTimedOut
from tocsin.delivery.models import DeliveryAttempt
from tocsin.incidents.models import Incident

OPEN_STATUSES = (DeliveryAttempt.Status.PENDING, DeliveryAttempt.Status.SENDING)


def attempt_counts(incident: Incident) -> dict[str, int]:
    """Return the number of the incident's attempts in each status."""
    rows = (
        DeliveryAttempt.objects.filter(notice__incident=incident)
        .values("status")
        .annotate(count=Count("pk"))
    )
    return {row["status"]: row["count"] for row in rows}


def wait_for_delivery(
    incident: Incident, timeout_s: float = 1800, poll_s: float = 0.5
) -> dict[str, int]:
    """Block until no attempt is pending or sending; return the counts."""
    deadline = time.monotonic() + timeout_s
    while True:
        counts = attempt_counts(incident)
        if not any(counts.get(status, 0) for status in OPEN_STATUSES):
            return counts
        if time.monotonic() > deadline:
            raise DeliveryTimedOut(
                f"delivery for incident {incident.pk} still has "
                f"{counts.get('pending', 0)} pending and {counts.get('sending', 0)} "
                f"sending attempts after {timeout_s:.0f} s; check the worker log and "
                "'tocsin status'"
            )
        time.sleep(poll_s)

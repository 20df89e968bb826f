"""Breach-response drills: when one was held, what it tested, what followed.

Drills are held every quarter so the team and the system are exercised
before a real breach; the evidence bundle carries their records.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from tocsin.audit.trail import record_audit_event
from tocsin.compliance.conf import drill_interval_days
from tocsin.compliance.errors import InvalidComplianceInput
from tocsin.compliance.models import Drill
from tocsin.compliance.parsing import parse_date, require_text


def record_drill(
    held_on: str | date,
    scenario: str,
    results: str,
    follow_ups: Sequence[str] = (),
    *,
    actor: str = "system",
    today: date | None = None,
) -> Drill:
    """Store a drill record and write an audit event.

    The audit payload contains the drill's date and counts only; the scenario
    and results text stay in the drill record.
    """
    held = parse_date(held_on, "held_on")
    if held > (today or timezone.localdate()):
        raise InvalidComplianceInput(
            f"held_on {held} is in the future; record a drill after it is held"
        )
    scenario = require_text(scenario, "scenario", 200)
    results = require_text(results, "results", 20000)
    items = [item.strip() for item in follow_ups if item.strip()]
    with transaction.atomic():
        drill = Drill.objects.create(
            held_on=held,
            scenario=scenario,
            results=results,
            follow_ups=items,
            recorded_by=actor,
        )
        record_audit_event(
            "compliance.drill_recorded",
            object_type="drill",
            object_id=drill.pk,
            actor=actor,
            payload={"held_on": held.isoformat(), "follow_ups": len(items)},
        )
    return drill


def next_drill_due(today: date | None = None) -> date:
    """Return the date by which the next drill is due (today if overdue)."""
    today = today or timezone.localdate()
    latest = Drill.objects.order_by("-held_on").first()
    if latest is None:
        return today
    return max(today, latest.held_on + timedelta(days=drill_interval_days()))


def is_drill_overdue(today: date | None = None) -> bool:
    """Return whether no drill was held within the drill interval."""
    today = today or timezone.localdate()
    latest = Drill.objects.order_by("-held_on").first()
    if latest is None:
        return True
    return latest.held_on + timedelta(days=drill_interval_days()) < today

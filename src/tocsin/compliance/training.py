"""Operator training: who completed which course, and who is not current.

Only trained operators should run a notification, so the run screen lists
operators with no training on record or none within the validity period
(365 days by default).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tocsin.audit.trail import record_audit_event
from tocsin.compliance.conf import training_valid_days
from tocsin.compliance.errors import InvalidComplianceInput
from tocsin.compliance.models import TrainingCompletion
from tocsin.compliance.parsing import parse_date, require_text


@dataclass(frozen=True)
class OperatorTraining:
    """An operator's latest training and whether it is still current."""

    operator: str
    course: str | None
    completed_on: date | None
    is_current: bool


def record_training(
    operator: str,
    course: str,
    completed_on: str | date,
    *,
    actor: str = "system",
    today: date | None = None,
) -> TrainingCompletion:
    """Store an operator's course completion and write an audit event."""
    operator = require_text(operator, "operator", 150)
    course = require_text(course, "course", 120)
    completed = parse_date(completed_on, "completed_on")
    today = today or timezone.localdate()
    if completed > today:
        raise InvalidComplianceInput(
            f"completed_on {completed} is in the future; give the date the"
            " course was completed"
        )
    with transaction.atomic():
        completion = TrainingCompletion.objects.create(
            operator=operator,
            course=course,
            completed_on=completed,
            recorded_by=actor,
        )
        record_audit_event(
            "compliance.training_recorded",
            object_type="training_completion",
            object_id=completion.pk,
            actor=actor,
            payload={
                "operator": operator,
                "course": course,
                "completed_on": completed.isoformat(),
            },
        )
    return completion


def training_status(
    operators: Iterable[str] | None = None,
    *,
    today: date | None = None,
    course: str | None = None,
) -> list[OperatorTraining]:
    """Return each operator's latest training and whether it is current.

    ``operators`` defaults to the active user accounts. ``course`` limits
    the check to one course; by default any course counts.
    """
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=training_valid_days())
    if operators is None:
        operators = _active_usernames()
    statuses = []
    for operator in sorted(set(operators)):
        completions = TrainingCompletion.objects.filter(operator=operator)
        if course:
            completions = completions.filter(course=course)
        latest = completions.order_by("-completed_on").first()
        statuses.append(
            OperatorTraining(
                operator=operator,
                course=latest.course if latest else None,
                completed_on=latest.completed_on if latest else None,
                is_current=bool(latest and latest.completed_on >= cutoff),
            )
        )
    return statuses


def untrained_operators(
    operators: Iterable[str] | None = None,
    *,
    today: date | None = None,
    course: str | None = None,
) -> list[OperatorTraining]:
    """Return the operators with no training or only training past validity.

    The run screen shows this list before a run starts.
    """
    statuses = training_status(operators, today=today, course=course)
    return [status for status in statuses if not status.is_current]


def _active_usernames() -> list[str]:
    user_model = get_user_model()
    usernames = user_model.objects.filter(is_active=True).values_list(
        user_model.USERNAME_FIELD, flat=True
    )
    return list(usernames)

"""Delivery plans: which channels reach a person, in which order.

Email goes first where every law owed to the person allows electronic
notice and an address is on file. A letter is the first step where email
is not allowed or not possible, and otherwise the fallback: after a hard
bounce or failure, or when a provider that confirms delivery has not
confirmed it within ``TOCSIN_LETTER_FALLBACK_HOURS``. An SMS, where
enabled, is only an extra alert: no law in the bundled files accepts a
text message as notice. A person no step can reach needs substitute
notice (website, media), and the plan records whether every owed law
allows it.

This module is pure: it reads facts and returns decisions, so the rules
are tested without a database.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# Law-file methods that an email satisfies, and that a letter satisfies.
ELECTRONIC_METHODS = frozenset({"electronic", "email"})
WRITTEN_METHODS = frozenset({"written"})

EMAIL, SMS, LETTER = "email", "sms", "letter"


class StepRole(StrEnum):
    """The purpose of a plan step."""

    PRIMARY = "primary"  # the first try at meeting the obligation
    FALLBACK = "fallback"  # meets the obligation if the primary fails
    ALERT = "alert"  # points to the notice; meets no obligation


@dataclass(frozen=True)
class ObligationTerms:
    """The notice methods one owed law accepts."""

    law_id: str
    permitted_methods: tuple[str, ...]
    substitute_allowed: bool = False


@dataclass(frozen=True)
class ContactChannels:
    """The kinds of contact details on file for a person."""

    has_email: bool
    has_phone: bool
    has_postal_address: bool


@dataclass(frozen=True)
class PlanStep:
    """One channel in a delivery plan."""

    channel: str
    role: StepRole

    @property
    def satisfies_obligation(self) -> bool:
        """Return True if delivery on this step meets the legal duty."""
        return self.role is not StepRole.ALERT


@dataclass(frozen=True)
class DeliveryPlan:
    """A person's delivery steps and whether substitute notice is needed."""

    steps: tuple[PlanStep, ...]
    needs_substitute_notice: bool
    substitute_notice_allowed: bool

    def step(self, role: StepRole) -> PlanStep | None:
        """Return the plan's step with ``role``, or None."""
        return next((s for s in self.steps if s.role is role), None)


@dataclass(frozen=True)
class AttemptState:
    """The known state of one delivery attempt of the person's notice."""

    channel: str
    status: str  # a DeliveryAttempt.Status value
    finished_at: datetime | None = None
    confirms_delivery: bool = False  # the provider reports delivery events


def allows(obligations: Sequence[ObligationTerms], methods: frozenset[str]) -> bool:
    """Return True if every owed law accepts one of ``methods``.

    A law that lists no methods is taken to accept written notice only,
    the form every notice statute accepts.
    """
    if not obligations:
        return False
    return all(
        methods & set(ob.permitted_methods or WRITTEN_METHODS) for ob in obligations
    )


def build_delivery_plan(
    contact: ContactChannels,
    obligations: Sequence[ObligationTerms],
    *,
    sms_alerts: bool = False,
) -> DeliveryPlan:
    """Return the person's delivery plan from the owed laws and contacts."""
    can_email = contact.has_email and allows(obligations, ELECTRONIC_METHODS)
    can_write = contact.has_postal_address and allows(obligations, WRITTEN_METHODS)
    steps: list[PlanStep] = []
    if can_email:
        steps.append(PlanStep(EMAIL, StepRole.PRIMARY))
        if can_write:
            steps.append(PlanStep(LETTER, StepRole.FALLBACK))
    elif can_write:
        steps.append(PlanStep(LETTER, StepRole.PRIMARY))
    if sms_alerts and contact.has_phone:
        steps.append(PlanStep(SMS, StepRole.ALERT))
    needs_substitute = not (can_email or can_write)
    substitute_allowed = bool(obligations) and all(
        ob.substitute_allowed for ob in obligations
    )
    return DeliveryPlan(tuple(steps), needs_substitute, substitute_allowed)


_FAILED = {"bounced", "failed"}
_ACCEPTED = {"sent", "in_doubt"}


def _latest(attempts: Sequence[AttemptState], channel: str) -> AttemptState | None:
    matching = [a for a in attempts if a.channel == channel]
    return matching[-1] if matching else None


def is_fallback_due(
    attempt: AttemptState, now: datetime, fallback_after: timedelta
) -> bool:
    """Return True if the primary email's outcome calls for the letter."""
    if attempt.status in _FAILED:
        return True
    if attempt.status not in _ACCEPTED or not attempt.confirms_delivery:
        return False
    return (
        attempt.finished_at is not None and attempt.finished_at + fallback_after <= now
    )


def next_channels(
    plan: DeliveryPlan,
    attempts: Sequence[AttemptState],
    now: datetime,
    fallback_after: timedelta,
) -> list[str]:
    """Return the channels whose first attempt should be created now."""
    due = []
    primary = plan.step(StepRole.PRIMARY)
    fallback = plan.step(StepRole.FALLBACK)
    alert = plan.step(StepRole.ALERT)
    if primary and _latest(attempts, primary.channel) is None:
        due.append(primary.channel)
    if fallback and primary and _latest(attempts, fallback.channel) is None:
        primary_attempt = _latest(attempts, primary.channel)
        if primary_attempt and is_fallback_due(primary_attempt, now, fallback_after):
            due.append(fallback.channel)
    if alert and _latest(attempts, alert.channel) is None:
        due.append(alert.channel)
    return due


def satisfying_attempt(
    plan: DeliveryPlan,
    attempts: Sequence[AttemptState],
    now: datetime,
    fallback_after: timedelta,
) -> AttemptState | None:
    """Return the attempt that meets the legal obligation, or None yet.

    An email counts once delivered, or, from a provider that never
    confirms delivery (plain SMTP), once sent with no bounce within the
    fallback period. A letter counts once handed to the mail house and not
    returned, because notice by mail is given when mailed.
    """
    for step in plan.steps:
        if not step.satisfies_obligation:
            continue
        attempt = _latest(attempts, step.channel)
        if attempt is None:
            continue
        if attempt.status == "delivered":
            return attempt
        if step.channel == LETTER and attempt.status == "sent":
            return attempt
        if (
            step.channel == EMAIL
            and attempt.status == "sent"
            and not attempt.confirms_delivery
            and attempt.finished_at is not None
            and attempt.finished_at + fallback_after <= now
        ):
            return attempt
    return None

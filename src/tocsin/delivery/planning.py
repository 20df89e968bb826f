"""Delivery plans applied to stored notices: follow-up attempts and report.

``plan_followups`` reads each notice's owed laws, contact flags and
attempts, and creates the attempts that its plan makes due now: a letter
where email is not allowed or has failed, an SMS alert where enabled. It
is safe to run any number of times, because an attempt's idempotency key
(``<notice>:<channel>:1``) is unique. ``delivery_plan_report`` counts
people by plan and outcome for the operator, including those who need
substitute notice.
"""

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tocsin.assessment.models import Obligation
from tocsin.audit.trail import record_audit_event
from tocsin.delivery import conf
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.delivery.plans import (
    AttemptState,
    ContactChannels,
    DeliveryPlan,
    ObligationTerms,
    StepRole,
    build_delivery_plan,
    next_channels,
    satisfying_attempt,
)
from tocsin.incidents.models import Incident
from tocsin.jurisdictions.rulebook import load_rulebook

logger = logging.getLogger(__name__)

# Providers whose webhooks report delivery. Plain SMTP reports nothing
# after the receiving server accepts the message.
NON_CONFIRMING_PROVIDERS = frozenset({"", "smtp"})


@dataclass
class PlanReport:
    """Counts of an incident's people by plan and outcome."""

    notices: int = 0
    primary_channel: Counter = field(default_factory=Counter)
    with_letter_fallback: int = 0
    with_sms_alert: int = 0
    satisfied_by: Counter = field(default_factory=Counter)
    unsatisfied: int = 0
    needs_substitute_notice: int = 0
    substitute_notice_allowed: int = 0
    notice_status: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class NoticeFacts:
    """A notice with what its plan needs, loaded in bulk."""

    notice: Notice
    plan: DeliveryPlan
    attempts: list[AttemptState]


def _substitute_allowed_by_law() -> dict[str, bool]:
    rulebook = load_rulebook(settings.TOCSIN_LAWS_DIR)
    allowed = {}
    for law in rulebook:
        rule = law.individual_notice
        allowed[law.id] = bool(rule and rule.substitute_notice.allowed)
    return allowed


def load_notice_facts(incident: Incident) -> list[NoticeFacts]:
    """Return every notice of the incident with its plan and attempts."""
    notices = list(
        Notice.objects.filter(incident=incident).select_related("person__contact")
    )
    terms: dict = defaultdict(list)
    substitute = _substitute_allowed_by_law()
    obligations = Obligation.objects.filter(
        run__in={n.run_id for n in notices}, is_owed=True
    ).values_list("run_id", "person_id", "law_id", "permitted_methods")
    for run_id, person_id, law_id, methods in obligations:
        terms[(run_id, person_id)].append(
            ObligationTerms(law_id, tuple(methods), substitute.get(law_id, False))
        )
    attempts: dict = defaultdict(list)
    rows = DeliveryAttempt.objects.filter(notice__incident=incident).order_by(
        "queued_at"
    )
    for attempt in rows:
        attempts[attempt.notice_id].append(
            AttemptState(
                attempt.channel,
                attempt.status,
                attempt.finished_at,
                attempt.provider not in NON_CONFIRMING_PROVIDERS,
            )
        )
    sms_alerts = conf.sms_alerts_enabled()
    return [
        NoticeFacts(
            notice,
            build_delivery_plan(
                _channels(notice),
                terms[(notice.run_id, notice.person_id)],
                sms_alerts=sms_alerts,
            ),
            attempts[notice.pk],
        )
        for notice in notices
    ]


def _channels(notice: Notice) -> ContactChannels:
    contact = notice.person.contact
    if contact is None:
        return ContactChannels(False, False, False)
    return ContactChannels(
        contact.has_email, contact.has_phone, contact.has_postal_address
    )


@dataclass(frozen=True)
class FollowupCounts:
    """Attempts created by one ``plan_followups`` pass, by channel."""

    created: dict[str, int]
    reopened_notices: int


def plan_followups(
    incident: Incident, now: datetime | None = None, actor: str = "system"
) -> FollowupCounts:
    """Create the letter and SMS attempts that the notices' plans call for.

    A notice that email could not serve (``no_channel``) but a letter can
    is reopened as ``planned``. Returns the counts; writes one audit entry.
    """
    now = now or timezone.now()
    wait = timedelta(hours=conf.letter_fallback_hours())
    created: Counter = Counter()
    reopened = []
    new_attempts = []
    for facts in load_notice_facts(incident):
        for channel in next_channels(facts.plan, facts.attempts, now, wait):
            new_attempts.append(
                DeliveryAttempt(
                    notice=facts.notice,
                    channel=channel,
                    idempotency_key=f"{facts.notice.pk}:{channel}:1",
                )
            )
            created[channel] += 1
            if facts.notice.status == Notice.Status.NO_CHANNEL:
                reopened.append(facts.notice.pk)
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(
            new_attempts, batch_size=500, ignore_conflicts=True
        )
        Notice.objects.filter(pk__in=reopened).update(status=Notice.Status.PLANNED)
        counts = FollowupCounts(dict(created), len(set(reopened)))
        record_audit_event(
            "delivery.followups_planned",
            object_type="incident",
            object_id=incident.pk,
            actor=actor,
            incident_ref=incident.pk,
            payload={"created": counts.created, "reopened": counts.reopened_notices},
        )
    logger.info(
        "delivery follow-ups planned",
        extra={"incident_id": str(incident.pk)}
        | {f"created_{k}": v for k, v in created.items()},
    )
    return counts


def delivery_plan_report(incident: Incident, now: datetime | None = None) -> PlanReport:
    """Return counts of the incident's people by plan and outcome."""
    now = now or timezone.now()
    wait = timedelta(hours=conf.letter_fallback_hours())
    report = PlanReport()
    for facts in load_notice_facts(incident):
        plan = facts.plan
        report.notices += 1
        report.notice_status[facts.notice.status] += 1
        primary = plan.step(StepRole.PRIMARY)
        report.primary_channel[primary.channel if primary else "none"] += 1
        report.with_letter_fallback += plan.step(StepRole.FALLBACK) is not None
        report.with_sms_alert += plan.step(StepRole.ALERT) is not None
        if plan.needs_substitute_notice:
            report.needs_substitute_notice += 1
            report.substitute_notice_allowed += plan.substitute_notice_allowed
        satisfied = satisfying_attempt(plan, facts.attempts, now, wait)
        if satisfied:
            report.satisfied_by[satisfied.channel] += 1
        else:
            report.unsatisfied += 1
    return report

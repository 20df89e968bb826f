"""The outbox: notices and delivery attempts, written before any send.

Deciding to send and recording the decision happen in one transaction, and
tasks are enqueued only after it commits. A crash before the commit leaves
nothing to clean up; a crash after it leaves pending attempts that the next
``notify`` enqueues again. Nothing is decided twice, because a person has
at most one notice per incident and an attempt key is unique.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tocsin.assessment.models import AssessmentRun, Obligation
from tocsin.audit.trail import audit_batch, record_audit_event
from tocsin.compliance.handoff import require_handoff_complete
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.incidents.models import Incident
from tocsin.incidents.readiness import (
    require_confirmed_company,
    require_current_assessment,
)
from tocsin.notices.templates import (
    DEFAULT_EMAIL_TEMPLATE,
    approved_version,
    freeze_version,
)

logger = logging.getLogger(__name__)

# Methods in law files that an email satisfies.
ELECTRONIC_METHODS = {"electronic", "email"}
# A claimed attempt whose worker has not finished within this time is taken
# to have died during the provider call.
SENDING_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class OutboxPlan:
    """Counts of one planning pass."""

    notices_created: int
    attempts_created: int
    no_channel: int


def _owed_obligations(run: AssessmentRun) -> dict:
    by_person: dict = defaultdict(list)
    for obligation in Obligation.objects.filter(run=run, is_owed=True):
        by_person[obligation.person_id].append(obligation)
    return by_person


def _earliest_deadline(obligations: list[Obligation]) -> datetime | None:
    deadlines = [o.deadline or o.outer_limit for o in obligations]
    known = [d for d in deadlines if d is not None]
    return min(known) if known else None


def email_is_permitted(obligations: list[Obligation]) -> bool:
    """Return whether every owed law accepts an emailed notice."""
    return all(ELECTRONIC_METHODS & set(o.permitted_methods) for o in obligations)


@transaction.atomic
def plan_email_notices(incident: Incident, actor: str = "system") -> OutboxPlan:
    """Create a notice and an email attempt for each person owed one.

    Raises ``HandoffIncomplete`` until incident response has handed the
    incident over (scope confirmed, counsel engaged, law-enforcement delay
    decided, regulators' clocks started), because those decisions can
    change who is notified and when. Raises ``CompanyProfileUnconfirmed`` while
    the company profile has its example values, and ``AssessmentOutdated``
    when an import or the profile changed after the latest assessment.

    People owed a notice that email cannot satisfy (no address on file, or
    a law that does not allow electronic notice) get a notice marked
    ``no_channel``, so they are listed and never silently dropped.
    """
    require_handoff_complete(str(incident.pk))
    require_confirmed_company()
    run = AssessmentRun.objects.filter(incident=incident).latest()
    require_current_assessment(incident, run.created_at)
    version = approved_version(DEFAULT_EMAIL_TEMPLATE)
    existing = set(
        Notice.objects.filter(incident=incident).values_list("person_id", flat=True)
    )
    owed = _owed_obligations(run)
    notices, attempts, no_channel = [], [], 0
    people = {p.pk: p for p in incident.affected_people.select_related("contact")}
    for person_id, obligations in owed.items():
        if person_id in existing:
            continue
        person = people[person_id]
        can_email = bool(person.contact and person.contact.has_email)
        status = Notice.Status.PLANNED
        if not (can_email and email_is_permitted(obligations)):
            status = Notice.Status.NO_CHANNEL
            no_channel += 1
        notice = Notice(
            incident=incident,
            person=person,
            run=run,
            template_version=version,
            status=status,
            deadline=_earliest_deadline(obligations),
            law_ids=sorted({o.law_id for o in obligations}),
        )
        notices.append(notice)
        if status == Notice.Status.PLANNED:
            attempts.append(
                DeliveryAttempt(
                    notice=notice,
                    channel=DeliveryAttempt.Channel.EMAIL,
                    provider="smtp",
                    idempotency_key=f"{notice.pk}:email:1",
                )
            )
    Notice.objects.bulk_create(notices, batch_size=500)
    DeliveryAttempt.objects.bulk_create(attempts, batch_size=500)
    if notices:
        freeze_version(version)
    plan = OutboxPlan(len(notices), len(attempts), no_channel)
    record_audit_event(
        "notices.planned",
        object_type="incident",
        object_id=incident.pk,
        actor=actor,
        incident_ref=incident.pk,
        payload=plan.__dict__
        | {"run_id": str(run.pk), "template_version": str(version.pk)},
    )
    return plan


def pending_attempt_ids(incident: Incident) -> list[str]:
    """Return the ids of the incident's email attempts waiting to be sent."""
    attempts = DeliveryAttempt.objects.filter(
        notice__incident=incident,
        channel=DeliveryAttempt.Channel.EMAIL,
        status=DeliveryAttempt.Status.PENDING,
    ).order_by("queued_at")
    return [str(pk) for pk in attempts.values_list("pk", flat=True)]


def mark_stale_attempts_in_doubt(incident: Incident) -> int:
    """Mark attempts stuck in ``sending`` past the lease as in doubt.

    A worker that died between handing a message to the provider and
    recording the result leaves its attempt in ``sending``. SMTP has no way
    to ask whether the message went out, so the attempt is listed as in
    doubt for an operator to resolve instead of being sent again.
    """
    cutoff = timezone.now() - SENDING_LEASE
    stale = list(
        DeliveryAttempt.objects.filter(
            notice__incident=incident,
            status=DeliveryAttempt.Status.SENDING,
            started_at__lt=cutoff,
        )
    )
    with transaction.atomic(), audit_batch():
        for attempt in stale:
            attempt.status = DeliveryAttempt.Status.IN_DOUBT
            attempt.finished_at = timezone.now()
            record_audit_event(
                "delivery.in_doubt",
                object_type="delivery_attempt",
                object_id=attempt.pk,
                incident_ref=incident.pk,
                outcome="in_doubt",
                payload={"channel": attempt.channel, "key": attempt.idempotency_key},
            )
        DeliveryAttempt.objects.bulk_update(stale, ["status", "finished_at"])
        Notice.objects.filter(attempts__in=stale).update(status=Notice.Status.IN_DOUBT)
    if stale:
        logger.warning(
            "delivery attempts marked in doubt",
            extra={"incident_id": str(incident.pk), "count": len(stale)},
        )
    return len(stale)


# Notice statuses that end a person's notification. A ``no_channel`` notice
# is still owed, so an incident with one is not complete.
ENDED_NOTICE_STATUSES = (
    Notice.Status.SENT,
    Notice.Status.DELIVERED,
    Notice.Status.FAILED,
    Notice.Status.IN_DOUBT,
)


def update_incident_progress(incident: Incident) -> str:
    """Move the incident to ``notifying`` or ``complete``; return its status.

    Completion starts the vault's retention window, so it is set only when
    every notice has ended and no attempt is waiting or under way.
    """
    notices = Notice.objects.filter(incident=incident)
    if not notices.exists() or incident.status == Incident.Status.PURGED:
        return incident.status
    open_attempts = DeliveryAttempt.objects.filter(
        notice__incident=incident,
        status__in=(DeliveryAttempt.Status.PENDING, DeliveryAttempt.Status.SENDING),
    )
    is_done = not notices.exclude(status__in=ENDED_NOTICE_STATUSES).exists() and (
        not open_attempts.exists()
    )
    status = Incident.Status.COMPLETE if is_done else Incident.Status.NOTIFYING
    updates: dict = {"status": status}
    if is_done and incident.notifications_completed_at is None:
        updates["notifications_completed_at"] = timezone.now()
    changed = (
        Incident.objects.filter(pk=incident.pk).exclude(status=status).update(**updates)
    )
    if changed and is_done:
        record_audit_event(
            "incident.notifications_completed",
            object_type="incident",
            object_id=incident.pk,
            incident_ref=incident.pk,
            payload={"notices": notices.count()},
        )
    return status

"""Celery tasks of the delivery app: thin wrappers over domain functions."""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.db import transaction
from django.utils import timezone

from tocsin.celery import TocsinTask
from tocsin.delivery import conf
from tocsin.delivery.deadlines import check_delivery_deadline
from tocsin.delivery.email_attempts import send_email_attempts_via_providers
from tocsin.delivery.email_smtp import send_email_attempts
from tocsin.delivery.letter_attempts import write_letter_batch
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.delivery.outbox import (
    mark_stale_attempts_in_doubt,
    pending_attempt_ids,
    plan_email_notices,
    update_incident_progress,
)
from tocsin.delivery.planning import plan_followups
from tocsin.delivery.recovery import mark_orphaned_attempts_in_doubt
from tocsin.delivery.sms_attempts import send_sms_attempts
from tocsin.errors import RetryableError
from tocsin.incidents.jobs import run_job
from tocsin.incidents.models import BackgroundJob, Incident

logger = logging.getLogger(__name__)

# About a day of retries with backoff capped at ten minutes: long enough to
# ride out a mail server outage, short enough to leave time for letters.
EMAIL_MAX_RETRIES = 150


def retry_countdown(retries: int) -> int:
    """Return seconds to the next retry: exponential, full jitter, <= 600."""
    return get_exponential_backoff_interval(
        factor=2, retries=retries, maximum=600, full_jitter=True
    )


def fail_exhausted_attempts(attempt_ids: list[str]) -> int:
    """Mark still-pending attempts failed once their retries are used up."""
    with transaction.atomic():
        attempts = DeliveryAttempt.objects.filter(
            pk__in=attempt_ids, status=DeliveryAttempt.Status.PENDING
        )
        notice_ids = list(attempts.values_list("notice_id", flat=True))
        count = attempts.update(
            status=DeliveryAttempt.Status.FAILED,
            error_code="retries-exhausted",
            finished_at=timezone.now(),
        )
        Notice.objects.filter(pk__in=notice_ids).update(status=Notice.Status.FAILED)
    logger.error("delivery attempts failed after retries", extra={"count": count})
    return count


@shared_task(base=TocsinTask, bind=True, max_retries=EMAIL_MAX_RETRIES, queue="email")
def send_email_batch(self: TocsinTask, attempt_ids: list[str]) -> int:
    """Send a batch of email attempts, retrying temporary failures.

    With ``TOCSIN_DELIVERY_EMAIL_PROVIDERS`` set, the provider chain sends
    them with failover; otherwise the single SMTP connection does.
    """
    if conf.email_providers():
        send = send_email_attempts_via_providers
    else:
        send = send_email_attempts
    try:
        sent = send(attempt_ids)
    except RetryableError as error:
        if self.request.retries >= self.max_retries:
            fail_exhausted_attempts(attempt_ids)
            raise
        raise self.retry(
            exc=error, countdown=retry_countdown(self.request.retries)
        ) from error
    for incident in Incident.objects.filter(
        notices__attempts__pk__in=attempt_ids
    ).distinct():
        update_incident_progress(incident)
    return sent


# Publishing costs about 15 ms a message on the embedded SQLite broker, so
# attempts travel in batches rather than one task each.
EMAIL_BATCH_SIZE = 100


def enqueue_pending_email(incident: Incident) -> int:
    """Enqueue every pending email attempt of an incident in batches."""
    ids = pending_attempt_ids(incident)
    for start in range(0, len(ids), EMAIL_BATCH_SIZE):
        send_email_batch.delay(ids[start : start + EMAIL_BATCH_SIZE])
    return len(ids)


# An SMS alert is extra to the notice: a day of retries is plenty, and an
# alert that arrives days late only confuses.
SMS_MAX_RETRIES = 150
FOLLOWUP_BATCH_SIZE = 100


@shared_task(base=TocsinTask, bind=True, max_retries=SMS_MAX_RETRIES, queue="sms")
def send_sms_batch(self: TocsinTask, attempt_ids: list[str]) -> int:
    """Send a batch of SMS alert attempts, retrying provider outages."""
    try:
        return send_sms_attempts(attempt_ids)
    except RetryableError as error:
        if self.request.retries >= self.max_retries:
            DeliveryAttempt.objects.filter(
                pk__in=attempt_ids, status=DeliveryAttempt.Status.PENDING
            ).update(
                status=DeliveryAttempt.Status.FAILED,
                error_code="retries-exhausted",
                finished_at=timezone.now(),
            )
            raise
        raise self.retry(
            exc=error, countdown=retry_countdown(self.request.retries)
        ) from error


@shared_task(base=TocsinTask, queue="postal")
def write_letter_batch_task(attempt_ids: list[str]) -> str:
    """Write a batch of pending letter attempts for the mail house."""
    path = write_letter_batch(
        attempt_ids, conf.mail_batch_dir(), mail_house=conf.mail_house_name()
    )
    return str(path or "")


def enqueue_followups(incident: Incident) -> dict[str, int]:
    """Create the follow-up attempts now due; enqueue every pending one."""
    plan_followups(incident)
    tasks = {"letter": write_letter_batch_task, "sms": send_sms_batch}
    enqueued = {}
    for channel, task in tasks.items():
        ids = [
            str(pk)
            for pk in DeliveryAttempt.objects.filter(
                notice__incident=incident,
                channel=channel,
                status=DeliveryAttempt.Status.PENDING,
            ).values_list("pk", flat=True)
        ]
        for start in range(0, len(ids), FOLLOWUP_BATCH_SIZE):
            task.delay(ids[start : start + FOLLOWUP_BATCH_SIZE])
        enqueued[channel] = len(ids)
    return enqueued


def _notify(job: BackgroundJob) -> dict:
    incident = job.incident
    in_doubt = mark_orphaned_attempts_in_doubt()
    in_doubt += mark_stale_attempts_in_doubt(incident)
    plan = plan_email_notices(incident, actor=job.params.get("actor", "system"))
    enqueued = enqueue_pending_email(incident)
    followups = enqueue_followups(incident) if conf.auto_followups_enabled() else {}
    update_incident_progress(incident)
    return plan.__dict__ | {
        "enqueued": enqueued,
        "followups_enqueued": followups,
        "marked_in_doubt": in_doubt,
    }


@shared_task(base=TocsinTask)
def start_notification_job(job_id: str) -> None:
    """Plan the notices of a background job's incident and enqueue sending."""
    run_job(job_id, _notify)


@shared_task(base=TocsinTask)
def watch_notifying_incidents() -> None:
    """Check each notifying incident's deadline and plan its due follow-ups.

    Runs from celery beat, so an at-risk deadline raises its alert and a
    bounce or an unconfirmed email moves to a letter without an operator
    running ``notify`` again. Follow-ups are planned only where automatic
    follow-ups are enabled.
    """
    incidents = Incident.objects.filter(status=Incident.Status.NOTIFYING)
    for incident in incidents:
        check_delivery_deadline(incident)
        if conf.auto_followups_enabled():
            enqueue_followups(incident)
        update_incident_progress(incident)

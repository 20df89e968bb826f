"""Recording the outcome of one delivery attempt on any channel."""

from django.db import transaction
from django.utils import timezone

from tocsin.audit.trail import record_audit_event
from tocsin.delivery.metrics import observe_attempt
from tocsin.delivery.models import DeliveryAttempt, Notice


def record_attempt_outcome(
    attempt: DeliveryAttempt,
    status: str,
    *,
    provider: str = "",
    provider_message_id: str = "",
    code: str = "",
    notice_status: str | None = None,
    body_sha256: str = "",
) -> None:
    """Store an attempt's outcome, and the notice's if given, with an audit
    entry, in one transaction.

    ``notice_status`` is None for SMS alerts: they meet no obligation, so
    they never change the notice's status. ``body_sha256`` is the digest of
    the text sent, kept on the notice in place of the text.
    """
    with transaction.atomic():
        attempt.status = status
        attempt.provider = provider or attempt.provider
        attempt.provider_message_id = provider_message_id
        attempt.error_code = code
        attempt.finished_at = timezone.now()
        attempt.tries += 1
        attempt.save(
            update_fields=[
                "status",
                "provider",
                "provider_message_id",
                "error_code",
                "finished_at",
                "tries",
            ]
        )
        if notice_status is not None:
            digest = {"body_sha256": body_sha256} if body_sha256 else {}
            Notice.objects.filter(pk=attempt.notice_id).update(
                status=notice_status, sent_at=attempt.finished_at, **digest
            )
        record_audit_event(
            "delivery.attempt",
            object_type="delivery_attempt",
            object_id=attempt.pk,
            incident_ref=attempt.notice.incident_id,
            outcome=status,
            payload={
                "notice_id": str(attempt.notice_id),
                "channel": attempt.channel,
                "provider": attempt.provider,
                "key": attempt.idempotency_key,
                "code": code,
            }
            | ({"body_sha256": body_sha256} if body_sha256 else {}),
        )
    observe_attempt(
        attempt.channel,
        attempt.provider,
        status,
        attempt.queued_at,
        attempt.finished_at,
    )


def release_attempt(attempt: DeliveryAttempt) -> None:
    """Return a claimed attempt to ``pending`` so a retry can take it."""
    DeliveryAttempt.objects.filter(
        pk=attempt.pk, status=DeliveryAttempt.Status.SENDING
    ).update(status=DeliveryAttempt.Status.PENDING, claim_token="")

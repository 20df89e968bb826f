"""Sending email attempts through the provider chain, with failover.

Used instead of the single SMTP connection when
``TOCSIN_DELIVERY_EMAIL_PROVIDERS`` is set. Each attempt is claimed right
before its send, as on the SMTP path. The chain tries providers in order,
each behind its breaker and rate limit, and the provider that accepted the
message is stored on the attempt with its message id, which the
provider's webhooks quote back.
"""

import logging

from tocsin.delivery.attempts import record_attempt_outcome, release_attempt
from tocsin.delivery.email import email_chain, send_notice_email
from tocsin.delivery.email_smtp import (
    build_email,
    claim_attempt,
    owed_obligations,
    pending_attempts,
    render_for,
)
from tocsin.delivery.errors import (
    DeliveryPermanentError,
    DeliveryRetryableError,
    ProviderMisconfigured,
    ProviderUnavailable,
)
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.delivery.recovery import new_claim_token
from tocsin.errors import PermanentError
from tocsin.incidents.models import CompanyProfile
from tocsin.vault.store import open_contacts

logger = logging.getLogger(__name__)


def send_email_attempts_via_providers(attempt_ids: list[str]) -> int:
    """Send the pending email attempts among ``attempt_ids`` through the
    provider chain; return how many a provider accepted.

    A recipient failure fails that attempt and goes on. When every
    provider failed, the attempt is released (or marked in doubt if a
    provider may have taken it) and the error re-raised for a retry.
    """
    attempts = [
        a
        for a in pending_attempts(attempt_ids)
        if a.channel == DeliveryAttempt.Channel.EMAIL
    ]
    if not attempts:
        return 0
    chain = email_chain()
    contacts = open_contacts(a.notice.person.contact for a in attempts)
    company = CompanyProfile.objects.first() or CompanyProfile()
    obligations = owed_obligations(attempts)
    token = new_claim_token()
    sent = 0
    for attempt in attempts:
        if not claim_attempt(attempt, token):
            continue
        try:
            rendered, recipient = render_for(attempt, contacts, company, obligations)
            message = build_email(attempt.notice, rendered, recipient)
            receipt = send_notice_email(
                message, idempotency_key=attempt.idempotency_key, chain=chain
            )
        except ProviderMisconfigured:
            # A settings problem is no fault of the person's: keep the
            # attempt pending for after the fix.
            release_attempt(attempt)
            raise
        except (DeliveryPermanentError, PermanentError) as error:
            _record_failure(attempt, type(error).__name__)
            continue
        except DeliveryRetryableError as error:
            _record_retryable(attempt, error)
            raise
        status = DeliveryAttempt.Status.SENT
        notice_status = Notice.Status.SENT
        if receipt.in_doubt_providers:
            # Sent now, but an earlier provider may have sent it too.
            status, notice_status = (
                DeliveryAttempt.Status.IN_DOUBT,
                Notice.Status.IN_DOUBT,
            )
        record_attempt_outcome(
            attempt,
            status,
            provider=receipt.provider,
            provider_message_id=receipt.provider_message_id,
            code="sent-after-in-doubt" if receipt.in_doubt_providers else "",
            notice_status=notice_status,
        )
        sent += 1
    logger.info(
        "email batch sent through providers",
        extra={"sent": sent, "batch_size": len(attempts)},
    )
    return sent


def _record_failure(attempt: DeliveryAttempt, code: str) -> None:
    record_attempt_outcome(
        attempt,
        DeliveryAttempt.Status.FAILED,
        code=code,
        notice_status=Notice.Status.FAILED,
    )
    logger.warning(
        "email attempt failed", extra={"attempt_id": str(attempt.pk), "error": code}
    )


def _record_retryable(attempt: DeliveryAttempt, error: DeliveryRetryableError) -> None:
    if isinstance(error, ProviderUnavailable) and error.in_doubt:
        record_attempt_outcome(
            attempt,
            DeliveryAttempt.Status.IN_DOUBT,
            code="provider-timeout",
            notice_status=Notice.Status.IN_DOUBT,
        )
        return
    release_attempt(attempt)

"""Sending the SMS alerts of a batch of delivery attempts.

An SMS alert points to the notice and meets no legal obligation, so its
outcome is recorded on the attempt only and never changes the notice's
status. Each attempt is claimed right before its send, as email attempts
are, so a worker that dies leaves at most one alert in doubt.
"""

import logging

from tocsin.delivery.attempts import record_attempt_outcome, release_attempt
from tocsin.delivery.email_smtp import claim_attempt, pending_attempts
from tocsin.delivery.errors import (
    DeliveryPermanentError,
    DeliveryRetryableError,
    ProviderMisconfigured,
)
from tocsin.delivery.models import DeliveryAttempt
from tocsin.delivery.recovery import new_claim_token
from tocsin.delivery.sms import compose_sms_alert, normalize_number, send_sms
from tocsin.incidents.models import CompanyProfile
from tocsin.vault.store import open_contacts

logger = logging.getLogger(__name__)


def send_sms_attempts(attempt_ids: list[str]) -> int:
    """Send the pending SMS alerts among ``attempt_ids``; return how many went.

    A permanent failure (opted out, invalid number, body check) fails that
    attempt and goes on. A retryable one releases the attempt to
    ``pending`` and re-raises, so the task retries the rest.
    """
    attempts = [
        a
        for a in pending_attempts(attempt_ids)
        if a.channel == DeliveryAttempt.Channel.SMS
    ]
    if not attempts:
        return 0
    contacts = open_contacts(a.notice.person.contact for a in attempts)
    company = CompanyProfile.objects.first() or CompanyProfile()
    token = new_claim_token()
    sent = 0
    for attempt in attempts:
        if not claim_attempt(attempt, token):
            continue
        reference = attempt.notice.reference
        body = compose_sms_alert(company.legal_name, company.contact_website, reference)
        try:
            phone = normalize_number(contacts[attempt.notice.person.contact_id].phone)
            receipt = send_sms(
                phone,
                body,
                idempotency_key=attempt.idempotency_key,
                reference=reference,
            )
        except DeliveryPermanentError as error:
            code = type(error).__name__
            record_attempt_outcome(attempt, DeliveryAttempt.Status.FAILED, code=code)
            logger.warning(
                "sms alert failed",
                extra={"attempt_id": str(attempt.pk), "error": code},
            )
            continue
        except (DeliveryRetryableError, ProviderMisconfigured):
            release_attempt(attempt)
            raise
        record_attempt_outcome(
            attempt,
            DeliveryAttempt.Status.SENT,
            provider=receipt.provider,
            provider_message_id=receipt.provider_message_id,
        )
        sent += 1
    logger.info("sms batch sent", extra={"sent": sent, "batch_size": len(attempts)})
    return sent

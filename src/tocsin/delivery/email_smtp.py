"""Sending email notices over SMTP through Django's email backend.

Each attempt is claimed (``pending`` to ``sending``) right before the
message is handed to the server and recorded (``sent``) right after, one
attempt at a time, so a worker that dies can leave at most the one attempt
it was sending in doubt. One SMTP connection serves a whole batch.
"""

import logging
import smtplib
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

from tocsin.assessment.models import Obligation
from tocsin.delivery.attempts import record_attempt_outcome, release_attempt
from tocsin.delivery.errors import ProviderUnavailable
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.delivery.recovery import new_claim_token
from tocsin.errors import PermanentError
from tocsin.incidents.models import CompanyProfile
from tocsin.notices.context import build_notice_context
from tocsin.notices.rendering import RenderedNotice, render_notice
from tocsin.vault.store import open_contacts

logger = logging.getLogger(__name__)


def notice_message_id(notice: Notice) -> str:
    """Return the Message-ID header for a notice, stable across retries."""
    domain = settings.TOCSIN_NOTICE_SENDER.rsplit("@", 1)[-1].strip(" >") or "tocsin"
    return f"<notice-{notice.pk}@{domain}>"


def pending_attempts(attempt_ids: Iterable[str]) -> list[DeliveryAttempt]:
    """Return the attempts among ``attempt_ids`` that are still pending.

    Loading does not claim them: each is claimed on its own right before
    its send (``claim_attempt``), so a worker killed mid-batch leaves only
    the attempt it was sending in doubt, and the rest pending for the next
    ``notify``.
    """
    return list(
        DeliveryAttempt.objects.filter(
            pk__in=list(attempt_ids), status=DeliveryAttempt.Status.PENDING
        ).select_related(
            "notice__incident",
            "notice__person__contact",
            "notice__template_version__template",
        )
    )


def claim_attempt(attempt: DeliveryAttempt, token: str) -> bool:
    """Move one attempt from ``pending`` to ``sending``; return True if won.

    The conditional update is the guard against sending twice: when a
    redelivered or re-enqueued task holds the same attempt, only one of the
    two updates matches a pending row.
    """
    started_at = timezone.now()
    claimed = DeliveryAttempt.objects.filter(
        pk=attempt.pk, status=DeliveryAttempt.Status.PENDING
    ).update(
        status=DeliveryAttempt.Status.SENDING,
        claim_token=token,
        started_at=started_at,
    )
    if claimed:
        attempt.status = DeliveryAttempt.Status.SENDING
        attempt.claim_token = token
        attempt.started_at = started_at
    return bool(claimed)


def build_email(
    notice: Notice, rendered: RenderedNotice, recipient: str
) -> EmailMultiAlternatives:
    """Return the email for a notice: plain text with an HTML alternative.

    No List-Unsubscribe header: a legal notice is not marketing, and an
    unsubscribe link would suggest the person can opt out of it.
    """
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.TOCSIN_NOTICE_SENDER,
        to=[recipient],
        headers={
            "Message-ID": notice_message_id(notice),
            "X-Tocsin-Notice": notice.reference,
        },
    )
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    return message


def owed_obligations(attempts: list[DeliveryAttempt]) -> dict:
    """Return the owed obligations of the attempts' people, by run and person.

    One query per batch instead of one per attempt: rendering reads them
    for every notice.
    """
    notices = [attempt.notice for attempt in attempts]
    rows = Obligation.objects.filter(
        run_id__in={n.run_id for n in notices},
        person_id__in={n.person_id for n in notices},
        is_owed=True,
    )
    by_person: dict = defaultdict(list)
    for obligation in rows:
        by_person[(obligation.run_id, obligation.person_id)].append(obligation)
    return by_person


def render_for(
    attempt: DeliveryAttempt,
    contacts: dict,
    company: CompanyProfile,
    obligations_by_person: dict | None = None,
) -> tuple:
    """Return the rendered notice and recipient address for an attempt."""
    notice = attempt.notice
    person = notice.person
    contact = contacts[person.contact_id]
    if obligations_by_person is None:
        obligations_by_person = owed_obligations([attempt])
    obligations = obligations_by_person[(notice.run_id, notice.person_id)]
    required = sorted({block for o in obligations for block in o.required_content})
    forbidden = sorted({block for o in obligations for block in o.forbidden_content})
    context = build_notice_context(
        contact,
        person.exposed_elements,
        notice.incident,
        company,
        required,
        forbidden,
        notice.reference,
    )
    return render_notice(notice.template_version, context), contact.email


# The notice's status after its email attempt ends in each status.
NOTICE_STATUS_AFTER = {
    DeliveryAttempt.Status.SENT: Notice.Status.SENT,
    DeliveryAttempt.Status.FAILED: Notice.Status.FAILED,
    DeliveryAttempt.Status.IN_DOUBT: Notice.Status.IN_DOUBT,
}


def _record(
    attempt: DeliveryAttempt, status: str, *, code: str = "", body_sha256: str = ""
) -> None:
    record_attempt_outcome(
        attempt,
        status,
        code=code,
        notice_status=NOTICE_STATUS_AFTER[status],
        body_sha256=body_sha256,
    )


def send_email_attempts(attempt_ids: list[str]) -> int:
    """Send the claimable attempts among ``attempt_ids``; return how many went.

    Raises ``ProviderUnavailable`` when the server cannot be reached or
    responds with a temporary error. The attempt being sent is released to
    ``pending`` first; the rest were never claimed, so the retried task
    picks up exactly the attempts not yet sent.
    """
    attempts = pending_attempts(attempt_ids)
    if not attempts:
        logger.warning(
            "no claimable attempts in batch", extra={"batch_size": len(attempt_ids)}
        )
        return 0
    contacts = open_contacts(a.notice.person.contact for a in attempts)
    obligations = owed_obligations(attempts)
    company = CompanyProfile.objects.first() or CompanyProfile()
    connection = get_connection()
    sent = 0
    token = new_claim_token()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        raise ProviderUnavailable(
            f"SMTP server unreachable ({type(error).__name__}); retrying"
        ) from error
    try:
        for attempt in attempts:
            if not claim_attempt(attempt, token):
                continue  # another task took it after this batch was loaded
            try:
                rendered, recipient = render_for(
                    attempt, contacts, company, obligations
                )
            except PermanentError as error:
                # Nothing was sent: a notice that cannot render fails here
                # and is listed, instead of going out incomplete.
                logger.error(
                    "notice failed to render",
                    extra={
                        "attempt_id": str(attempt.pk),
                        "error": type(error).__name__,
                    },
                )
                _record(attempt, DeliveryAttempt.Status.FAILED, code="render-failed")
                continue
            try:
                connection.send_messages(
                    [build_email(attempt.notice, rendered, recipient)]
                )
            except smtplib.SMTPRecipientsRefused as error:
                code = str(next(iter(error.recipients.values()))[0])
                if code.startswith("5"):
                    _record(attempt, DeliveryAttempt.Status.FAILED, code=f"smtp-{code}")
                    continue
                release_attempt(attempt)
                raise ProviderUnavailable(
                    f"SMTP server deferred a recipient (code {code}); retrying"
                ) from error
            except smtplib.SMTPResponseException as error:
                if 500 <= error.smtp_code < 600:
                    _record(
                        attempt,
                        DeliveryAttempt.Status.FAILED,
                        code=f"smtp-{error.smtp_code}",
                    )
                    continue
                release_attempt(attempt)
                raise ProviderUnavailable(
                    f"SMTP server responded {error.smtp_code}; retrying"
                ) from error
            except (smtplib.SMTPServerDisconnected, OSError) as error:
                # The server may have taken the message before it hung up.
                _record(
                    attempt, DeliveryAttempt.Status.IN_DOUBT, code="smtp-disconnected"
                )
                raise ProviderUnavailable(
                    "SMTP connection lost during a send; retrying"
                ) from error
            _record(attempt, DeliveryAttempt.Status.SENT, body_sha256=rendered.sha256())
            sent += 1
    finally:
        connection.close()
    logger.info("email batch sent", extra={"sent": sent, "batch_size": len(attempts)})
    return sent

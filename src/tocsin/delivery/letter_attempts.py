"""Turning pending letter attempts into a mail-house batch.

All the batch's attempts are claimed first and their letters rendered. The
ZIP is written under a temporary name and renamed. Then every attempt is
recorded as sent (handed to the mail house), with the notice's reference
as its provider message id because returned-mail files quote it back. A
worker that dies before the rename leaves no batch, and one that dies
after it leaves a batch whose attempts are still ``sending``. Recovery
marks those in doubt either way, so an operator checks the batch folder
before any letter is written again.
"""

import logging
from html import escape
from pathlib import Path

from tocsin.delivery.attempts import record_attempt_outcome
from tocsin.delivery.email_smtp import (
    claim_attempt,
    owed_obligations,
    pending_attempts,
    render_for,
)
from tocsin.delivery.errors import InvalidRecipient
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.delivery.postal import (
    LetterContent,
    postal_address_lines,
    write_combined_mail_batch,
)
from tocsin.delivery.recovery import new_claim_token
from tocsin.incidents.models import CompanyProfile
from tocsin.vault.records import ContactRecord
from tocsin.vault.store import open_contacts

logger = logging.getLogger(__name__)


def _address_lines(contact: ContactRecord) -> list[str]:
    name = " ".join(part for part in (contact.first_name, contact.last_name) if part)
    return postal_address_lines(
        name=name or contact.company,
        address1=contact.address1,
        address2=contact.address2,
        city=contact.city,
        province_code=contact.province_code,
        postal_code=contact.postal_code,
        country_code=contact.country_code or "US",
    )


def write_letter_batch(
    attempt_ids: list[str], out_dir: Path, *, mail_house: str
) -> Path | None:
    """Write the pending letters among ``attempt_ids`` as one mail batch.

    Returns the batch path, or None when no letter was pending. A letter
    whose address cannot be laid out fails on its own; the rest go.
    """
    token = new_claim_token()
    attempts = [
        a
        for a in pending_attempts(attempt_ids)
        if a.channel == DeliveryAttempt.Channel.LETTER and claim_attempt(a, token)
    ]
    if not attempts:
        return None
    contacts = open_contacts(a.notice.person.contact for a in attempts)
    company = CompanyProfile.objects.first() or CompanyProfile()
    obligations = owed_obligations(attempts)
    letters, batched = [], []
    for attempt in attempts:
        contact = contacts[attempt.notice.person.contact_id]
        try:
            lines = _address_lines(contact)
        except InvalidRecipient:
            record_attempt_outcome(
                attempt,
                DeliveryAttempt.Status.FAILED,
                code="address-invalid",
                notice_status=Notice.Status.FAILED,
            )
            continue
        rendered, _email = render_for(attempt, contacts, company, obligations)
        body = rendered.html or f"<pre>{escape(rendered.text)}</pre>"
        reference = attempt.notice.reference
        letters.append(LetterContent(reference, lines, body, contact.country_code))
        batched.append(attempt)
    if not letters:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    path = write_combined_mail_batch(letters, out_dir / f"letters-{token[16:]}.zip")
    for attempt in batched:
        record_attempt_outcome(
            attempt,
            DeliveryAttempt.Status.SENT,
            provider=mail_house,
            provider_message_id=attempt.notice.reference,
            notice_status=Notice.Status.SENT,
        )
    logger.info(
        "letter batch written",
        extra={"letters": len(batched), "batch": path.name, "mail_house": mail_house},
    )
    return path

"""Publishing an incident's public notice, and the text the page shows."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max

from tocsin.audit.trail import record_audit_event
from tocsin.incidents.models import CompanyProfile, Incident
from tocsin.public.errors import NoticeVersionConflict
from tocsin.public.models import PublishedNotice

logger = logging.getLogger(__name__)

GENERIC_TITLE = "Notice of a data security incident"

# Plain-language names of exposed data elements for the generic notice.
# Codes missing here are shown with underscores replaced by spaces.
ELEMENT_PHRASES = {
    "name": "names",
    "email": "email addresses",
    "password": "passwords or security questions and answers",
    "ssn": "Social Security numbers",
    "drivers_license": "driver's license numbers",
    "state_id": "state identification numbers",
    "account_number": "bank account numbers",
    "card_number": "payment card numbers",
    "card_security_code": "payment card security codes",
    "card_last4": "the last four digits of payment card numbers",
    "date_of_birth": "dates of birth",
    "postal_address": "postal addresses",
    "phone": "phone numbers",
    "order_history": "order history",
    "ip_address": "IP addresses",
}


@dataclass(frozen=True)
class PublicNotice:
    """The notice text the public page shows for one incident.

    ``version`` is 0 for the generic notice built when nothing has been
    published, so a cache or a shop page can tell the two apart.
    """

    incident_id: str
    version: int
    title: str
    body: str
    published_at: datetime


def publish_notice(
    incident: Incident, title: str, body: str, *, actor: str
) -> PublishedNotice:
    """Store the next version of an incident's notice and audit it.

    The audit entry contains the version and the length only, and the text
    itself stays in this table.
    """
    with transaction.atomic():
        latest = incident.published_notices.aggregate(latest=Max("version"))
        version = (latest["latest"] or 0) + 1
        try:
            with transaction.atomic():
                notice = PublishedNotice.objects.create(
                    incident=incident,
                    version=version,
                    title=title.strip(),
                    body=body.strip(),
                    published_by=actor,
                )
        except IntegrityError:
            raise NoticeVersionConflict(
                f"version {version} of the notice of incident {incident.pk} was"
                " published by someone else meanwhile; reload and publish again"
            ) from None
        record_audit_event(
            "public.notice_published",
            object_type="published_notice",
            object_id=notice.pk,
            actor=actor,
            incident_ref=incident.pk,
            payload={"version": version, "body_length": len(notice.body)},
        )
    logger.info(
        "public notice published",
        extra={"incident_id": str(incident.pk), "version": version},
    )
    return notice


def describe_elements(codes: list[str]) -> str:
    """Return the exposed element codes as a readable English list."""
    phrases = [ELEMENT_PHRASES.get(code, code.replace("_", " ")) for code in codes]
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def build_generic_notice(incident: Incident) -> PublicNotice:
    """Return a notice built from the incident record and company profile.

    Shown until someone publishes a notice. It names the kinds of data
    exposed and how to reach the company, and nothing about any person.
    """
    company = CompanyProfile.objects.first() or CompanyProfile()
    elements = describe_elements(list(incident.exposed_elements))
    discovered = incident.discovered_at.date().isoformat()
    paragraphs = [
        f"On {discovered}, {company.legal_name} discovered a security incident"
        " that may have exposed some of our customers' personal information.",
        f"The information involved may include {elements}."
        if elements
        else "We are still establishing which information was involved.",
        "We are notifying the customers affected directly. If you receive a"
        " notice from us, it explains what happened to your information and"
        " the steps you can take.",
        f"Questions: call {company.contact_phone}, visit"
        f" {company.contact_website}, or write to {company.contact_address}.",
    ]
    return PublicNotice(
        incident_id=str(incident.pk),
        version=0,
        title=GENERIC_TITLE,
        body="\n\n".join(paragraphs),
        published_at=incident.created_at,
    )


def current_public_notice(incident: Incident) -> PublicNotice:
    """Return the latest published notice, or the generic one if none."""
    latest = incident.published_notices.order_by("-version").first()
    if latest is None:
        return build_generic_notice(incident)
    return PublicNotice(
        incident_id=str(incident.pk),
        version=latest.version,
        title=latest.title,
        body=latest.body,
        published_at=latest.published_at,
    )

"""Exact matching of forensic findings to stored contacts.

A finding matches by customer id first, the key least likely to be shared,
then by normalized email. A finding whose two keys point at different
customers goes to review rather than to either of them.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from tocsin.audit.trail import record_audit_event
from tocsin.incidents.models import FileImport, Incident
from tocsin.reconciliation.findings import FindingRow
from tocsin.reconciliation.models import AffectedPerson, Finding
from tocsin.vault.models import Contact
from tocsin.vault.store import blind_index

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MatchReport:
    """Counts of one matching pass."""

    matched: int
    unmatched: int
    review: int
    people: int


def _contacts_by_index(incident: Incident, field: str, values: set[str]) -> dict:
    contacts = Contact.objects.filter(incident=incident, **{f"{field}__in": values})
    return {getattr(contact, field): contact.pk for contact in contacts}


def _decide(finding: Finding, by_id: dict, by_email: dict) -> int | None:
    id_match = (
        by_id.get(finding.customer_id_index) if finding.customer_id_index else None
    )
    email_match = by_email.get(finding.email_index) if finding.email_index else None
    if id_match and email_match and id_match != email_match:
        finding.status = Finding.Status.REVIEW
        return None
    if id_match or email_match:
        finding.status = Finding.Status.MATCHED
        finding.match_method = (
            Finding.Method.CUSTOMER_ID if id_match else Finding.Method.EMAIL
        )
        return id_match or email_match
    finding.status = Finding.Status.UNMATCHED
    return None


def store_findings(
    incident: Incident, file_import: FileImport, rows: list[FindingRow]
) -> list[Finding]:
    """Store findings with blind indexes in place of their keys."""
    findings = [
        Finding(
            incident=incident,
            file_import=file_import,
            row_number=row.row_number,
            finding_ref=row.finding_ref,
            source_system=row.source_system,
            email_index=blind_index(incident, "email", row.email) if row.email else "",
            customer_id_index=(
                blind_index(incident, "customer_id", row.customer_id)
                if row.customer_id
                else ""
            ),
            exposed_elements=sorted(row.exposed),
        )
        for row in rows
    ]
    return Finding.objects.bulk_create(findings, batch_size=500)


@transaction.atomic
def match_findings(incident: Incident) -> MatchReport:
    """Match every finding of an incident and update the affected people.

    Re-running it is safe: people are keyed by contact, and each person's
    exposed elements are recomputed as the union over their findings.
    """
    findings = list(
        Finding.objects.filter(incident=incident).exclude(
            status=Finding.Status.DISMISSED
        )
    )
    by_id = _contacts_by_index(
        incident, "customer_id_index", {f.customer_id_index for f in findings} - {""}
    )
    by_email = _contacts_by_index(
        incident, "email_index", {f.email_index for f in findings} - {""}
    )
    elements_by_contact: dict = defaultdict(set)
    decided = []
    for finding in findings:
        contact_id = _decide(finding, by_id, by_email)
        decided.append((finding, contact_id))
        if contact_id:
            elements_by_contact[contact_id].update(finding.exposed_elements)
    people = _upsert_people(incident, elements_by_contact)
    for finding, contact_id in decided:
        finding.person = people.get(contact_id) if contact_id else None
    Finding.objects.bulk_update(
        findings, ["status", "match_method", "person"], batch_size=500
    )
    statuses = [finding.status for finding in findings]
    report = MatchReport(
        matched=statuses.count(Finding.Status.MATCHED),
        unmatched=statuses.count(Finding.Status.UNMATCHED),
        review=statuses.count(Finding.Status.REVIEW),
        people=len(people),
    )
    record_audit_event(
        "findings.matched",
        object_type="incident",
        object_id=incident.pk,
        incident_ref=incident.pk,
        payload=report.__dict__,
    )
    logger.info(
        "findings matched", extra={"incident_id": str(incident.pk)} | report.__dict__
    )
    return report


def _upsert_people(incident: Incident, elements_by_contact: dict) -> dict:
    existing = {
        person.contact_id: person
        for person in AffectedPerson.objects.filter(incident=incident)
    }
    residences = dict(
        Contact.objects.filter(pk__in=elements_by_contact).values_list(
            "pk", "residence"
        )
    )
    new_people = []
    for contact_id, elements in elements_by_contact.items():
        person = existing.get(contact_id)
        if person is None:
            person = AffectedPerson(incident=incident, contact_id=contact_id)
            new_people.append(person)
            existing[contact_id] = person
        person.exposed_elements = sorted(elements)
        person.residence = residences.get(contact_id, "")
    AffectedPerson.objects.bulk_create(new_people, batch_size=500)
    new_ids = {person.pk for person in new_people}
    changed = [p for p in existing.values() if p.pk not in new_ids]
    AffectedPerson.objects.bulk_update(
        changed, ["exposed_elements", "residence"], batch_size=500
    )
    return {contact_id: existing[contact_id] for contact_id in elements_by_contact}

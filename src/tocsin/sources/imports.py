"""Importing a shop's customer export into the vault."""

import logging
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction

from tocsin.audit.trail import record_audit_event
from tocsin.incidents.imports import (
    file_sha256,
    find_previous_import,
    rejections_as_json,
)
from tocsin.incidents.models import FileImport, Incident
from tocsin.sources.shopify import read_shopify_export
from tocsin.vault.models import Contact
from tocsin.vault.records import ContactRecord
from tocsin.vault.store import blind_index, store_contacts

logger = logging.getLogger(__name__)


def _record_index(incident: Incident, contact: ContactRecord) -> str:
    # Contacts store the blind index of their source record id, not the id.
    return blind_index(
        incident, "source_record_id", contact.provenance.source_record_id
    )


def import_customers(
    incident: Incident,
    path: Path,
    *,
    source: str = "shopify-export",
    exported_at: datetime | None = None,
    actor: str = "system",
) -> FileImport:
    """Import a Shopify customer export into the incident's vault.

    Contacts already stored from the same source and record id are skipped,
    so a second import of an updated export adds only new customers. The
    file's rows are stored in one transaction: a crash stores none of them,
    and a retry stores all of them.
    """
    sha256 = file_sha256(path)
    previous = find_previous_import(incident, FileImport.Kind.CUSTOMERS, sha256)
    if previous:
        return previous
    as_of = exported_at or datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    result = read_shopify_export(path, source, as_of)
    known_ids = set(
        Contact.objects.filter(incident=incident, source=source).values_list(
            "source_record_id", flat=True
        )
    )
    new_contacts = [
        contact
        for contact in result.contacts
        if _record_index(incident, contact) not in known_ids
    ]
    rejected = [(r.row_number, r.reason) for r in result.rejected]
    with transaction.atomic():
        store_contacts(incident, new_contacts)
        file_import = FileImport.objects.create(
            incident=incident,
            kind=FileImport.Kind.CUSTOMERS,
            file_name=path.name[:255],
            file_sha256=sha256,
            encoding=result.encoding,
            source=source,
            rows_accepted=len(result.contacts),
            rows_rejected=len(rejected),
            rejections=rejections_as_json(rejected),
            warnings=rejections_as_json(
                [(w.row_number, w.reason) for w in result.warnings]
            ),
        )
        record_audit_event(
            "customers.imported",
            object_type="file_import",
            object_id=file_import.pk,
            actor=actor,
            incident_ref=incident.pk,
            payload={
                "file_sha256": sha256,
                "source": source,
                "rows_accepted": len(result.contacts),
                "contacts_stored": len(new_contacts),
                "rows_rejected": len(rejected),
                "encoding": result.encoding,
            },
        )
    logger.info(
        "customers imported",
        extra={
            "incident_id": str(incident.pk),
            "file_import_id": str(file_import.pk),
            "stored": len(new_contacts),
            "rejected": len(rejected),
        },
    )
    return file_import

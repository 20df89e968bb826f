"""Storing a page of contacts: provenance ledger, precedence and the vault.

The same person often appears in several sources (the CRM, the shop, the
snapshot). A person is linked across sources by the blind index of their
email, or of their phone when there is no email. The source of higher
precedence supplies the person. A record from a lower source for a person
already supplied is kept in the ledger only, and every field on which the two
disagree becomes a ``FieldConflict`` row instead of being overwritten.

Records without an email or phone cannot be linked and are always stored.
"""

from dataclasses import dataclass

from tocsin.sources.models import ExtractedRecord, FieldConflict, SourceRun
from tocsin.vault import crypto
from tocsin.vault.models import Contact
from tocsin.vault.records import PERSONAL_FIELDS, ContactRecord
from tocsin.vault.store import load_incident_keys, store_contacts

# Short keyed hashes are enough to tell two values apart; full-length ones
# would only make the ledger bigger.
DIGEST_LENGTH = 16


@dataclass
class StoredPage:
    """Counts from storing one page."""

    stored: int  # records that supplied a person and went into the vault
    covered: int  # records of people a higher-precedence source supplied


def _identity(keys: crypto.IncidentKeys, record: ContactRecord) -> str:
    if record.email:
        return crypto.compute_blind_index(
            keys, "email", crypto.normalize_email(record.email)
        )
    if record.phone:
        return crypto.compute_blind_index(
            keys, "phone", crypto.normalize_phone(record.phone)
        )
    return ""


def _record_index(keys: crypto.IncidentKeys, record: ContactRecord) -> str:
    # The ledger, like the vault, keeps the blind index of the record id and
    # not the id, which is often the customer's own id in the source.
    record_id = record.provenance.source_record_id
    return crypto.compute_blind_index(keys, "source_record_id", record_id)


def _digests(keys: crypto.IncidentKeys, record: ContactRecord) -> dict[str, str]:
    digests = {}
    for name, value in record.personal_values().items():
        normalized = value.strip().lower()
        digest = crypto.compute_blind_index(keys, f"sources-field-{name}", normalized)
        digests[name] = digest[:DIGEST_LENGTH]
    return digests


def _conflicting_fields(kept: dict[str, str], other: dict[str, str]) -> list[str]:
    """Return fields both records fill with different values."""
    return [
        name
        for name in PERSONAL_FIELDS
        if name in kept and name in other and kept[name] != other[name]
    ]


def _primaries_by_identity(
    run: SourceRun, identities: set[str]
) -> dict[str, ExtractedRecord]:
    rows = ExtractedRecord.objects.filter(
        incident_id=run.extraction.incident_id,
        identity__in=identities,
        is_primary=True,
    ).exclude(source_name=run.source_name)
    return {row.identity: row for row in rows}


def _build_rows(
    run: SourceRun, records: list[ContactRecord], keys: crypto.IncidentKeys
) -> list[ExtractedRecord]:
    return [
        ExtractedRecord(
            incident_id=run.extraction.incident_id,
            source_name=run.source_name,
            source_object=r.provenance.source_object,
            source_record_id=_record_index(keys, r),
            as_of=r.provenance.as_of,
            identity=_identity(keys, r),
            field_digests=_digests(keys, r),
            precedence=run.precedence,
            run=run,
        )
        for r in records
    ]


def _apply_precedence(
    run: SourceRun, rows: list[ExtractedRecord]
) -> list[tuple[ExtractedRecord, ExtractedRecord]]:
    """Mark rows covered by a higher source and demote the rows of other
    sources that this page outranks; return the (kept, other) pairs.

    Decided before the page's rows are written, so they are written once
    with the right ``is_primary``.
    """
    identities = {row.identity for row in rows if row.identity}
    primaries = _primaries_by_identity(run, identities) if identities else {}
    pairs: list[tuple[ExtractedRecord, ExtractedRecord]] = []
    demoted: list[int] = []
    for row in rows:
        other = primaries.get(row.identity)
        if other is None:
            continue
        if other.precedence <= row.precedence:
            row.is_primary = False
            pairs.append((other, row))
        else:
            demoted.append(other.pk)
            pairs.append((row, other))
    if demoted:
        ExtractedRecord.objects.filter(pk__in=demoted).update(is_primary=False)
    return pairs


def _record_conflicts(
    run: SourceRun, pairs: list[tuple[ExtractedRecord, ExtractedRecord]]
) -> None:
    """Write a conflict for each field on which a pair disagrees."""
    pending = [
        (kept, other, name)
        for kept, other in pairs
        for name in _conflicting_fields(kept.field_digests, other.field_digests)
    ]
    if not pending:
        return
    # bulk_create with update_conflicts sets no primary keys on SQLite, so
    # the page's rows are read back for the foreign keys.
    stored = {
        row.source_record_id: row.pk
        for row in ExtractedRecord.objects.filter(
            incident_id=run.extraction.incident_id,
            source_name=run.source_name,
            source_record_id__in=[
                row.source_record_id
                for pair in pairs
                for row in pair
                if row.source_name == run.source_name
            ],
        )
    }
    for kept, other, _name in pending:
        for row in (kept, other):
            if row.pk is None:
                row.pk = stored[row.source_record_id]
    FieldConflict.objects.bulk_create(
        [
            FieldConflict(
                incident_id=kept.incident_id,
                identity=kept.identity,
                field_name=name,
                kept_id=kept.pk,
                other_id=other.pk,
            )
            for kept, other, name in pending
        ],
        ignore_conflicts=True,
    )


def store_page(run: SourceRun, records: list[ContactRecord]) -> StoredPage:
    """Record the page's provenance and store its new people in the vault.

    Must run inside the transaction that advances the run's cursor, so a
    page is either fully stored and checkpointed or not at all. A record
    stored before (a re-run page, or a delta re-sync of a changed contact)
    replaces its earlier vault row: the vault has no upsert, so the old row
    is deleted and the new one inserted in the same transaction.
    """
    # One row per record id: a source listing a record twice keeps the last.
    records = list({r.provenance.source_record_id: r for r in records}.values())
    if not records:
        return StoredPage(0, 0)
    incident = run.extraction.incident
    keys = load_incident_keys(incident.pk, create=True)
    rows = _build_rows(run, records, keys)
    pairs = _apply_precedence(run, rows)
    seen_before = set(
        ExtractedRecord.objects.filter(
            incident_id=incident.pk,
            source_name=run.source_name,
            source_record_id__in=[row.source_record_id for row in rows],
        ).values_list("source_record_id", flat=True)
    )
    ExtractedRecord.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["incident", "source_name", "source_record_id"],
        update_fields=[
            "source_object", "as_of", "identity", "field_digests", "precedence",
            "run", "is_primary", "extracted_at",
        ],
    )  # fmt: skip
    _record_conflicts(run, pairs)
    if seen_before:
        # Contacts store the same blind index of the record id as the ledger.
        Contact.objects.filter(
            incident=incident,
            source=run.source_name,
            source_record_id__in=seen_before,
        ).delete()
    primary_ids = {row.source_record_id for row in rows if row.is_primary}
    to_store = [r for r in records if _record_index(keys, r) in primary_ids]
    store_contacts(incident, to_store)
    return StoredPage(len(to_store), len(records) - len(to_store))

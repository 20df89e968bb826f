"""Retention and purge of an incident's vault (crypto-shredding).

An incident's retention window starts when its notifications complete and
lasts ``Incident.retention_days``. A purge then:

1. writes a ``PurgeSummary`` with the contact count per residence, so the
   numbers reports need outlive the contacts;
2. deletes the contacts in chunks, one transaction each;
3. destroys the data key and blind-index key (sets them to NULL), so any
   copy of the ciphertext left in a backup or free disk space is unreadable;
4. marks the incident purged and writes an audit entry with the counts;
5. compacts the database. On SQLite it runs ``VACUUM`` and
   ``PRAGMA wal_checkpoint(TRUNCATE)``, so deleted pages leave the database
   file and its write-ahead log. On PostgreSQL it runs ``VACUUM`` on the
   vault tables.

Each step can be repeated, so a purge interrupted anywhere resumes by
running it again: the summary keeps the counts from the first attempt and
the key is destroyed only after the last contact is gone.
"""

import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connections, transaction
from django.db.models import Count
from django.utils import timezone

from tocsin.audit.trail import record_audit_event
from tocsin.incidents.models import Incident
from tocsin.vault import conf
from tocsin.vault.models import Contact, DataKey, PurgeSummary
from tocsin.vault.store import forget_incident_keys

logger = logging.getLogger(__name__)

CHECKPOINT_ATTEMPTS = 3


@dataclass(frozen=True)
class PurgeReport:
    """Counts of a purge: what it removed, or with ``dry_run`` would remove."""

    incident_id: uuid.UUID
    dry_run: bool
    contact_count: int  # contacts in the vault when the purge first started
    counts_by_residence: dict[str, int] = field(default_factory=dict)
    contacts_deleted: int = 0  # by this call; less than contact_count on resume
    data_key_destroyed: bool = False
    already_purged: bool = False
    resumed: bool = False


def retention_ends_at(incident: Incident) -> datetime | None:
    """Return when the incident's vault may be purged, or None if not yet set.

    The window starts when notifications complete: before that the contacts
    are still needed to send, retry and prove notices.
    """
    if incident.notifications_completed_at is None:
        return None
    return incident.notifications_completed_at + timedelta(days=incident.retention_days)


def expired_incident_ids(now: datetime | None = None) -> list[uuid.UUID]:
    """Return ids of unpurged incidents whose retention has ended."""
    now = now or timezone.now()
    candidates = Incident.objects.exclude(status=Incident.Status.PURGED).filter(
        notifications_completed_at__isnull=False
    )
    return [
        incident.pk
        for incident in candidates.only(
            "id", "notifications_completed_at", "retention_days"
        )
        if retention_ends_at(incident) <= now
    ]


def count_by_residence(incident: Incident) -> dict[str, int]:
    """Return the incident's contact count per residence code ("" unknown)."""
    rows = (
        Contact.objects.filter(incident=incident)
        .values("residence")
        .annotate(count=Count("pk"))
        .order_by("residence")
    )
    return {row["residence"]: row["count"] for row in rows}


def purge_incident_vault(incident: Incident, *, dry_run: bool = False) -> PurgeReport:
    """Delete an incident's contacts and destroy its keys; return the counts.

    With ``dry_run`` nothing changes and the report lists what would go.
    Running it again after an interruption resumes the purge; after a
    completed purge it changes nothing and reports ``already_purged``.
    """
    summary = PurgeSummary.objects.filter(incident=incident).first()
    if summary is not None and summary.completed_at is not None:
        return _report(incident, summary, dry_run, already_purged=True)
    if dry_run:
        counts = count_by_residence(incident)
        return PurgeReport(incident.pk, True, sum(counts.values()), counts)
    resumed = summary is not None
    if summary is None:
        summary = _start_purge(incident)
    deleted = delete_contacts(incident)
    destroy_data_key(incident)
    _finish_purge(incident, summary, deleted, resumed)
    compact_database()
    return _report(incident, summary, False, deleted=deleted, resumed=resumed)


def _report(
    incident: Incident,
    summary: PurgeSummary,
    dry_run: bool,
    *,
    deleted: int = 0,
    already_purged: bool = False,
    resumed: bool = False,
) -> PurgeReport:
    return PurgeReport(
        incident_id=incident.pk,
        dry_run=dry_run,
        contact_count=summary.contact_count,
        counts_by_residence=dict(summary.counts_by_residence),
        contacts_deleted=deleted,
        data_key_destroyed=not dry_run,
        already_purged=already_purged,
        resumed=resumed,
    )


def _start_purge(incident: Incident) -> PurgeSummary:
    with transaction.atomic():
        # The row lock makes a concurrent purge of the same incident wait
        # here, then find the summary and resume instead of counting again.
        Incident.objects.select_for_update().get(pk=incident.pk)
        summary = PurgeSummary.objects.filter(incident=incident).first()
        if summary is not None:
            return summary
        counts = count_by_residence(incident)
        summary = PurgeSummary.objects.create(
            incident=incident,
            contact_count=sum(counts.values()),
            counts_by_residence=counts,
        )
        record_audit_event(
            "vault.purge_started",
            object_type="incident",
            object_id=incident.pk,
            incident_ref=incident.pk,
            payload={"contact_count": summary.contact_count},
        )
    logger.info(
        "vault purge started",
        extra={"incident_id": str(incident.pk), "contacts": summary.contact_count},
    )
    return summary


def delete_contacts(incident: Incident, chunk_size: int | None = None) -> int:
    """Delete the incident's contacts in chunks; return how many were deleted.

    Chunks keep each transaction short, so other incidents' work is not
    blocked for the length of a million-row delete. On SQLite the purge
    connection sets ``secure_delete``, which zeroes the deleted content.
    """
    chunk_size = chunk_size or conf.purge_chunk_size()
    deleted = 0
    with _secure_delete(Contact.objects.db):
        while True:
            ids = list(
                Contact.objects.filter(incident=incident).values_list("pk", flat=True)[
                    :chunk_size
                ]
            )
            if not ids:
                return deleted
            with transaction.atomic():
                Contact.objects.filter(pk__in=ids).delete()
            deleted += len(ids)
            logger.info(
                "vault contacts deleted",
                extra={"incident_id": str(incident.pk), "count": deleted},
            )


@contextmanager
def _secure_delete(alias: str) -> Iterator[None]:
    # SQLite then overwrites deleted content with zeros instead of leaving
    # it in free pages until the next VACUUM.
    connection = connections[alias]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = OFF")


def destroy_data_key(incident: Incident) -> bool:
    """Destroy the incident's wrapped keys; return False if already gone.

    The row stays, with NULL keys and ``destroyed_at``, as evidence.
    """
    with _secure_delete(DataKey.objects.db):
        changed = DataKey.objects.filter(
            incident=incident, destroyed_at__isnull=True
        ).update(
            wrapped_data_key=None,
            wrapped_index_key=None,
            destroyed_at=timezone.now(),
        )
    forget_incident_keys(incident.pk)
    if changed:
        logger.info("vault data key destroyed", extra={"incident_id": str(incident.pk)})
    return bool(changed)


def _finish_purge(
    incident: Incident, summary: PurgeSummary, deleted: int, resumed: bool
) -> None:
    now = timezone.now()
    with transaction.atomic():
        summary.completed_at = now
        summary.save(update_fields=["completed_at"])
        incident.status = Incident.Status.PURGED
        incident.purged_at = now
        incident.save(update_fields=["status", "purged_at"])
        record_audit_event(
            "vault.purged",
            object_type="incident",
            object_id=incident.pk,
            incident_ref=incident.pk,
            payload={
                "contact_count": summary.contact_count,
                "counts_by_residence": summary.counts_by_residence,
                "contacts_deleted_in_last_run": deleted,
                "resumed": resumed,
                "data_key_destroyed": True,
            },
        )
    logger.info(
        "vault purged",
        extra={"incident_id": str(incident.pk), "contacts": summary.contact_count},
    )


def compact_database(alias: str | None = None) -> None:
    """Rewrite the database so deleted vault rows leave the files on disk.

    ``VACUUM`` cannot run inside a transaction, so inside one (for example
    a test wrapped in a transaction) this logs a warning and does nothing.
    """
    connection = connections[alias or Contact.objects.db]
    if connection.in_atomic_block:
        logger.warning("database compaction skipped inside a transaction")
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            _checkpoint_wal(cursor)
        elif connection.vendor == "postgresql":
            tables = ", ".join(
                connection.ops.quote_name(model._meta.db_table)
                for model in (Contact, DataKey)
            )
            cursor.execute(f"VACUUM (ANALYZE) {tables}")


def _checkpoint_wal(cursor: object) -> None:
    # A reader holding an old snapshot makes the checkpoint return busy;
    # readers are short, so a few short waits usually suffice.
    for attempt in range(1, CHECKPOINT_ATTEMPTS + 1):
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, _, _ = cursor.fetchone()
        if not busy:
            return
        time.sleep(0.2 * attempt)
    logger.warning(
        "wal checkpoint incomplete",
        extra={"attempts": CHECKPOINT_ATTEMPTS},
    )

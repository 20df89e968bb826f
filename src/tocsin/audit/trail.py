"""Writing audit events to the hash chain.

Every app records its actions through ``record_audit_event`` or, for many
events at once, ``audit_batch``. The chain head row is locked while events
are appended, so concurrent writers on several workers still produce one
gapless sequence.
"""

import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tocsin.audit.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
# Rows per INSERT statement, so a batch of thousands of events costs a handful
# of round trips. On SQLite, Django lowers it further to keep within the
# limit on bound parameters.
BULK_INSERT_BATCH_SIZE = 500


@dataclass
class PendingEvent:
    """An audit event waiting to be chained."""

    action: str
    object_type: str
    object_id: str
    actor: str
    outcome: str
    incident_ref: str
    payload: dict[str, Any]
    occurred_at: datetime = field(default_factory=timezone.now)


_batch: ContextVar[list[PendingEvent] | None] = ContextVar("audit_batch", default=None)


def compute_event_hash(previous_hash: str, fields: dict[str, Any]) -> str:
    """Return the SHA-256 of an event's fields chained to its predecessor.

    The fields are serialized as canonical JSON (sorted keys, no spaces), so a
    verifier in any language can recompute the hash.
    """
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


# The event fields that the hash covers, in the order exports write them.
HASHED_FIELD_NAMES = (
    "sequence",
    "occurred_at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "incident_ref",
    "outcome",
    "payload",
)


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    """Return the fields of a stored event that its hash covers."""
    return hashed_fields_of_row(
        {name: getattr(event, name) for name in HASHED_FIELD_NAMES}
    )


def hashed_fields_of_row(row: dict[str, Any]) -> dict[str, Any]:
    """Return the hashed fields of an event read as a ``values()`` row.

    Verification reads rows, not model instances, because building a million
    instances costs more than hashing them.
    """
    fields = {name: row[name] for name in HASHED_FIELD_NAMES}
    fields["occurred_at"] = row["occurred_at"].isoformat()
    return fields


def normalize_payload(payload: dict[str, Any] | None) -> dict[str, Any]:
    """Return the payload as the database will return it: plain JSON values.

    The hash is computed before the event is stored, so the payload is
    round-tripped through JSON first: a UUID, a date or an integer key would
    otherwise hash differently from what verification reads back.
    """
    return json.loads(json.dumps(payload or {}, default=str))


def record_audit_event(
    action: str,
    *,
    object_type: str,
    object_id: str | uuid.UUID | int,
    actor: str = "system",
    outcome: str = "ok",
    incident_ref: str | uuid.UUID | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Append one event to the trail, or to the open batch if there is one.

    ``payload`` must hold ids, counts, codes and keyed hashes only: the trail
    is kept after the vault is purged and must never hold contact details.
    """
    pending = PendingEvent(
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        actor=actor,
        outcome=outcome,
        incident_ref=str(incident_ref) if incident_ref else "",
        payload=normalize_payload(payload),
    )
    batch = _batch.get()
    if batch is not None:
        batch.append(pending)
        return
    append_events([pending])


@contextmanager
def audit_batch() -> Iterator[None]:
    """Collect the events recorded inside the block and chain them at exit.

    One lock and one bulk insert per batch keep auditing cheap on hot paths
    such as sending. Events are written only if the block completes.
    """
    if _batch.get() is not None:
        yield
        return
    token = _batch.set([])
    try:
        yield
        pending = _batch.get() or []
    finally:
        _batch.reset(token)
    if pending:
        append_events(pending)


def append_events(pending: list[PendingEvent]) -> None:
    """Chain and store events in order, under the chain head's row lock."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        events = []
        previous_hash = head.event_hash
        sequence = head.sequence
        for item in pending:
            sequence += 1
            event = AuditEvent(
                sequence=sequence,
                occurred_at=item.occurred_at,
                actor=item.actor,
                action=item.action,
                object_type=item.object_type,
                object_id=item.object_id,
                incident_ref=item.incident_ref,
                outcome=item.outcome,
                payload=item.payload,
                previous_hash=previous_hash,
            )
            event.event_hash = compute_event_hash(previous_hash, hashed_fields(event))
            previous_hash = event.event_hash
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=BULK_INSERT_BATCH_SIZE)
        head.sequence = sequence
        head.event_hash = previous_hash
        head.save(update_fields=["sequence", "event_hash"])

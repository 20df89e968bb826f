"""Export of audit events, chain links and checkpoints for evidence bundles.

An incident's events are a subset of one chain shared by all incidents.
The export also writes a chain link for every other event in the exported
range: its sequence, previous hash and event hash, without its fields. A
verifier can then follow the chain across the gaps and tie the incident's
events to a chain head that was signed with the audit key.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tocsin.audit.checkpoints import (
    SignedCheckpoint,
    read_checkpoint_file,
    stored_checkpoints,
)
from tocsin.audit.conf import checkpoint_file_path, verify_chunk_size
from tocsin.audit.models import AuditEvent
from tocsin.audit.trail import HASHED_FIELD_NAMES, hashed_fields_of_row


@dataclass(frozen=True)
class EventExport:
    """Counts and sequence range of one ``export_incident_events`` run."""

    event_count: int
    link_count: int
    first_sequence: int | None
    last_sequence: int | None


def export_incident_events(
    incident_ref: str,
    events_path: Path,
    links_path: Path,
    *,
    up_to_sequence: int,
) -> EventExport:
    """Write an incident's events and the chain links between them.

    Events go to ``events_path`` as JSON Lines with every hashed field plus
    ``previous_hash`` and ``event_hash``, so the standalone verifier can
    recompute each hash. Events after ``up_to_sequence`` (normally the
    checkpoint just signed) are left out, so the export ends at a signed
    head.
    """
    columns = (*HASHED_FIELD_NAMES, "previous_hash", "event_hash")
    incident_events = AuditEvent.objects.filter(
        incident_ref=incident_ref, sequence__lte=up_to_sequence
    ).order_by("sequence")
    first = incident_events.values_list("sequence", flat=True).first()
    event_count = link_count = 0
    if first is None:
        events_path.write_text("")
        links_path.write_text("")
        return EventExport(0, 0, None, None)
    rows = (
        AuditEvent.objects.filter(sequence__gte=first, sequence__lte=up_to_sequence)
        .order_by("sequence")
        .values(*columns)
        .iterator(chunk_size=verify_chunk_size())
    )
    with events_path.open("w") as events_file, links_path.open("w") as links_file:
        for row in rows:
            if row["incident_ref"] == incident_ref:
                events_file.write(_event_line(row))
                event_count += 1
            else:
                links_file.write(_link_line(row))
                link_count += 1
    return EventExport(event_count, link_count, first, up_to_sequence)


def _event_line(row: dict[str, Any]) -> str:
    record = hashed_fields_of_row(row)
    record["previous_hash"] = row["previous_hash"]
    record["event_hash"] = row["event_hash"]
    return json.dumps(record, sort_keys=True) + "\n"


def _link_line(row: dict[str, Any]) -> str:
    link = {
        "sequence": row["sequence"],
        "previous_hash": row["previous_hash"],
        "event_hash": row["event_hash"],
    }
    return json.dumps(link, sort_keys=True) + "\n"


def all_checkpoints() -> list[SignedCheckpoint]:
    """Return every distinct checkpoint from the database and the file."""
    seen: set[tuple[int, str, str]] = set()
    unique = []
    for checkpoint in stored_checkpoints() + read_checkpoint_file(
        checkpoint_file_path()
    ):
        key = (checkpoint.sequence, checkpoint.event_hash, checkpoint.signature)
        if key not in seen:
            seen.add(key)
            unique.append(checkpoint)
    return sorted(unique, key=lambda checkpoint: checkpoint.sequence)


def export_checkpoints(path: Path, first_sequence: int, last_sequence: int) -> int:
    """Write the checkpoints inside a sequence range as JSON Lines.

    Returns how many were written.
    """
    count = 0
    with path.open("w") as checkpoint_file:
        for checkpoint in all_checkpoints():
            if first_sequence <= checkpoint.sequence <= last_sequence:
                record = json.dumps(checkpoint.as_record(), sort_keys=True)
                checkpoint_file.write(record + "\n")
                count += 1
    return count

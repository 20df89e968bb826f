"""Signed checkpoints of the chain head, kept in the database and a file.

A chain alone proves only that it is self-consistent: someone with write
access can recompute every hash after a change and update the head row.
A checkpoint is the head's sequence and hash signed with an Ed25519 key kept
outside the data folder, so such a rewrite contradicts a checkpoint that the
writer cannot re-sign. Each checkpoint is appended to a JSON Lines file as
well, so deleting its database row does not hide it.
"""

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from tocsin.audit.conf import checkpoint_file_path
from tocsin.audit.models import AuditChainHead, AuditCheckpoint
from tocsin.audit.signing import compute_key_id, sign_bytes

logger = logging.getLogger(__name__)

CHECKPOINT_TYPE = "tocsin-audit-checkpoint"


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint as read from the database or the checkpoint file."""

    sequence: int
    event_hash: str
    created_at: str
    key_id: str
    signature: str
    source: str

    def message(self) -> bytes:
        """Return the exact bytes that the signature covers."""
        return checkpoint_message(
            self.sequence, self.event_hash, self.created_at, self.key_id
        )

    def as_record(self) -> dict[str, Any]:
        """Return the checkpoint as the JSON object written to files."""
        return {
            "type": CHECKPOINT_TYPE,
            "sequence": self.sequence,
            "event_hash": self.event_hash,
            "created_at": self.created_at,
            "key_id": self.key_id,
            "signature": self.signature,
        }


def checkpoint_message(
    sequence: int, event_hash: str, created_at: str, key_id: str
) -> bytes:
    """Return the canonical JSON that a checkpoint signature covers.

    Sorted keys and no spaces, as for event hashes, so the standalone
    verifier rebuilds the same bytes.
    """
    signed = {
        "type": CHECKPOINT_TYPE,
        "sequence": sequence,
        "event_hash": event_hash,
        "created_at": created_at,
        "key_id": key_id,
    }
    return json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()


def write_audit_checkpoint(*, force: bool = False) -> AuditCheckpoint | None:
    """Sign the current chain head, store it and append it to the file.

    Returns ``None`` when the chain is empty or, unless ``force``, when the
    newest checkpoint already covers the head, so the periodic task can run
    often without filling the file. The file is written before the row
    commits: a crash in between leaves an extra valid line in the file,
    never a stored checkpoint that the file lacks.
    """
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        if head.sequence == 0:
            return None
        latest = AuditCheckpoint.objects.order_by("-sequence", "-created_at").first()
        if latest is not None and latest.sequence == head.sequence and not force:
            return None
        created_at = timezone.now().isoformat()
        key_id = compute_key_id()
        message = checkpoint_message(head.sequence, head.event_hash, created_at, key_id)
        checkpoint = SignedCheckpoint(
            sequence=head.sequence,
            event_hash=head.event_hash,
            created_at=created_at,
            key_id=key_id,
            signature=sign_bytes(message),
            source="database",
        )
        append_checkpoint_line(checkpoint_file_path(), checkpoint)
        row = AuditCheckpoint.objects.create(
            sequence=checkpoint.sequence,
            event_hash=checkpoint.event_hash,
            created_at=datetime.fromisoformat(created_at),
            key_id=key_id,
            signature=checkpoint.signature,
        )
    logger.info(
        "audit checkpoint written",
        extra={"sequence": row.sequence, "key_id": key_id},
    )
    return row


def append_checkpoint_line(path: Path, checkpoint: SignedCheckpoint) -> None:
    """Append one checkpoint to the JSON Lines file and flush it to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(checkpoint.as_record(), sort_keys=True) + "\n"
    with path.open("a", encoding="utf-8") as checkpoint_file:
        checkpoint_file.write(line)
        checkpoint_file.flush()
        os.fsync(checkpoint_file.fileno())


def stored_checkpoints() -> list[SignedCheckpoint]:
    """Return the checkpoints in the database, oldest sequence first."""
    return [
        SignedCheckpoint(
            sequence=row.sequence,
            event_hash=row.event_hash,
            created_at=row.created_at.isoformat(),
            key_id=row.key_id,
            signature=row.signature,
            source="database",
        )
        for row in AuditCheckpoint.objects.order_by("sequence", "created_at")
    ]


def read_checkpoint_file(path: Path) -> list[SignedCheckpoint]:
    """Return the checkpoints in a JSON Lines file, in file order.

    A missing file yields no checkpoints; the caller decides whether that is
    a problem. A line that is not a checkpoint raises ``ValueError`` naming
    the line number.
    """
    if not path.exists():
        return []
    checkpoints = []
    with path.open(encoding="utf-8") as checkpoint_file:
        for number, line in enumerate(checkpoint_file, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                checkpoints.append(
                    SignedCheckpoint(
                        sequence=int(record["sequence"]),
                        event_hash=str(record["event_hash"]),
                        created_at=str(record["created_at"]),
                        key_id=str(record["key_id"]),
                        signature=str(record["signature"]),
                        source=f"{path.name} line {number}",
                    )
                )
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(
                    f"line {number} of checkpoint file {path} is not a checkpoint"
                    f" ({type(error).__name__}); restore the file from backup"
                ) from None
    return checkpoints

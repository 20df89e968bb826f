"""Verification of the whole audit trail against its hashes and checkpoints.

``verify_trail`` streams the events in sequence order, so memory stays flat
however long the trail is. For every event it checks that the sequence has
no gap, that ``previous_hash`` is the hash of the event before, and that
the stored hash matches the event's fields. Every signed checkpoint, from
the database and from the checkpoint file, must have a valid signature and
name the hash that the chain has at its sequence. Finally the chain head
row must agree with the last event.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tocsin.audit.checkpoints import (
    SignedCheckpoint,
    read_checkpoint_file,
    stored_checkpoints,
)
from tocsin.audit.conf import checkpoint_file_path, verify_chunk_size
from tocsin.audit.errors import SigningKeyError
from tocsin.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from tocsin.audit.signing import compute_key_id, is_signature_valid, load_public_key
from tocsin.audit.trail import (
    GENESIS_HASH,
    HASHED_FIELD_NAMES,
    compute_event_hash,
    hashed_fields_of_row,
)

logger = logging.getLogger(__name__)

# Stop listing problems after this many: the first one names the break, and a
# rewritten trail would otherwise print a line per event.
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class TrailProblem:
    """One way in which the stored trail contradicts itself or a checkpoint."""

    sequence: int
    message: str


@dataclass
class TrailReport:
    """The outcome of ``verify_trail``."""

    events_checked: int = 0
    checkpoints_checked: int = 0
    last_sequence: int = 0
    last_hash: str = GENESIS_HASH
    problems: list[TrailProblem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        """Whether no problem was found."""
        return not self.problems

    @property
    def first_broken_sequence(self) -> int | None:
        """The lowest sequence number named by a problem, if any."""
        return min((p.sequence for p in self.problems), default=None)

    def add(self, sequence: int, message: str) -> None:
        """Record a problem, up to ``MAX_PROBLEMS``."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(TrailProblem(sequence, message))


def verify_trail(
    *,
    public_key: Ed25519PublicKey | None = None,
    checkpoint_file: Path | None = None,
) -> TrailReport:
    """Check every event and checkpoint and return what is wrong, if anything.

    Checkpoints come from the database and the checkpoint file together, so
    deleting either copy of a checkpoint hides nothing. A checkpoint that is
    in the database but missing from the file is itself reported, because
    checkpoints are written to the file first.
    """
    report = TrailReport()
    checkpoint_file = checkpoint_file or checkpoint_file_path()
    public_key = public_key or _load_public_key_if_needed(checkpoint_file)
    checkpoints = _collect_checkpoints(report, public_key, checkpoint_file)
    _verify_events(report, checkpoints)
    _verify_head(report)
    for sequence in sorted(s for s in checkpoints if s > report.last_sequence):
        for checkpoint in checkpoints[sequence]:
            report.add(
                sequence,
                f"signed checkpoint at sequence {sequence} ({checkpoint.source})"
                " names a missing audit event: the last stored event is"
                f" {report.last_sequence}",
            )
    report.problems.sort(key=lambda problem: problem.sequence)
    logger.info(
        "audit trail verified",
        extra={
            "events": report.events_checked,
            "checkpoints": report.checkpoints_checked,
            "problems": len(report.problems),
            "first_broken_sequence": report.first_broken_sequence,
        },
    )
    return report


def _load_public_key_if_needed(checkpoint_file: Path) -> Ed25519PublicKey | None:
    """Return the signing key's public half, or None while nothing is signed.

    A new installation whose key was never created can still verify its
    chain; once any checkpoint exists, a missing key is an error.
    """
    try:
        return load_public_key()
    except SigningKeyError:
        if AuditCheckpoint.objects.exists() or checkpoint_file.exists():
            raise
        return None


def _collect_checkpoints(
    report: TrailReport, public_key: Ed25519PublicKey | None, checkpoint_file: Path
) -> dict[int, list[SignedCheckpoint]]:
    if public_key is None:
        return {}
    key_id = compute_key_id(public_key)
    from_database = stored_checkpoints()
    try:
        from_file = read_checkpoint_file(checkpoint_file)
    except ValueError as error:
        report.add(0, str(error))
        from_file = []
    in_file = {(c.sequence, c.event_hash, c.signature) for c in from_file}
    by_sequence: dict[int, list[SignedCheckpoint]] = defaultdict(list)
    for checkpoint in from_database + from_file:
        report.checkpoints_checked += 1
        if checkpoint.key_id != key_id:
            report.add(
                checkpoint.sequence,
                f"checkpoint at sequence {checkpoint.sequence} ({checkpoint.source})"
                f" was signed by key {checkpoint.key_id}, not the current key"
                f" {key_id}; verify with the public key that signed it",
            )
        elif not is_signature_valid(
            public_key, checkpoint.message(), checkpoint.signature
        ):
            report.add(
                checkpoint.sequence,
                f"checkpoint at sequence {checkpoint.sequence} ({checkpoint.source})"
                " has an invalid signature: the checkpoint was altered",
            )
        by_sequence[checkpoint.sequence].append(checkpoint)
    for checkpoint in from_database:
        if (checkpoint.sequence, checkpoint.event_hash, checkpoint.signature) in (
            in_file
        ):
            continue
        report.add(
            checkpoint.sequence,
            f"checkpoint at sequence {checkpoint.sequence} is in the database but"
            f" missing from {checkpoint_file}; restore the file from backup",
        )
    return by_sequence


def _verify_events(
    report: TrailReport, checkpoints: dict[int, list[SignedCheckpoint]]
) -> None:
    columns = (*HASHED_FIELD_NAMES, "previous_hash", "event_hash")
    rows = (
        AuditEvent.objects.order_by("sequence")
        .values(*columns)
        .iterator(chunk_size=verify_chunk_size())
    )
    previous_hash = GENESIS_HASH
    last_good_checkpoint = 0
    for row in rows:
        sequence = row["sequence"]
        expected = report.last_sequence + 1
        if sequence != expected:
            report.add(
                expected,
                f"audit event {expected} is missing: the next stored event"
                f" is {sequence}",
            )
        elif row["previous_hash"] != previous_hash:
            report.add(
                sequence,
                f"audit event {sequence} does not chain to event {sequence - 1}:"
                f" it names previous hash {row['previous_hash']}, expected"
                f" {previous_hash}",
            )
        computed = compute_event_hash(row["previous_hash"], hashed_fields_of_row(row))
        if computed != row["event_hash"]:
            report.add(
                sequence,
                f"audit event {sequence} was altered: its fields hash to"
                f" {computed} but it stores {row['event_hash']}",
            )
        for checkpoint in checkpoints.get(sequence, []):
            if checkpoint.event_hash == row["event_hash"]:
                last_good_checkpoint = sequence
                continue
            report.add(
                sequence,
                f"audit event {sequence} contradicts the signed checkpoint"
                f" ({checkpoint.source}): checkpoint hash {checkpoint.event_hash},"
                f" event hash {row['event_hash']}; events after sequence"
                f" {last_good_checkpoint} may have been rewritten",
            )
        previous_hash = row["event_hash"]
        report.last_sequence = sequence
        report.events_checked += 1
        report.last_hash = previous_hash


def _verify_head(report: TrailReport) -> None:
    head = AuditChainHead.objects.filter(pk=1).first()
    head_sequence = head.sequence if head else 0
    head_hash = head.event_hash if head else GENESIS_HASH
    last_hash = report.last_hash
    if head_sequence == report.last_sequence and head_hash == last_hash:
        return
    report.add(
        min(head_sequence, report.last_sequence) + 1,
        f"chain head names sequence {head_sequence} (hash {head_hash}) but the"
        f" last stored audit event is {report.last_sequence} (hash {last_hash})",
    )

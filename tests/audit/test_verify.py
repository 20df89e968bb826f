import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.audit.tampering import (
    disable_append_only_triggers,
    rewrite_chain_from,
    swap_sequences,
)
from tocsin.audit.checkpoints import write_audit_checkpoint
from tocsin.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from tocsin.audit.signing import ensure_signing_key
from tocsin.audit.trail import audit_batch, record_audit_event
from tocsin.audit.verify import verify_trail
from tocsin.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key() -> None:
    ensure_signing_key()


def record_events(count: int) -> None:
    with audit_batch():
        for number in range(count):
            record_audit_event(
                "test.event",
                object_type="test",
                object_id=str(number),
                payload={"count": number, "codes": ["email", "name"]},
            )


def test_intact_trail_verifies() -> None:
    record_events(5)
    write_audit_checkpoint()

    report = verify_trail()

    assert report.is_valid
    assert report.events_checked == 5
    assert report.checkpoints_checked == 2


def test_empty_trail_verifies() -> None:
    assert verify_trail().is_valid


def test_edited_event_is_named() -> None:
    record_events(5)
    disable_append_only_triggers()

    AuditEvent.objects.filter(sequence=3).update(actor="intruder")

    report = verify_trail()
    assert report.first_broken_sequence == 3
    assert report.problems[0].message.startswith("audit event 3 was altered:")


def test_edited_payload_is_named() -> None:
    record_events(5)
    disable_append_only_triggers()

    AuditEvent.objects.filter(sequence=4).update(payload={"count": 99})

    assert verify_trail().first_broken_sequence == 4


def test_deleted_event_is_named() -> None:
    record_events(5)
    disable_append_only_triggers()

    AuditEvent.objects.filter(sequence=3).delete()

    report = verify_trail()
    assert report.first_broken_sequence == 3
    assert report.problems[0].message == (
        "audit event 3 is missing: the next stored event is 4"
    )


def test_reordered_events_are_named() -> None:
    record_events(5)
    disable_append_only_triggers()

    swap_sequences(2, 3)

    report = verify_trail()
    assert report.first_broken_sequence == 2
    assert report.problems[0].message.startswith(
        "audit event 2 does not chain to event 1:"
    )


def test_deleted_tail_with_old_head_is_named() -> None:
    record_events(5)
    disable_append_only_triggers()

    AuditEvent.objects.filter(sequence__gte=4).delete()

    report = verify_trail()
    assert report.first_broken_sequence == 4
    assert report.problems[0].message.startswith("chain head names sequence 5 (hash ")


def test_rewritten_tail_contradicts_checkpoint() -> None:
    record_events(5)
    write_audit_checkpoint()
    record_events(2)
    disable_append_only_triggers()

    rewrite_chain_from(3, {"count": 0})

    report = verify_trail()
    assert report.first_broken_sequence == 5
    assert "audit event 5 contradicts the signed checkpoint" in (
        report.problems[0].message
    )
    assert report.problems[0].message.endswith(
        "events after sequence 0 may have been rewritten"
    )


def test_file_checkpoint_catches_deleted_rows() -> None:
    record_events(5)
    write_audit_checkpoint()
    disable_append_only_triggers()

    rewrite_chain_from(3, {"count": 0})
    AuditCheckpoint.objects.all().delete()

    report = verify_trail()
    assert report.first_broken_sequence == 5
    assert "(checkpoints.jsonl line 1)" in report.problems[0].message


def test_truncated_tail_contradicts_checkpoint() -> None:
    record_events(5)
    write_audit_checkpoint()
    disable_append_only_triggers()

    AuditEvent.objects.filter(sequence__gte=4).delete()
    last = AuditEvent.objects.get(sequence=3)
    AuditChainHead.objects.update(sequence=3, event_hash=last.event_hash)

    messages = [problem.message for problem in verify_trail().problems]
    assert messages == [
        "signed checkpoint at sequence 5 (database) names a missing audit event:"
        " the last stored event is 3",
        "signed checkpoint at sequence 5 (checkpoints.jsonl line 1) names a"
        " missing audit event: the last stored event is 3",
    ]


def test_altered_checkpoint_line_fails_signature(audit_key_files: Path) -> None:
    record_events(5)
    write_audit_checkpoint()
    path = audit_key_files / "checkpoints.jsonl"
    record = json.loads(path.read_text())
    record["created_at"] = "2020-01-01T00:00:00+00:00"
    path.write_text(json.dumps(record) + "\n")

    messages = [problem.message for problem in verify_trail().problems]

    assert (
        "checkpoint at sequence 5 (checkpoints.jsonl line 1) has an invalid"
        " signature: the checkpoint was altered"
    ) in messages


def test_checkpoint_missing_from_file_is_reported(audit_key_files: Path) -> None:
    record_events(2)
    write_audit_checkpoint()
    (audit_key_files / "checkpoints.jsonl").unlink()

    [problem] = verify_trail().problems

    assert problem.message == (
        "checkpoint at sequence 2 is in the database but missing from"
        f" {audit_key_files / 'checkpoints.jsonl'}; restore the file from backup"
    )


def test_verify_command_exits_nonzero_naming_event() -> None:
    record_events(5)
    disable_append_only_triggers()
    AuditEvent.objects.filter(sequence=3).update(outcome="failed")

    result = CliRunner().invoke(main, ["audit", "verify"])

    assert result.exit_code == 1
    assert "audit trail verification failed at event 3" in result.stderr


def test_verify_command_reports_success() -> None:
    record_events(2)

    result = CliRunner().invoke(main, ["audit", "verify"])

    assert result.exit_code == 0
    assert result.stdout == (
        "audit trail verified: 2 events, 0 checkpoints, last sequence 2\n"
    )


def test_payload_with_uuid_and_int_keys_verifies() -> None:
    import uuid

    record_audit_event(
        "test.event",
        object_type="test",
        object_id="1",
        payload={"id": uuid.UUID(int=1), 2: "two", "nested": {"b": 1, "a": [1.5]}},
    )

    assert verify_trail().is_valid


def test_verify_command_accepts_public_key_file(tmp_path: Path) -> None:
    from tocsin.audit.signing import export_public_key

    record_events(2)
    write_audit_checkpoint()
    key_file = tmp_path / "audit.pub"
    key_file.write_text(export_public_key())

    result = CliRunner().invoke(
        main, ["audit", "verify", "--public-key", str(key_file)]
    )

    assert result.exit_code == 0
    assert result.stdout.startswith("audit trail verified: 2 events")


def test_verify_command_names_missing_public_key(tmp_path: Path) -> None:
    missing = tmp_path / "none.pub"

    result = CliRunner().invoke(main, ["audit", "verify", "--public-key", str(missing)])

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: public key file {missing} not found; export it with"
        " `tocsin audit public-key --out FILE`\n"
    )


def test_unsigned_trail_verifies_without_key(audit_key_files: Path) -> None:
    (audit_key_files / "key.pem").unlink()
    record_events(2)

    report = verify_trail()

    assert report.is_valid
    assert report.checkpoints_checked == 0


def test_missing_key_with_checkpoints_is_an_error(audit_key_files: Path) -> None:
    from tocsin.audit.errors import SigningKeyError

    record_events(2)
    write_audit_checkpoint()
    (audit_key_files / "key.pem").unlink()

    with pytest.raises(SigningKeyError, match="not found; run `tocsin audit init"):
        verify_trail()

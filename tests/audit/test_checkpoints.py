import json
from pathlib import Path

import pytest

from tocsin.audit.checkpoints import read_checkpoint_file, write_audit_checkpoint
from tocsin.audit.models import AuditChainHead, AuditCheckpoint
from tocsin.audit.signing import ensure_signing_key, is_signature_valid, load_public_key
from tocsin.audit.tasks import write_audit_checkpoint_task
from tocsin.audit.trail import record_audit_event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key() -> None:
    ensure_signing_key()


def record_events(count: int) -> None:
    for number in range(count):
        record_audit_event("test.event", object_type="test", object_id=str(number))


def test_empty_chain_gets_no_checkpoint() -> None:
    assert write_audit_checkpoint() is None
    assert AuditCheckpoint.objects.count() == 0


def test_checkpoint_signs_the_chain_head() -> None:
    record_events(3)

    checkpoint = write_audit_checkpoint()

    head = AuditChainHead.objects.get()
    assert checkpoint is not None
    assert checkpoint.sequence == 3
    assert checkpoint.event_hash == head.event_hash


def test_checkpoint_is_appended_to_the_file(audit_key_files: Path) -> None:
    record_events(2)
    write_audit_checkpoint()
    record_events(1)
    write_audit_checkpoint()

    lines = (audit_key_files / "checkpoints.jsonl").read_text().splitlines()

    assert [json.loads(line)["sequence"] for line in lines] == [2, 3]


def test_file_checkpoint_signature_verifies(audit_key_files: Path) -> None:
    record_events(2)
    write_audit_checkpoint()

    [checkpoint] = read_checkpoint_file(audit_key_files / "checkpoints.jsonl")

    assert is_signature_valid(
        load_public_key(), checkpoint.message(), checkpoint.signature
    )


def test_unchanged_head_is_not_signed_twice() -> None:
    record_events(2)
    write_audit_checkpoint()

    assert write_audit_checkpoint() is None
    assert AuditCheckpoint.objects.count() == 1


def test_forced_checkpoint_signs_unchanged_head() -> None:
    record_events(2)
    write_audit_checkpoint()

    assert write_audit_checkpoint(force=True) is not None
    assert AuditCheckpoint.objects.count() == 2


def test_task_writes_checkpoint_and_returns_sequence() -> None:
    record_events(4)

    result = write_audit_checkpoint_task.apply()

    assert result.get() == 4
    assert AuditCheckpoint.objects.get().sequence == 4


def test_corrupt_checkpoint_line_names_its_number(audit_key_files: Path) -> None:
    path = audit_key_files / "checkpoints.jsonl"
    path.write_text('{"sequence": 1}\n')

    with pytest.raises(ValueError) as raised:
        read_checkpoint_file(path)

    assert str(raised.value) == (
        f"line 1 of checkpoint file {path} is not a checkpoint (KeyError);"
        " restore the file from backup"
    )

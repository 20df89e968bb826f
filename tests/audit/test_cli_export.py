import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tocsin.audit.models import AuditEvent
from tocsin.audit.signing import ensure_signing_key, export_public_key
from tocsin.audit.trail import record_audit_event
from tocsin.cli import main
from tocsin.compliance.handoff import import_ir_export

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_evidence.py"


@pytest.fixture
def incident_id(tmp_path: Path) -> str:
    ensure_signing_key()
    export = tmp_path / "ir.json"
    export.write_text(
        json.dumps(
            {
                "incident_id": "IR-1",
                "name": "Synthetic breach",
                "discovered_at": "2026-11-28T09:30:00+00:00",
                "data_elements": ["email", "name"],
            }
        )
    )
    [handoff] = import_ir_export(export, actor="alice")
    incident_ref = str(handoff.incident_id)
    record_audit_event("other.thing", object_type="t", object_id="1")
    record_audit_event(
        "notice.sent", object_type="notice", object_id="n-1", incident_ref=incident_ref
    )
    return incident_ref


def test_export_writes_verifiable_bundle(tmp_path: Path, incident_id: str) -> None:
    out = tmp_path / "bundle"
    key_file = tmp_path / "trusted.pub"
    key_file.write_text(export_public_key())

    result = CliRunner().invoke(
        main, ["audit", "export", "--incident", incident_id, "--out", str(out)]
    )
    checked = subprocess.run(
        [sys.executable, "-S", str(SCRIPT), str(out), "--public-key", str(key_file)],
        capture_output=True,
        text=True,
    )

    assert result.exit_code == 0, result.output
    assert checked.returncode == 0, checked.stdout
    assert "ok: checked hashes of 3 audit events" in checked.stdout


def test_export_includes_compliance_records(tmp_path: Path, incident_id: str) -> None:
    out = tmp_path / "bundle"

    CliRunner().invoke(
        main, ["audit", "export", "--incident", incident_id, "--out", str(out)]
    )

    handoff = json.loads((out / "compliance" / "handoff.json").read_text())
    assert handoff["external_id"] == "IR-1"
    assert (out / "compliance" / "vendors.json").exists()
    assert (out.parent / "bundle.zip").exists()


def test_export_is_recorded_in_trail(tmp_path: Path, incident_id: str) -> None:
    CliRunner().invoke(
        main,
        ["audit", "export", "--incident", incident_id, "--out", str(tmp_path / "b")],
    )

    event = AuditEvent.objects.order_by("-sequence").first()
    assert event is not None
    assert event.action == "audit.evidence_exported"
    assert event.incident_ref == incident_id


def test_export_of_unknown_incident_names_id(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["audit", "export", "--incident", "nope", "--out", str(tmp_path / "b")]
    )

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: incident id 'nope' is not a UUID; pass the incident's id\n"
    )


def test_public_key_command_prints_pem() -> None:
    ensure_signing_key()

    result = CliRunner().invoke(main, ["audit", "public-key"])

    assert result.stdout == export_public_key()


def test_checkpoint_command_reports_sequence() -> None:
    ensure_signing_key()
    record_audit_event("a", object_type="t", object_id="1")

    result = CliRunner().invoke(main, ["audit", "checkpoint"])

    assert result.stdout.startswith("checkpoint written at sequence 1 (hash ")

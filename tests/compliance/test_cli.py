import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tocsin.cli import main
from tocsin.compliance.models import IncidentHandoff, Vendor

pytestmark = pytest.mark.django_db

RECORD = {
    "incident_id": "IR-9",
    "name": "Test breach",
    "discovered_at": "2026-11-28T09:30:00+00:00",
    "data_elements": ["email"],
}


def tocsin(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def test_vendor_add_and_attest(tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"synthetic")

    added = tocsin("compliance", "vendor", "add", "Postmark", "--kind", "email")
    attested = tocsin(
        "compliance", "vendor", "attest", "Postmark", "--type", "iso27001",
        "--expires", "2027-06-30", "--document", report, "--by", "alice",
    )  # fmt: skip

    assert added.exit_code == 0
    assert attested.exit_code == 0, attested.output
    assert Vendor.objects.get().attestations.get().recorded_by == "alice"


def test_bad_input_exits_with_message(tmp_path: Path) -> None:
    tocsin("compliance", "vendor", "add", "Postmark", "--kind", "email")

    result = tocsin(
        "compliance", "vendor", "attest", "Postmark", "--type", "iso27001",
        "--expires", "soon", "--document", tmp_path / "x.pdf",
    )  # fmt: skip

    assert result.exit_code == 1
    assert result.stderr == (
        "Error: expires_on 'soon' is not a date; write it as YYYY-MM-DD, for"
        " example 2026-12-04\n"
    )


def test_vendor_warnings_names_vendor() -> None:
    tocsin("compliance", "vendor", "add", "Lob", "--kind", "mail_house")

    result = tocsin("compliance", "vendor", "warnings")

    assert result.stdout == (
        "vendor 'Lob' (mail_house) has no attestation on record; record one"
        " with `tocsin compliance vendor attest`\n"
    )


def test_handoff_import_then_complete(tmp_path: Path) -> None:
    export = tmp_path / "ir.json"
    export.write_text(json.dumps([RECORD]))

    imported = tocsin("compliance", "handoff", "import", export, "--by", "alice")
    incident_id = str(IncidentHandoff.objects.get().incident_id)
    completed = tocsin(
        "compliance", "handoff", "complete", incident_id, "scope_confirmed",
        "--by", "alice",
    )  # fmt: skip
    status = tocsin("compliance", "handoff", "status", incident_id)

    assert imported.stdout == f"incident {incident_id} opened from IR-9\n"
    assert completed.exit_code == 0
    assert "scope_confirmed\tdone by alice\n" in status.stdout
    assert "counsel_engaged\tOPEN\n" in status.stdout


def test_training_status_flags_untrained() -> None:
    tocsin(
        "compliance", "training", "record", "op1", "--course", "breach-ops",
        "--completed-on", "2020-01-01",
    )  # fmt: skip

    result = tocsin("compliance", "training", "status", "op1", "op2")

    assert result.stdout == (
        "op1\tbreach-ops\t2020-01-01\tNOT CURRENT\nop2\t-\tnever\tNOT CURRENT\n"
    )


def test_drill_record_and_list() -> None:
    recorded = tocsin(
        "compliance", "drill", "record", "--held-on", "2026-11-20",
        "--scenario", "SMS outage", "--results", "fallback worked",
        "--follow-up", "tune timeout",
    )  # fmt: skip
    listed = tocsin("compliance", "drill", "list")

    assert recorded.exit_code == 0
    assert listed.stdout.startswith("2026-11-20\tSMS outage\t1\n")


def test_law_review_due_lists_operator_laws(tmp_path: Path, settings) -> None:
    laws = Path(__file__).resolve().parents[2] / "src/tocsin/jurisdictions/laws"
    text = (laws / "US-VT.yaml").read_text()
    (tmp_path / "US-VT.yaml").write_text(
        text.replace("last_reviewed: '2026-12-04'", "last_reviewed: 2024-01-01")
    )
    settings.TOCSIN_LAWS_DIR = str(tmp_path)
    before = tocsin("compliance", "law-review", "due")

    signed = tocsin(
        "compliance", "law-review", "sign-off", "US-VT", "--reviewer", "counsel"
    )
    due = tocsin("compliance", "law-review", "due")

    assert "US-VT" in before.stdout
    assert signed.exit_code == 0, signed.output
    assert "US-VT" not in due.stdout

"""Tests of scripts/verify_evidence.py, run as an auditor would run it."""

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tocsin.audit.checkpoints import write_audit_checkpoint
from tocsin.audit.evidence import Artifact, EvidenceBundle, write_evidence_bundle
from tocsin.audit.exports import export_checkpoints, export_incident_events
from tocsin.audit.signing import ensure_signing_key, export_public_key
from tocsin.audit.trail import audit_batch, record_audit_event

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_evidence.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_evidence", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    # -S skips site-packages: the script must run on the standard library.
    return subprocess.run(
        [sys.executable, "-S", str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "")},
    )


def record_incident_events() -> None:
    with audit_batch():
        for number in range(3):
            record_audit_event(
                "test.event",
                object_type="test",
                object_id=str(number),
                incident_ref="inc-1",
                payload={"n": number, "codes": ["email"], "ratio": 0.5},
            )
            record_audit_event("other.event", object_type="t", object_id="x")


def build_bundle(tmp_path: Path) -> EvidenceBundle:
    ensure_signing_key()
    record_incident_events()
    checkpoint = write_audit_checkpoint()
    assert checkpoint is not None
    work = tmp_path / "work"
    work.mkdir()
    export = export_incident_events(
        "inc-1",
        work / "events.jsonl",
        work / "links.jsonl",
        up_to_sequence=checkpoint.sequence,
    )
    export_checkpoints(work / "checkpoints.jsonl", 1, checkpoint.sequence)
    assert export.event_count == 3
    artifacts = [
        Artifact("audit/events.jsonl", (), source_path=work / "events.jsonl"),
        Artifact("audit/chain-links.jsonl", (), source_path=work / "links.jsonl"),
        Artifact("audit/checkpoints.jsonl", (), source_path=work / "checkpoints.jsonl"),
    ]
    return write_evidence_bundle("inc-1", tmp_path / "bundle", artifacts)


def rewrite_json_lines(path: Path, line_index: int, change: dict) -> None:
    lines = path.read_text().splitlines()
    record = json.loads(lines[line_index])
    record.update(change)
    lines[line_index] = json.dumps(record, sort_keys=True)
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.django_db
def test_fresh_bundle_verifies(tmp_path: Path) -> None:
    bundle = build_bundle(tmp_path)
    key_file = tmp_path / "trusted.pub"
    key_file.write_text(export_public_key())

    result = run_script(bundle.folder, "--public-key", key_file)

    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "bundle verified"
    assert "ok: chain is unbroken from sequence 1 to 6" in result.stdout


@pytest.mark.django_db
def test_fresh_zip_verifies(tmp_path: Path) -> None:
    bundle = build_bundle(tmp_path)

    result = run_script(bundle.zip_path)

    assert result.returncode == 0, result.stdout
    assert "note: using the public key inside the bundle" in result.stdout


@pytest.mark.django_db
def test_modified_file_fails(tmp_path: Path) -> None:
    bundle = build_bundle(tmp_path)
    (bundle.folder / "control-map.json").write_text("{}\n")

    result = run_script(bundle.folder)

    assert result.returncode == 1
    assert "FAILED: control-map.json was modified: its SHA-256 is" in result.stdout


@pytest.mark.django_db
def test_altered_event_fails_even_with_new_hashes(tmp_path: Path) -> None:
    bundle = build_bundle(tmp_path)
    rewrite_json_lines(bundle.folder / "audit/events.jsonl", 1, {"actor": "x"})

    result = run_script(bundle.folder)

    assert result.returncode == 1
    assert "FAILED: audit event 3 (audit/events.jsonl line 2) was altered" in (
        result.stdout
    )


@pytest.mark.django_db
def test_missing_link_breaks_chain(tmp_path: Path) -> None:
    bundle = build_bundle(tmp_path)
    links = bundle.folder / "audit/chain-links.jsonl"
    links.write_text("".join(links.read_text().splitlines(keepends=True)[1:]))

    result = run_script(bundle.folder)

    assert "FAILED: audit event 2 is missing from events and links" in result.stdout


@pytest.mark.django_db
def test_unlisted_file_fails(tmp_path: Path) -> None:
    bundle = build_bundle(tmp_path)
    (bundle.folder / "extra.txt").write_text("planted")

    result = run_script(bundle.folder)

    assert result.returncode == 1
    assert "FAILED: extra.txt is in the bundle but not listed in the manifest" in (
        result.stdout
    )


@pytest.mark.django_db
def test_other_public_key_fails_signature(tmp_path: Path) -> None:
    bundle = build_bundle(tmp_path)
    other = Ed25519PrivateKey.generate().public_key()
    key_file = tmp_path / "other.pub"
    key_file.write_bytes(
        other.public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
    )

    result = run_script(bundle.folder, "--public-key", key_file)

    assert result.returncode == 1
    assert "FAILED: manifest.json signature is invalid for this public key" in (
        result.stdout
    )


@pytest.mark.django_db
def test_zip_with_modified_member_fails(tmp_path: Path) -> None:
    bundle = build_bundle(tmp_path)
    tampered = tmp_path / "tampered.zip"
    with (
        zipfile.ZipFile(bundle.zip_path) as source,
        zipfile.ZipFile(tampered, "w") as target,
    ):
        for name in source.namelist():
            data = source.read(name)
            if name == "audit/checkpoints.jsonl":
                data = data.replace(b'"sequence": 6', b'"sequence": 5')
            target.writestr(name, data)

    result = run_script(tampered)

    assert result.returncode == 1
    assert "FAILED: audit/checkpoints.jsonl was modified" in result.stdout


def test_missing_bundle_is_usage_error(tmp_path: Path) -> None:
    result = run_script(tmp_path / "nothing")

    assert result.returncode == 2
    assert result.stderr == f"bundle {tmp_path / 'nothing'} not found\n"


@pytest.mark.parametrize("length", [0, 1, 32, 100, 1000])
def test_pure_python_ed25519_matches_cryptography(length: int) -> None:
    script = load_script()
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    message = os.urandom(length)
    signature = key.sign(message)

    assert script.verify_ed25519(public, message, signature)
    assert not script.verify_ed25519(public, message + b"!", signature)
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    assert not script.verify_ed25519(public, message, flipped)


def test_rfc8032_test_vector_one_verifies() -> None:
    # RFC 8032 section 7.1, TEST 1: empty message.
    public = bytes.fromhex(
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    )
    signature = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )

    assert load_script().verify_ed25519(public, b"", signature)


def test_script_hash_fields_match_trail() -> None:
    from tocsin.audit.trail import HASHED_FIELD_NAMES

    assert load_script().HASHED_FIELD_NAMES == HASHED_FIELD_NAMES


@pytest.mark.django_db
def test_missing_manifest_fails_cleanly(tmp_path: Path) -> None:
    bundle = build_bundle(tmp_path)
    (bundle.folder / "manifest.json").unlink()

    result = run_script(bundle.folder)

    assert result.returncode == 1
    assert "FAILED: bundle is unreadable: FileNotFoundError:" in result.stdout


def test_missing_public_key_file_is_usage_error(tmp_path: Path) -> None:
    (tmp_path / "bundle").mkdir()

    result = run_script(tmp_path / "bundle", "--public-key", tmp_path / "no.pub")

    assert result.returncode == 2
    assert result.stderr.startswith("cannot read the bundle or key: [Errno 2]")

import json
import zipfile
from pathlib import Path

import pytest

from tocsin.audit.controlmap import load_control_map
from tocsin.audit.errors import EvidenceBundleError
from tocsin.audit.evidence import Artifact, write_evidence_bundle
from tocsin.audit.signing import (
    ensure_signing_key,
    is_signature_valid,
    load_public_key,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_key() -> None:
    ensure_signing_key()


def sample_artifacts(tmp_path: Path) -> list[Artifact]:
    law = tmp_path / "us-xx.yaml"
    law.write_text("id: US-XX\n")
    return [
        Artifact("audit/events.jsonl", ("ISO27001:8.15",), content=b"{}\n"),
        Artifact("laws/us-xx.yaml", ("SOC2:P6.6",), source_path=law),
    ]


def test_bundle_has_folder_and_zip(tmp_path: Path) -> None:
    bundle = write_evidence_bundle(
        "inc-1", tmp_path / "out", sample_artifacts(tmp_path)
    )

    assert (bundle.folder / "laws" / "us-xx.yaml").read_text() == "id: US-XX\n"
    assert bundle.zip_path == tmp_path / "out.zip"
    with zipfile.ZipFile(bundle.zip_path) as archive:
        assert "audit/events.jsonl" in archive.namelist()
        assert "manifest.sig" in archive.namelist()


def test_manifest_lists_every_file_but_itself(tmp_path: Path) -> None:
    bundle = write_evidence_bundle(
        "inc-1", tmp_path / "out", sample_artifacts(tmp_path)
    )

    names = [entry["name"] for entry in bundle.manifest["files"]]

    assert names == [
        "audit/events.jsonl",
        "control-map.json",
        "laws/us-xx.yaml",
        "signing-key.pub",
        "summary.pdf",
    ]


def test_manifest_signature_verifies(tmp_path: Path) -> None:
    bundle = write_evidence_bundle(
        "inc-1", tmp_path / "out", sample_artifacts(tmp_path)
    )

    manifest = (bundle.folder / "manifest.json").read_bytes()
    signature = (bundle.folder / "manifest.sig").read_text().strip()

    assert is_signature_valid(load_public_key(), manifest, signature)


def test_summary_is_a_pdf(tmp_path: Path) -> None:
    bundle = write_evidence_bundle(
        "inc-1",
        tmp_path / "out",
        sample_artifacts(tmp_path),
        summary_facts=[("Audit events exported", "1")],
    )

    assert (bundle.folder / "summary.pdf").read_bytes().startswith(b"%PDF-")


def test_control_map_lists_evidence_per_control(tmp_path: Path) -> None:
    bundle = write_evidence_bundle(
        "inc-1", tmp_path / "out", sample_artifacts(tmp_path)
    )

    document = json.loads((bundle.folder / "control-map.json").read_text())

    assert document["evidence_by_control"] == {
        "ISO27001:8.15": ["audit/events.jsonl"],
        "SOC2:P6.6": ["laws/us-xx.yaml"],
    }
    assert [c["id"] for c in document["controls"]] == ["ISO27001:8.15", "SOC2:P6.6"]


def test_nonempty_output_folder_is_rejected(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("x")

    with pytest.raises(EvidenceBundleError) as raised:
        write_evidence_bundle("inc-1", out, [])

    assert str(raised.value) == (
        f"output folder {out} is not empty; choose a new folder for the evidence bundle"
    )


def test_unknown_control_is_rejected(tmp_path: Path) -> None:
    artifact = Artifact("a.txt", ("SOC2:CC99.9",), content=b"x")

    with pytest.raises(EvidenceBundleError) as raised:
        write_evidence_bundle("inc-1", tmp_path / "out", [artifact])

    assert str(raised.value) == (
        "control 'SOC2:CC99.9' of artifact 'a.txt' is not in the control map;"
        " add it to tocsin/audit/controls.yaml"
    )
    assert not (tmp_path / "out").exists()


def test_artifact_escaping_bundle_is_rejected(tmp_path: Path) -> None:
    artifact = Artifact("../escape.txt", (), content=b"x")

    with pytest.raises(EvidenceBundleError, match="must be a relative path"):
        write_evidence_bundle("inc-1", tmp_path / "out", [artifact])


def test_reserved_artifact_name_is_rejected(tmp_path: Path) -> None:
    artifact = Artifact("manifest.json", (), content=b"{}")

    with pytest.raises(EvidenceBundleError, match="already used in the bundle"):
        write_evidence_bundle("inc-1", tmp_path / "out", [artifact])


def test_missing_artifact_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "gone.yaml"
    artifact = Artifact("laws/gone.yaml", (), source_path=missing)

    with pytest.raises(EvidenceBundleError) as raised:
        write_evidence_bundle("inc-1", tmp_path / "out", [artifact])

    assert str(raised.value) == (
        f"artifact file {missing} for 'laws/gone.yaml' not found; check the path"
        " or pass the content instead"
    )


def test_artifact_needs_content_or_path(tmp_path: Path) -> None:
    artifact = Artifact("a.txt", ())

    with pytest.raises(EvidenceBundleError, match="needs exactly one of content"):
        write_evidence_bundle("inc-1", tmp_path / "out", [artifact])


def test_every_mapped_control_is_defined() -> None:
    control_map = load_control_map()

    for kind, control_ids in control_map.artifact_controls.items():
        for control_id in control_ids:
            assert control_id in control_map.controls, (kind, control_id)


def test_every_control_records_source_and_confidence() -> None:
    for control in load_control_map().controls.values():
        assert control.read_on == "2026-12-04"
        assert control.confidence in {"confirmed", "secondary", "unconfirmed"}
        if control.confidence == "unconfirmed":
            assert control.note


def test_unknown_artifact_kind_names_the_fix() -> None:
    with pytest.raises(EvidenceBundleError, match="artifact kind 'nope' is not"):
        load_control_map().controls_for("nope")

"""Evidence bundles: a signed folder and zip of artifacts for auditors.

The writer is generic: callers gather artifacts from any app (events,
notices, law files, compliance records) and pass them in, so this app needs
no knowledge of the others. The bundle contains the artifacts, a control map,
a summary PDF, the public key, and ``manifest.json`` listing the SHA-256 of
every file, signed with the audit key in ``manifest.sig``.
``scripts/verify_evidence.py`` checks a bundle with Python and the public
key alone.
"""

import hashlib
import json
import logging
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.utils import timezone

from tocsin.audit.controlmap import load_control_map
from tocsin.audit.errors import EvidenceBundleError
from tocsin.audit.signing import compute_key_id, export_public_key, sign_bytes
from tocsin.audit.summary import render_summary_pdf

logger = logging.getLogger(__name__)

BUNDLE_FORMAT = "tocsin-evidence-bundle/1"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
PUBLIC_KEY_NAME = "signing-key.pub"
CONTROL_MAP_NAME = "control-map.json"
SUMMARY_NAME = "summary.pdf"
RESERVED_NAMES = frozenset(
    {MANIFEST_NAME, SIGNATURE_NAME, PUBLIC_KEY_NAME, CONTROL_MAP_NAME, SUMMARY_NAME}
)


@dataclass(frozen=True)
class Artifact:
    """One file for an evidence bundle: its bytes or a path, and its controls.

    ``name`` is the file's relative path inside the bundle, with forward
    slashes. ``controls`` are control ids from ``controls.yaml``, such as
    ``SOC2:CC7.4``; ``ControlMap.controls_for(kind)`` returns the usual set
    for an artifact kind.
    """

    name: str
    controls: tuple[str, ...]
    content: bytes | None = None
    source_path: Path | None = None
    description: str = ""


@dataclass(frozen=True)
class EvidenceBundle:
    """A written bundle: its folder, its zip and the manifest's contents."""

    folder: Path
    zip_path: Path
    manifest: dict[str, Any] = field(repr=False)


def write_evidence_bundle(
    incident_ref: str,
    out_dir: Path,
    artifacts: Sequence[Artifact],
    *,
    summary_facts: Sequence[tuple[str, str]] = (),
    generated_at: datetime | None = None,
) -> EvidenceBundle:
    """Write artifacts, control map, summary and signed manifest; zip them.

    ``out_dir`` becomes the bundle folder and must be missing or empty; the
    zip is written beside it as ``<out_dir>.zip``. Every artifact is
    checked before anything is written, so a bad artifact leaves no partial
    bundle behind.
    """
    _check_artifacts(artifacts)
    _prepare_folder(out_dir)
    generated = (generated_at or timezone.now()).isoformat()
    for artifact in artifacts:
        _write_artifact(out_dir, artifact)
    (out_dir / CONTROL_MAP_NAME).write_text(_control_map_json(artifacts))
    pdf = render_summary_pdf(incident_ref, generated, summary_facts, artifacts)
    (out_dir / SUMMARY_NAME).write_bytes(pdf)
    (out_dir / PUBLIC_KEY_NAME).write_text(export_public_key())
    manifest = _build_manifest(incident_ref, generated, out_dir, artifacts)
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    (out_dir / MANIFEST_NAME).write_bytes(manifest_bytes)
    (out_dir / SIGNATURE_NAME).write_text(sign_bytes(manifest_bytes) + "\n")
    zip_path = _zip_folder(out_dir)
    logger.info(
        "evidence bundle written",
        extra={"incident_ref": incident_ref, "files": len(manifest["files"])},
    )
    return EvidenceBundle(out_dir, zip_path, manifest)


def _check_artifacts(artifacts: Sequence[Artifact]) -> None:
    known_controls = load_control_map().controls
    seen: set[str] = set()
    for artifact in artifacts:
        path = PurePosixPath(artifact.name)
        if path.is_absolute() or ".." in path.parts or not artifact.name.strip():
            raise EvidenceBundleError(
                f"artifact name '{artifact.name}' must be a relative path inside"
                " the bundle, such as 'audit/events.jsonl'"
            )
        if artifact.name in RESERVED_NAMES or artifact.name in seen:
            raise EvidenceBundleError(
                f"artifact name '{artifact.name}' is already used in the bundle;"
                " give each artifact its own name"
            )
        seen.add(artifact.name)
        if (artifact.content is None) == (artifact.source_path is None):
            raise EvidenceBundleError(
                f"artifact '{artifact.name}' needs exactly one of content or"
                " source_path"
            )
        if artifact.source_path is not None and not artifact.source_path.is_file():
            raise EvidenceBundleError(
                f"artifact file {artifact.source_path} for '{artifact.name}' not"
                " found; check the path or pass the content instead"
            )
        for control_id in artifact.controls:
            if control_id not in known_controls:
                raise EvidenceBundleError(
                    f"control '{control_id}' of artifact '{artifact.name}' is not"
                    " in the control map; add it to tocsin/audit/controls.yaml"
                )


def _prepare_folder(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise EvidenceBundleError(
            f"output folder {out_dir} is not empty; choose a new folder for the"
            " evidence bundle"
        )
    zip_path = _zip_path(out_dir)
    if zip_path.exists():
        raise EvidenceBundleError(
            f"{zip_path} already exists; choose a new output folder or move the"
            " old bundle away"
        )
    out_dir.mkdir(parents=True, exist_ok=True)


def _write_artifact(out_dir: Path, artifact: Artifact) -> None:
    target = out_dir / artifact.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if artifact.content is not None:
        target.write_bytes(artifact.content)
    else:
        assert artifact.source_path is not None
        shutil.copyfile(artifact.source_path, target)


def _control_map_json(artifacts: Sequence[Artifact]) -> str:
    control_map = load_control_map()
    used = sorted({c for artifact in artifacts for c in artifact.controls})
    evidence = {
        control_id: sorted(a.name for a in artifacts if control_id in a.controls)
        for control_id in used
    }
    document = {
        "frameworks": control_map.frameworks,
        "controls": [control_map.controls[c].as_record() for c in used],
        "evidence_by_control": evidence,
        "controls_by_artifact": {a.name: list(a.controls) for a in artifacts},
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _build_manifest(
    incident_ref: str, generated: str, out_dir: Path, artifacts: Sequence[Artifact]
) -> dict[str, Any]:
    control_map = load_control_map()
    controls_by_name = {a.name: list(a.controls) for a in artifacts}
    controls_by_name[CONTROL_MAP_NAME] = []
    controls_by_name[SUMMARY_NAME] = list(control_map.controls_for("summary"))
    controls_by_name[PUBLIC_KEY_NAME] = list(control_map.controls_for("manifest"))
    files = [
        {
            "name": name,
            "sha256": compute_file_sha256(out_dir / name),
            "size": (out_dir / name).stat().st_size,
            "controls": controls,
        }
        for name, controls in sorted(controls_by_name.items())
    ]
    return {
        "format": BUNDLE_FORMAT,
        "incident_ref": incident_ref,
        "generated_at": generated,
        "key_id": compute_key_id(),
        "signature_file": SIGNATURE_NAME,
        "files": files,
    }


def compute_file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _zip_path(out_dir: Path) -> Path:
    return out_dir.parent / f"{out_dir.name}.zip"


def _zip_folder(out_dir: Path) -> Path:
    zip_path = _zip_path(out_dir)
    files = sorted(p for p in out_dir.rglob("*") if p.is_file())
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(out_dir).as_posix())
    return zip_path

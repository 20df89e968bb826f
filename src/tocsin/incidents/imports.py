"""Bookkeeping shared by the customer and findings imports."""

import hashlib
from pathlib import Path

from tocsin.incidents.models import FileImport, Incident


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def find_previous_import(
    incident: Incident, kind: str, sha256: str
) -> FileImport | None:
    """Return the import of a file with the same content, if there was one.

    Importing the same file twice is a no-op, so an operator who re-runs a
    step after a crash neither duplicates nor loses rows.
    """
    return FileImport.objects.filter(
        incident=incident, kind=kind, file_sha256=sha256
    ).first()


def rejections_as_json(rejected: list[tuple[int, str]]) -> list[dict]:
    """Return rejections as JSON-ready rows, sorted by row number."""
    return [{"row": row, "reason": reason} for row, reason in sorted(rejected)]

"""Search files and bytes for planted marker values in common encodings.

The canary tests store contacts whose details contain unique markers, then
search everything that reaches disk or a log (database files, the SQLite
write-ahead log, broker files, exports, captured log output) for those
markers. A marker can leak in an encoded form, so each is searched for
as plain UTF-8, UTF-16 (both byte orders), base64 (at each of the three
alignments), URL-encoded and JSON-escaped, in both letter cases where the
encoding changes the letters.
"""

import base64
import json
import urllib.parse
from collections.abc import Iterable
from pathlib import Path


def _base64_forms(marker: bytes) -> list[bytes]:
    # Inside a longer base64 text the marker starts at one of three bit
    # alignments. Characters whose 6 bits lie wholly within the marker are
    # the same whatever surrounds it, so those are what is searched for.
    forms = []
    for offset in range(3):
        encoded = base64.b64encode(b"\x00" * offset + marker)
        first = -(-8 * offset // 6)
        end = 8 * (offset + len(marker)) // 6
        stable = encoded[first:end]
        if len(stable) >= 8:
            forms.append(stable)
            forms.append(stable.replace(b"+", b"-").replace(b"/", b"_"))
    return forms


def marker_encodings(marker: str) -> dict[str, bytes]:
    """Return the byte forms of a marker to search for, by encoding name."""
    raw = marker.encode("utf-8")
    forms = {
        "utf-8": raw,
        # bytes.lower() folds ASCII letters only, so other letters' case
        # forms are searched for separately.
        "utf-8-upper": marker.upper().encode("utf-8"),
        "utf-8-lower": marker.lower().encode("utf-8"),
        "utf-16-le": marker.encode("utf-16-le"),
        "utf-16-be": marker.encode("utf-16-be"),
        "url": urllib.parse.quote(marker, safe="").encode("ascii"),
        "url-plus": urllib.parse.quote_plus(marker).encode("ascii"),
        "json": json.dumps(marker)[1:-1].encode("ascii"),
        "json-unicode": json.dumps(marker, ensure_ascii=False)[1:-1].encode(),
        "hex": raw.hex().encode("ascii"),
    }
    for position, form in enumerate(_base64_forms(raw)):
        forms[f"base64-{position}"] = form
    return forms


def _read(item: str | Path | bytes) -> tuple[str, bytes]:
    if isinstance(item, bytes | bytearray | memoryview):
        return "<bytes>", bytes(item)
    path = Path(item)
    if not path.exists():
        return str(path), b""
    return str(path), path.read_bytes()


def find_markers(
    sources: Iterable[str | Path | bytes], markers: Iterable[str]
) -> list[str]:
    """Return one line per marker found: where, which marker, which encoding.

    ``sources`` are file paths (missing files are skipped, since a WAL may
    have been truncated away) or byte strings such as captured log output.
    An empty list means no marker appeared in any form.
    """
    encodings = {}
    for marker in markers:
        forms = marker_encodings(marker)
        unique = {}
        for encoding, form in forms.items():
            if form.lower() not in {seen.lower() for seen in unique.values()}:
                unique[encoding] = form
        encodings[marker] = unique
    found = []
    for source in sources:
        name, content = _read(source)
        folded = content.lower()
        for marker, forms in encodings.items():
            for encoding, form in forms.items():
                haystack = content if encoding.startswith("base64") else folded
                needle = form if encoding.startswith("base64") else form.lower()
                if needle in haystack:
                    found.append(f"{name}: marker {marker!r} as {encoding}")
    return found


def sqlite_files(database_path: str | Path) -> list[Path]:
    """Return a SQLite database file with its WAL and shared-memory files."""
    path = Path(database_path)
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]

import base64
import json
import urllib.parse

import pytest

from tocsin.testing.canary import find_markers

MARKER = "zqx-canary-Ünïcode-7731@example.com"


@pytest.mark.parametrize("prefix", [b"", b"a", b"ab", b"abc"])
def test_base64_marker_found_at_any_alignment(prefix: bytes) -> None:
    text = base64.b64encode(prefix + MARKER.encode() + b" trailing")

    assert find_markers([b"x" + text + b"y"], [MARKER]) != []


@pytest.mark.parametrize(
    "encoded",
    [
        MARKER.encode("utf-8"),
        MARKER.upper().encode("utf-8"),
        MARKER.encode("utf-16-le"),
        MARKER.encode("utf-16-be"),
        urllib.parse.quote(MARKER).encode(),
        urllib.parse.quote_plus(MARKER).encode(),
        json.dumps(MARKER).encode(),
        base64.urlsafe_b64encode(MARKER.encode()),
    ],
)
def test_encoded_marker_is_found(encoded: bytes) -> None:
    assert find_markers([b"before " + encoded + b" after"], [MARKER]) != []


def test_absent_marker_is_not_found(tmp_path) -> None:
    path = tmp_path / "clean.bin"
    path.write_bytes(b"nothing to see" * 100)

    assert find_markers([path, tmp_path / "missing-wal"], [MARKER]) == []


def test_finding_names_source_and_encoding(tmp_path) -> None:
    path = tmp_path / "leak.log"
    path.write_bytes(MARKER.encode("utf-16-le"))

    assert find_markers([path], [MARKER]) == [f"{path}: marker {MARKER!r} as utf-16-le"]

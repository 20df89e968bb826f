#!/usr/bin/env python3
"""Check a Tocsin evidence bundle with Python's standard library alone.

Usage:
    python3 verify_evidence.py BUNDLE [--public-key signing-key.pub]

BUNDLE is the bundle folder or its .zip. The script checks:

1. that manifest.sig is a valid Ed25519 signature of manifest.json under the
   public key (Ed25519 verification is implemented below, following RFC 8032
   section 5.1.7, so no package needs installing);
2. that every file listed in the manifest exists with the listed SHA-256,
   and that no unlisted file is present;
3. that every event in audit/events.jsonl hashes to its stored hash, that
   events and chain links form one unbroken chain, and that every signed
   checkpoint in audit/checkpoints.jsonl verifies and names the hash the
   chain has at its sequence.

Pass --public-key with a copy of the key obtained from the organisation
(``tocsin audit public-key``), not the one inside the bundle: the bundled key
proves only that the files were not changed after signing, not who signed.

Exit status: 0 when every check passes, 1 when any fails, 2 on bad usage.
"""

import argparse
import base64
import hashlib
import json
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
PUBLIC_KEY_NAME = "signing-key.pub"
EVENTS_NAME = "audit/events.jsonl"
LINKS_NAME = "audit/chain-links.jsonl"
CHECKPOINTS_NAME = "audit/checkpoints.jsonl"
# Must match HASHED_FIELD_NAMES in tocsin/audit/trail.py.
HASHED_FIELD_NAMES = (
    "sequence",
    "occurred_at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "incident_ref",
    "outcome",
    "payload",
)
# DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32
# raw key bytes.
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")

# --- Ed25519 verification (RFC 8032, section 5.1) -------------------------

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_MINUS_ONE = pow(2, (P - 1) // 4, P)

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T)


def _recover_x(y: int, sign: int) -> int | None:
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_MINUS_ONE % P
    if (x * x - x2) % P != 0:
        return None
    if x & 1 != sign:
        x = P - x
    return x


def _point_add(a: Point, b: Point) -> Point:
    c1 = (a[1] - a[0]) * (b[1] - b[0]) % P
    c2 = (a[1] + a[0]) * (b[1] + b[0]) % P
    c3 = 2 * a[3] * b[3] * D % P
    c4 = 2 * a[2] * b[2] % P
    e, f, g, h = c2 - c1, c4 - c3, c4 + c3, c2 + c1
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _point_multiply(scalar: int, point: Point) -> Point:
    result: Point = (0, 1, 1, 0)
    while scalar > 0:
        if scalar & 1:
            result = _point_add(result, point)
        point = _point_add(point, point)
        scalar >>= 1
    return result


def _points_equal(a: Point, b: Point) -> bool:
    if (a[0] * b[2] - b[0] * a[2]) % P != 0:
        return False
    return (a[1] * b[2] - b[1] * a[2]) % P == 0


def _decode_point(encoded: bytes) -> Point | None:
    if len(encoded) != 32:
        return None
    y = int.from_bytes(encoded, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % P)


_BASE_Y = 4 * pow(5, P - 2, P) % P
_BASE_X = _recover_x(_BASE_Y, 0)
assert _BASE_X is not None
BASE_POINT: Point = (_BASE_X, _BASE_Y, 1, _BASE_X * _BASE_Y % P)


def verify_ed25519(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Return whether ``signature`` is a valid Ed25519 signature of message."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a_point = _decode_point(public_key)
    r_point = _decode_point(signature[:32])
    if a_point is None or r_point is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= L:
        return False
    digest = hashlib.sha512(signature[:32] + public_key + message).digest()
    k = int.from_bytes(digest, "little") % L
    left = _point_multiply(s, BASE_POINT)
    right = _point_add(r_point, _point_multiply(k, a_point))
    return _points_equal(left, right)


def load_public_key_pem(text: str) -> bytes:
    """Return the 32 raw bytes of an Ed25519 public key in PEM form."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if not lines or lines[0] != "-----BEGIN PUBLIC KEY-----":
        raise ValueError("not a PEM public key (no BEGIN PUBLIC KEY line)")
    body = "".join(line for line in lines[1:] if not line.startswith("-----"))
    der = base64.b64decode(body, validate=True)
    if len(der) != 44 or not der.startswith(ED25519_SPKI_PREFIX):
        raise ValueError("not an Ed25519 public key")
    return der[len(ED25519_SPKI_PREFIX) :]


# --- Event hashes, exactly as tocsin.audit.trail.compute_event_hash -------


def compute_event_hash(previous_hash: str, fields: dict[str, Any]) -> str:
    """Return the SHA-256 of an event's canonical JSON after previous_hash."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


def checkpoint_message(record: dict[str, Any]) -> bytes:
    """Return the bytes a checkpoint signature covers."""
    signed = {
        "type": "tocsin-audit-checkpoint",
        "sequence": record["sequence"],
        "event_hash": record["event_hash"],
        "created_at": record["created_at"],
        "key_id": record["key_id"],
    }
    return json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()


# --- Bundle access ----------------------------------------------------------


class Bundle:
    """Read files of a bundle folder or zip by their manifest names."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.archive = zipfile.ZipFile(path) if path.is_file() else None

    def names(self) -> set[str]:
        """Return the relative names of all files in the bundle."""
        if self.archive is not None:
            return {n for n in self.archive.namelist() if not n.endswith("/")}
        return {
            p.relative_to(self.path).as_posix()
            for p in self.path.rglob("*")
            if p.is_file()
        }

    def open(self, name: str) -> IO[bytes]:
        """Open one file for reading; names must stay inside the bundle."""
        parts = PurePosixPath(name).parts
        if PurePosixPath(name).is_absolute() or ".." in parts:
            raise ValueError(f"file name '{name}' points outside the bundle")
        if self.archive is not None:
            return self.archive.open(name)
        return (self.path / name).open("rb")

    def read(self, name: str) -> bytes:
        """Return one file's bytes."""
        with self.open(name) as source:
            return source.read()

    def lines(self, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """Yield (line number, parsed object) for a JSON Lines file."""
        with self.open(name) as source:
            for number, line in enumerate(source, start=1):
                if line.strip():
                    yield number, json.loads(line)


# --- Checks -----------------------------------------------------------------


class Report:
    """Collects failures and prints one line per check."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def ok(self, message: str) -> None:
        print(f"ok: {message}")

    def fail(self, message: str) -> None:
        self.failures.append(message)
        print(f"FAILED: {message}")


def check_manifest(bundle: Bundle, public_key: bytes, report: Report) -> dict:
    """Check the manifest signature and every listed file's SHA-256."""
    manifest_bytes = bundle.read(MANIFEST_NAME)
    signature_text = bundle.read(SIGNATURE_NAME).decode().strip()
    signature = base64.b64decode(signature_text, validate=True)
    if verify_ed25519(public_key, manifest_bytes, signature):
        report.ok("manifest.json signature is valid")
    else:
        report.fail("manifest.json signature is invalid for this public key")
    manifest = json.loads(manifest_bytes)
    present = bundle.names()
    listed = {entry["name"] for entry in manifest["files"]}
    for entry in manifest["files"]:
        name = entry["name"]
        if name not in present:
            report.fail(f"{name} is listed in the manifest but missing")
            continue
        digest = hashlib.sha256()
        with bundle.open(name) as source:
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != entry["sha256"]:
            report.fail(
                f"{name} was modified: its SHA-256 is {digest.hexdigest()},"
                f" the manifest lists {entry['sha256']}"
            )
    for name in sorted(present - listed - {MANIFEST_NAME, SIGNATURE_NAME}):
        report.fail(f"{name} is in the bundle but not listed in the manifest")
    report.ok(f"checked SHA-256 of {len(listed)} listed files")
    return manifest


def check_chain(bundle: Bundle, public_key: bytes, report: Report) -> None:
    """Recompute event hashes and follow the chain through the links."""
    present = bundle.names()
    if EVENTS_NAME not in present:
        report.ok("no audit events in this bundle")
        return
    chain: dict[int, tuple[str, str]] = {}
    event_count = 0
    for number, record in bundle.lines(EVENTS_NAME):
        fields = {name: record[name] for name in HASHED_FIELD_NAMES}
        computed = compute_event_hash(record["previous_hash"], fields)
        sequence = record["sequence"]
        if computed != record["event_hash"]:
            report.fail(
                f"audit event {sequence} ({EVENTS_NAME} line {number}) was"
                f" altered: its fields hash to {computed}"
            )
        chain[sequence] = (record["previous_hash"], record["event_hash"])
        event_count += 1
    if LINKS_NAME in present:
        for _, link in bundle.lines(LINKS_NAME):
            chain[link["sequence"]] = (link["previous_hash"], link["event_hash"])
    _check_links(chain, report)
    _check_checkpoints(bundle, public_key, chain, report)
    report.ok(f"checked hashes of {event_count} audit events")


def _check_links(chain: dict[int, tuple[str, str]], report: Report) -> None:
    if not chain:
        return
    first, last = min(chain), max(chain)
    for sequence in range(first + 1, last + 1):
        if sequence not in chain:
            report.fail(f"audit event {sequence} is missing from events and links")
            return
        if chain[sequence][0] != chain[sequence - 1][1]:
            report.fail(
                f"audit event {sequence} does not chain to event {sequence - 1}"
            )
            return
    report.ok(f"chain is unbroken from sequence {first} to {last}")


def _check_checkpoints(
    bundle: Bundle,
    public_key: bytes,
    chain: dict[int, tuple[str, str]],
    report: Report,
) -> None:
    if not chain:
        return
    last = max(chain)
    anchored = False
    if CHECKPOINTS_NAME in bundle.names():
        for number, record in bundle.lines(CHECKPOINTS_NAME):
            sequence = record["sequence"]
            where = f"checkpoint at sequence {sequence} ({CHECKPOINTS_NAME} line"
            signature = base64.b64decode(record["signature"], validate=True)
            if not verify_ed25519(public_key, checkpoint_message(record), signature):
                report.fail(f"{where} {number}) has an invalid signature")
            elif sequence in chain and chain[sequence][1] != record["event_hash"]:
                report.fail(f"{where} {number}) contradicts audit event {sequence}")
            elif sequence == last:
                anchored = True
    if anchored:
        report.ok(f"a valid signed checkpoint covers the last event {last}")
    else:
        report.fail(f"no valid signed checkpoint covers the last event {last}")


def main(argv: list[str] | None = None) -> int:
    """Run every check on a bundle and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="bundle folder or .zip file")
    parser.add_argument(
        "--public-key",
        type=Path,
        help="PEM public key from the organisation; defaults to the bundle's own",
    )
    args = parser.parse_args(argv)
    if not args.bundle.exists():
        print(f"bundle {args.bundle} not found", file=sys.stderr)
        return 2

    try:
        bundle = Bundle(args.bundle)
        public_key = _read_public_key(bundle, args.public_key)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        print(f"cannot read the bundle or key: {error}", file=sys.stderr)
        return 2

    report = Report()
    try:
        check_manifest(bundle, public_key, report)
        check_chain(bundle, public_key, report)
    except (OSError, ValueError, KeyError, TypeError) as error:
        # A file the manifest needs is missing or malformed: that is a
        # failed check, not a usage error.
        report.fail(f"bundle is unreadable: {type(error).__name__}: {error}")
    if report.failures:
        print(f"bundle verification FAILED: {len(report.failures)} problem(s)")
        return 1
    print("bundle verified")
    return 0


def _read_public_key(bundle: Bundle, key_path: Path | None) -> bytes:
    if key_path is not None:
        return load_public_key_pem(key_path.read_text())
    print("note: using the public key inside the bundle; pass --public-key")
    return load_public_key_pem(bundle.read(PUBLIC_KEY_NAME).decode())


if __name__ == "__main__":
    sys.exit(main())

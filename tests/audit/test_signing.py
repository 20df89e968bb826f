import stat
from pathlib import Path

import pytest

from tocsin.audit.errors import SigningKeyError
from tocsin.audit.signing import (
    compute_key_id,
    ensure_signing_key,
    export_public_key,
    is_signature_valid,
    load_public_key,
    sign_bytes,
)


def test_key_file_is_created_owner_only(audit_key_files: Path) -> None:
    path = ensure_signing_key()

    assert path == audit_key_files / "key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_existing_key_is_kept() -> None:
    first = ensure_signing_key().read_bytes()

    second = ensure_signing_key().read_bytes()

    assert first == second


def test_key_readable_by_others_is_rejected() -> None:
    path = ensure_signing_key()
    path.chmod(0o644)

    with pytest.raises(SigningKeyError) as raised:
        load_public_key()

    assert str(raised.value) == (
        f"audit signing key file {path} has mode 0644, readable by group or"
        f" others; run `chmod 600 {path}`"
    )


def test_missing_key_names_the_fix(audit_key_files: Path) -> None:
    with pytest.raises(SigningKeyError) as raised:
        load_public_key()

    assert str(raised.value) == (
        f"audit signing key file {audit_key_files / 'key.pem'} not found; run"
        " `tocsin audit init-key` or set TOCSIN_AUDIT_SIGNING_KEY_FILE to the"
        " existing key"
    )


def test_non_key_file_is_rejected(audit_key_files: Path) -> None:
    path = audit_key_files / "key.pem"
    path.write_text("not a key")
    path.chmod(0o600)

    with pytest.raises(SigningKeyError, match="is not an unencrypted Ed25519"):
        load_public_key()


def test_exported_public_key_is_pem() -> None:
    ensure_signing_key()

    pem = export_public_key()

    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n")


def test_signature_verifies_only_its_message() -> None:
    ensure_signing_key()
    signature = sign_bytes(b"sequence 7")

    assert is_signature_valid(load_public_key(), b"sequence 7", signature)
    assert not is_signature_valid(load_public_key(), b"sequence 8", signature)


def test_key_id_is_sixteen_hex_digits() -> None:
    ensure_signing_key()

    assert len(compute_key_id()) == 16
    assert int(compute_key_id(), 16) >= 0

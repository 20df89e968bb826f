"""The Ed25519 key that signs audit checkpoints and evidence manifests.

The private key lives in a file outside the data folder, created once by
``ensure_signing_key`` (called by ``tocsin init``) with mode 0600. Auditors
receive only the public key, exported with ``tocsin audit public-key``.
"""

import base64
import hashlib
import logging
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from tocsin.audit.conf import signing_key_path
from tocsin.audit.errors import SigningKeyError

logger = logging.getLogger(__name__)


def ensure_signing_key() -> Path:
    """Create the signing key file if it is missing and return its path.

    The file is created with ``O_EXCL`` and mode 0600, so two processes
    starting at once cannot both write a key, and no other user can read it.
    An existing key is kept: replacing it would orphan every checkpoint
    signed so far.
    """
    path = signing_key_path()
    if path.exists():
        load_signing_key()
        return path
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(pem)
    logger.info("audit signing key created", extra={"key_id": compute_key_id()})
    return path


def load_signing_key() -> Ed25519PrivateKey:
    """Return the private signing key after checking its file is owner-only.

    Raises ``SigningKeyError`` naming the path and the fix when the file is
    missing, readable by group or others, or not an Ed25519 PEM key.
    """
    path = signing_key_path()
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        pem = path.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(
            f"audit signing key file {path} not found; run `tocsin audit init-key`"
            " or set TOCSIN_AUDIT_SIGNING_KEY_FILE to the existing key"
        ) from None
    if mode & 0o077:
        raise SigningKeyError(
            f"audit signing key file {path} has mode {mode:04o}, readable by"
            f" group or others; run `chmod 600 {path}`"
        )
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except ValueError:
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(
            f"audit signing key file {path} is not an unencrypted Ed25519 PEM"
            " key; restore the original key file from backup"
        )
    return key


def load_public_key() -> Ed25519PublicKey:
    """Return the public half of the signing key."""
    return load_signing_key().public_key()


def load_public_key_file(path: Path) -> Ed25519PublicKey:
    """Return the Ed25519 public key in a PEM file.

    Lets a machine that has only the exported public key, such as an
    auditor's, verify the trail without the private key.
    """
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except FileNotFoundError:
        raise SigningKeyError(
            f"public key file {path} not found; export it with"
            " `tocsin audit public-key --out FILE`"
        ) from None
    except ValueError:
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(
            f"public key file {path} is not an Ed25519 PEM public key; export"
            " it again with `tocsin audit public-key --out FILE`"
        )
    return key


def export_public_key() -> str:
    """Return the public key as PEM text, for auditors and the verifier."""
    pem = load_public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    return pem.decode()


def compute_key_id(public_key: Ed25519PublicKey | None = None) -> str:
    """Return a short fingerprint of a public key: 16 hex digits of SHA-256.

    Stored beside each signature, so a verifier can tell a signature made
    with a retired key from a forged one.
    """
    public_key = public_key or load_public_key()
    raw = public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return hashlib.sha256(raw).hexdigest()[:16]


def sign_bytes(message: bytes) -> str:
    """Return the base64 Ed25519 signature of ``message``."""
    return base64.b64encode(load_signing_key().sign(message)).decode()


def is_signature_valid(
    public_key: Ed25519PublicKey, message: bytes, signature: str
) -> bool:
    """Return whether the base64 ``signature`` signs ``message``."""
    try:
        public_key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True

"""Master keys: where they live and how they wrap the vault's data keys.

Envelope encryption: each incident has its own random data key, and only a
wrapped (encrypted) copy of it is stored, in ``vault_datakey``. The master
key that wraps it never reaches the database. A key provider hides where the
master key lives: a local key file or environment variable
(``LocalKeyProvider``), or a key management service such as HashiCorp Vault
Transit (``tocsin.vault.transit``).

Every wrapped key is stored with the id of the master key that wrapped it,
so a rotation can rewrap data keys one at a time and resume after a crash.
"""

import base64
import binascii
import hmac
import logging
import os
import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tocsin.errors import ConfigurationError
from tocsin.vault import conf
from tocsin.vault.errors import VaultKeyMissing

logger = logging.getLogger(__name__)

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the 96-bit nonce GCM is specified for


class KeyProvider(ABC):
    """A source of master keys that wraps and unwraps data keys.

    ``context`` is bound to the wrapped key as associated data, so a wrapped
    key copied to another incident's row fails to unwrap.
    """

    @abstractmethod
    def current_key_id(self) -> str:
        """Return the id of the master key that new wraps use."""

    @abstractmethod
    def wrap(self, key: bytes, context: bytes) -> tuple[bytes, str]:
        """Return ``key`` wrapped under the current master key, and its id."""

    @abstractmethod
    def unwrap(self, wrapped: bytes, key_id: str, context: bytes) -> bytes:
        """Return the key in ``wrapped``, raising ``InvalidTag`` if altered.

        Raises ``VaultKeyMissing`` when master key ``key_id`` is unknown.
        """

    @abstractmethod
    def rotate(self) -> str:
        """Make a new master key current, keep the old one; return its id."""

    @abstractmethod
    def discard_retired(self, key_ids_in_use: set[str]) -> list[str]:
        """Delete retired master keys that wrap nothing; return their ids."""


def local_key_id(key: bytes) -> str:
    """Return a stable, non-secret id of a local master key.

    A keyed hash of a fixed label, so the id reveals nothing about the key
    but changes whenever the key does.
    """
    digest = hmac.new(key, b"tocsin master key id", "sha256").hexdigest()
    return "local:" + digest[:16]


def decode_key(encoded: str, origin: str) -> bytes:
    """Return the 32 bytes of a base64 master key from ``origin``."""
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ConfigurationError(
            f"{origin} does not contain a base64-encoded 32-byte key; restore it "
            "from backup or generate one with `tocsin keys generate`"
        )
    return key


def encode_key(key: bytes) -> str:
    """Return a master key as base64 text, the form files and env vars use."""
    return base64.b64encode(key).decode("ascii")


def write_key_file(path: Path, key: bytes) -> None:
    """Write a key file readable by its owner only, replacing it atomically."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w") as stream:
        stream.write(encode_key(key) + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)


def read_key_file(path: Path) -> bytes:
    """Return the master key in ``path`` after checking its permissions."""
    if not path.exists():
        raise VaultKeyMissing(
            f"master key file {path} not found; run `tocsin init` to create it, "
            "restore it from backup, or set TOCSIN_MASTER_KEY"
        )
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigurationError(
            f"master key file {path} is readable by other users (mode "
            f"{mode:04o}); run `chmod 600 {path}`"
        )
    return decode_key(path.read_text(), f"master key file {path}")


class LocalKeyProvider(KeyProvider):
    """Master keys held in this process: from a key file or the environment.

    Wrapping is AES-256-GCM under the master key with a random nonce stored
    in front of the ciphertext. Retired keys stay readable until a rotation
    has rewrapped every data key they wrap.
    """

    def __init__(
        self,
        current: bytes,
        retired: Iterable[bytes] = (),
        key_file: Path | None = None,
    ) -> None:
        self._key_file = key_file
        self._keys = {local_key_id(key): key for key in retired}
        self._current_id = local_key_id(current)
        self._keys[self._current_id] = current

    def current_key_id(self) -> str:
        return self._current_id

    def wrap(self, key: bytes, context: bytes) -> tuple[bytes, str]:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._keys[self._current_id]).encrypt(nonce, key, context)
        return nonce + sealed, self._current_id

    def unwrap(self, wrapped: bytes, key_id: str, context: bytes) -> bytes:
        master = self._keys.get(key_id)
        if master is None:
            raise VaultKeyMissing(
                f"master key '{key_id}' is not available (current key is "
                f"'{self._current_id}'); restore its key file or list it in "
                "TOCSIN_MASTER_KEY_PREVIOUS"
            )
        if len(wrapped) <= NONCE_BYTES:
            raise InvalidTag()
        nonce, sealed = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
        return AESGCM(master).decrypt(nonce, sealed, context)

    def rotate(self) -> str:
        if self._key_file is None:
            raise ConfigurationError(
                "TOCSIN_MASTER_KEY is set, so `tocsin keys rotate` cannot write a "
                "new key: generate one with `tocsin keys generate`, set it as "
                "TOCSIN_MASTER_KEY, move the old one to "
                "TOCSIN_MASTER_KEY_PREVIOUS, then run `tocsin keys rotate`"
            )
        # The retired copy is written first: a crash before the new key
        # replaces the file leaves the old key in both places, never lost.
        old_id = self._current_id
        write_key_file(retired_key_path(self._key_file, old_id), self._keys[old_id])
        new_key = secrets.token_bytes(KEY_BYTES)
        write_key_file(self._key_file, new_key)
        self._current_id = local_key_id(new_key)
        self._keys[self._current_id] = new_key
        logger.info(
            "master key rotated",
            extra={"old_key_id": old_id, "new_key_id": self._current_id},
        )
        return self._current_id

    def discard_retired(self, key_ids_in_use: set[str]) -> list[str]:
        if self._key_file is None:
            return []
        discarded = []
        for key_id in list(self._keys):
            if key_id == self._current_id or key_id in key_ids_in_use:
                continue
            retired_key_path(self._key_file, key_id).unlink(missing_ok=True)
            del self._keys[key_id]
            discarded.append(key_id)
        return discarded


def retired_key_path(key_file: Path, key_id: str) -> Path:
    """Return where a retired master key is kept, beside the current one."""
    return key_file.with_name(f"{key_file.name}.retired-{key_id.split(':')[-1]}")


def load_local_provider() -> LocalKeyProvider:
    """Return the local provider from TOCSIN_MASTER_KEY or the key file."""
    encoded = conf.master_key_base64()
    if encoded:
        previous = [
            decode_key(item, "TOCSIN_MASTER_KEY_PREVIOUS")
            for item in conf.previous_master_keys_base64()
        ]
        return LocalKeyProvider(decode_key(encoded, "TOCSIN_MASTER_KEY"), previous)
    path = conf.master_key_file()
    retired = [
        read_key_file(candidate)
        for candidate in sorted(path.parent.glob(path.name + ".retired-*"))
    ]
    return LocalKeyProvider(read_key_file(path), retired, key_file=path)


def get_key_provider() -> KeyProvider:
    """Return the configured key provider (TOCSIN_KEY_PROVIDER)."""
    name = conf.key_provider_name()
    if name == "local":
        return load_local_provider()
    if name == "vault-transit":
        from tocsin.vault.transit import TransitKeyProvider

        return TransitKeyProvider.from_settings()
    raise ConfigurationError(
        f"unknown TOCSIN_KEY_PROVIDER '{name}'; use 'local' or 'vault-transit'"
    )


def ensure_master_key() -> Path:
    """Create the master key file with mode 0600 if missing; return its path.

    ``tocsin init`` calls this. An existing file is never replaced, because
    every data key wrapped under it would become unreadable. With
    TOCSIN_MASTER_KEY or a KMS provider configured the file is not used,
    so nothing is created. A key file inside the data folder is created but
    logged as a warning, because a copy of that folder would then include
    the key.
    """
    path = conf.master_key_file()
    uses_file = conf.key_provider_name() == "local" and not conf.master_key_base64()
    if not uses_file or path.exists():
        return path
    if _is_inside_data_folder(path):
        logger.warning("master key file inside data folder", extra={"path": str(path)})
    candidate = path.with_name(f"{path.name}.new-{os.getpid()}")
    write_key_file(candidate, secrets.token_bytes(KEY_BYTES))
    try:
        # A hard link fails if the name exists, so of two processes starting
        # at once only one creates the key and no data is wrapped under a
        # key that is then overwritten.
        os.link(candidate, path)
    except FileExistsError:
        return path
    finally:
        candidate.unlink()
    logger.info("master key file created", extra={"path": str(path)})
    return path


def _is_inside_data_folder(path: Path) -> bool:
    from django.conf import settings

    home = getattr(settings, "TOCSIN_HOME", None)
    return home is not None and path.resolve().is_relative_to(Path(home).resolve())

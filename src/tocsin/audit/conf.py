"""Settings of the audit app, read from Django settings or the environment.

Each value is looked up first as a Django setting, then as an environment
variable of the same name, then falls back to a default. The project's
``settings.py`` does not need to define any of them.
"""

import os
from pathlib import Path

from django.conf import settings

DEFAULT_SIGNING_KEY_FILE = Path("~/.config/tocsin/audit-signing.key")
CHECKPOINT_FILE_NAME = "audit-checkpoints.jsonl"


def _read(name: str) -> str | None:
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(name) or None
    return None if value is None else str(value)


def signing_key_path() -> Path:
    """Return the path of the Ed25519 private key that signs checkpoints.

    The default lies outside the data folder (``TOCSIN_HOME``), so someone
    who can rewrite the database and the data folder still cannot sign a
    rewritten chain.
    """
    configured = _read("TOCSIN_AUDIT_SIGNING_KEY_FILE")
    return Path(configured or DEFAULT_SIGNING_KEY_FILE).expanduser()


def checkpoint_file_path() -> Path:
    """Return the path of the JSON Lines file that stores every checkpoint."""
    configured = _read("TOCSIN_AUDIT_CHECKPOINT_FILE")
    if configured:
        return Path(configured).expanduser()
    return Path(settings.TOCSIN_HOME) / CHECKPOINT_FILE_NAME


def verify_chunk_size() -> int:
    """Return how many events ``verify_trail`` reads per database query."""
    return int(_read("TOCSIN_AUDIT_VERIFY_CHUNK_SIZE") or 5000)

"""Vault settings: a Django setting of the same name, else the environment.

TOCSIN_MASTER_KEY_FILE   path of the master key file, default
                         ``$XDG_CONFIG_HOME/tocsin/master.key`` (so
                         ``~/.config/tocsin/master.key``), outside the data
                         folder so a copy of the data folder contains no key
TOCSIN_MASTER_KEY        base64 of a 32-byte master key; replaces the file
TOCSIN_MASTER_KEY_PREVIOUS
                         comma-separated base64 keys replaced by
                         TOCSIN_MASTER_KEY, kept until `tocsin keys rotate`
                         has rewrapped every data key
TOCSIN_KEY_PROVIDER      "local" (key file or TOCSIN_MASTER_KEY, the
                         default) or "vault-transit"
VAULT_ADDR, VAULT_TOKEN  HashiCorp Vault address and token for Transit
TOCSIN_VAULT_TRANSIT_MOUNT
                         Transit mount path, default "transit"
TOCSIN_VAULT_TRANSIT_KEY Transit key name, default "tocsin"
TOCSIN_VAULT_TIMEOUT     seconds to wait for Vault, default 10
TOCSIN_PURGE_CHUNK_SIZE  contacts deleted per transaction in a purge,
                         default 5000
"""

import os
from pathlib import Path

from django.conf import settings


def _setting(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value)


def master_key_file() -> Path:
    """Return the path of the master key file."""
    configured = _setting("TOCSIN_MASTER_KEY_FILE")
    if configured:
        return Path(configured).expanduser()
    config_home = os.environ.get("XDG_CONFIG_HOME") or "~/.config"
    return Path(config_home).expanduser() / "tocsin" / "master.key"


def master_key_base64() -> str:
    """Return TOCSIN_MASTER_KEY, or "" when the key file is used."""
    return _setting("TOCSIN_MASTER_KEY").strip()


def previous_master_keys_base64() -> list[str]:
    """Return the retired master keys given in TOCSIN_MASTER_KEY_PREVIOUS."""
    raw = _setting("TOCSIN_MASTER_KEY_PREVIOUS")
    return [part.strip() for part in raw.split(",") if part.strip()]


def key_provider_name() -> str:
    """Return the configured key provider: "local" or "vault-transit"."""
    return _setting("TOCSIN_KEY_PROVIDER", "local").strip() or "local"


def vault_address() -> str:
    """Return VAULT_ADDR without a trailing slash."""
    return _setting("VAULT_ADDR").rstrip("/")


def vault_token() -> str:
    """Return VAULT_TOKEN."""
    return _setting("VAULT_TOKEN")


def vault_transit_mount() -> str:
    """Return the Transit secrets engine's mount path."""
    return _setting("TOCSIN_VAULT_TRANSIT_MOUNT", "transit").strip("/")


def vault_transit_key() -> str:
    """Return the name of the Transit key that wraps data keys."""
    return _setting("TOCSIN_VAULT_TRANSIT_KEY", "tocsin")


def vault_timeout() -> float:
    """Return the timeout of one Vault request, in seconds."""
    return float(_setting("TOCSIN_VAULT_TIMEOUT", "10"))


def purge_chunk_size() -> int:
    """Return how many contacts a purge deletes per transaction."""
    return int(_setting("TOCSIN_PURGE_CHUNK_SIZE", "5000"))

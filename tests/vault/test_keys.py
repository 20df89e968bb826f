import stat
from pathlib import Path

import pytest

from tocsin.errors import ConfigurationError
from tocsin.vault import keys
from tocsin.vault.errors import VaultKeyMissing
from tocsin.vault.keys import (
    encode_key,
    ensure_master_key,
    load_local_provider,
    read_key_file,
)


@pytest.fixture
def key_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "tocsin" / "master.key"
    monkeypatch.setenv("TOCSIN_MASTER_KEY_FILE", str(path))
    return path


def test_ensure_master_key_creates_owner_only_file(key_path: Path) -> None:
    created = ensure_master_key()

    assert created == key_path
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert len(read_key_file(key_path)) == 32


def test_ensure_master_key_keeps_existing_key(key_path: Path) -> None:
    ensure_master_key()
    before = key_path.read_text()

    ensure_master_key()

    assert key_path.read_text() == before


def test_missing_key_file_names_path_and_fix(key_path: Path) -> None:
    with pytest.raises(VaultKeyMissing) as raised:
        load_local_provider()

    assert str(raised.value) == (
        f"master key file {key_path} not found; run `tocsin init` to create it, "
        "restore it from backup, or set TOCSIN_MASTER_KEY"
    )


def test_key_file_readable_by_others_is_rejected(key_path: Path) -> None:
    ensure_master_key()
    key_path.chmod(0o644)

    with pytest.raises(ConfigurationError) as raised:
        load_local_provider()

    assert str(raised.value) == (
        f"master key file {key_path} is readable by other users (mode 0644); "
        f"run `chmod 600 {key_path}`"
    )


def test_environment_key_replaces_key_file(
    key_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOCSIN_MASTER_KEY", encode_key(bytes(range(32))))

    provider = load_local_provider()
    wrapped, key_id = provider.wrap(b"k" * 32, b"context")

    assert not key_path.exists()
    assert provider.unwrap(wrapped, key_id, b"context") == b"k" * 32


def test_malformed_environment_key_is_rejected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOCSIN_MASTER_KEY", "c2hvcnQ=")

    with pytest.raises(ConfigurationError) as raised:
        load_local_provider()

    assert str(raised.value) == (
        "TOCSIN_MASTER_KEY does not contain a base64-encoded 32-byte key; restore "
        "it from backup or generate one with `tocsin keys generate`"
    )


def test_key_file_in_data_folder_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, settings
) -> None:
    inside = Path(settings.TOCSIN_HOME) / "keys-test" / "master.key"
    monkeypatch.setenv("TOCSIN_MASTER_KEY_FILE", str(inside))

    ensure_master_key()

    assert "master key file inside data folder" in caplog.messages


def test_key_created_meanwhile_by_other_process_wins(
    key_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other_key = encode_key(b"\x05" * 32) + "\n"
    real_write = keys.write_key_file

    def write_while_other_process_creates(path: Path, key: bytes) -> None:
        real_write(path, key)
        key_path.write_text(other_key)
        key_path.chmod(0o600)

    monkeypatch.setattr(keys, "write_key_file", write_while_other_process_creates)

    ensure_master_key()

    assert key_path.read_text() == other_key
    assert list(key_path.parent.glob("master.key.new-*")) == []

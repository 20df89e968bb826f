from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def audit_key_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the signing key and checkpoint file at this test's own folder."""
    monkeypatch.setenv("TOCSIN_AUDIT_SIGNING_KEY_FILE", str(tmp_path / "key.pem"))
    monkeypatch.setenv(
        "TOCSIN_AUDIT_CHECKPOINT_FILE", str(tmp_path / "checkpoints.jsonl")
    )
    return tmp_path

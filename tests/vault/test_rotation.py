from pathlib import Path

import pytest

from tests.vault.conftest import make_record
from tocsin.audit.models import AuditEvent
from tocsin.errors import ConfigurationError
from tocsin.incidents.models import Incident
from tocsin.vault import rotation
from tocsin.vault.keys import encode_key, ensure_master_key, load_local_provider
from tocsin.vault.models import Contact, DataKey
from tocsin.vault.purge import purge_incident_vault
from tocsin.vault.rotation import key_status, rotate_master_key
from tocsin.vault.store import (
    clear_key_caches,
    open_contact,
    person_reference,
    store_contacts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys" / "master.key"
    monkeypatch.setenv("TOCSIN_MASTER_KEY_FILE", str(path))
    ensure_master_key()
    clear_key_caches()
    return path


def _incidents(count: int) -> list[Incident]:
    incidents = []
    for number in range(count):
        incident = Incident.objects.create(
            name=f"Incident {number}", discovered_at="2026-11-01T00:00:00Z"
        )
        store_contacts(incident, [make_record(number)])
        incidents.append(incident)
    return incidents


def test_rotation_rewraps_every_data_key(key_file: Path) -> None:
    _incidents(3)

    report = rotate_master_key()

    key_ids = set(DataKey.objects.values_list("master_key_id", flat=True))
    assert key_ids == {report.master_key_id}
    assert report.rewrapped == 3
    assert report.remaining == 0


def test_rotated_contacts_still_open(key_file: Path) -> None:
    (incident,) = _incidents(1)
    contact = Contact.objects.get(incident=incident)
    before = bytes(contact.encrypted_fields)

    rotate_master_key()

    clear_key_caches()
    reloaded = Contact.objects.get(pk=contact.pk)
    assert bytes(reloaded.encrypted_fields) == before
    assert open_contact(reloaded) == make_record(0)


def test_rotation_replaces_key_file_and_deletes_retired_copy(key_file: Path) -> None:
    old_text = key_file.read_text()
    _incidents(1)

    rotate_master_key()

    assert key_file.read_text() != old_text
    assert list(key_file.parent.glob("master.key.retired-*")) == []


def test_interrupted_rotation_resumes_under_same_key(
    key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _incidents(3)
    real_rewrap = rotation._rewrap_data_key
    calls = []

    def rewrap_then_crash(*args: object) -> bool:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_rewrap(*args)

    monkeypatch.setattr(rotation, "_rewrap_data_key", rewrap_then_crash)
    with pytest.raises(RuntimeError):
        rotate_master_key()
    new_id = load_local_provider().current_key_id()
    assert key_status().stale_count == 2
    monkeypatch.setattr(rotation, "_rewrap_data_key", real_rewrap)

    report = rotate_master_key()

    assert report.started_new_key is False
    assert report.master_key_id == new_id
    assert report.remaining == 0


def test_person_reference_survives_rotation(key_file: Path) -> None:
    before = person_reference("ada@example.com")

    rotate_master_key()

    clear_key_caches()
    assert person_reference("ada@example.com") == before


def test_destroyed_data_keys_are_not_rewrapped(key_file: Path) -> None:
    (incident,) = _incidents(1)
    purge_incident_vault(incident)

    report = rotate_master_key()

    assert report.rewrapped == 0
    assert report.remaining == 0


def test_rotation_writes_audit_entry(key_file: Path) -> None:
    _incidents(1)

    report = rotate_master_key()

    event = AuditEvent.objects.get(action="vault.master_key_rotated")
    assert event.object_id == report.master_key_id
    assert event.payload["rewrapped"] == 1


def test_environment_key_change_is_finished_by_rotate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old, new = encode_key(b"\x11" * 32), encode_key(b"\x22" * 32)
    monkeypatch.setenv("TOCSIN_MASTER_KEY", old)
    (incident,) = _incidents(1)
    monkeypatch.setenv("TOCSIN_MASTER_KEY", new)
    monkeypatch.setenv("TOCSIN_MASTER_KEY_PREVIOUS", old)

    report = rotate_master_key()

    monkeypatch.delenv("TOCSIN_MASTER_KEY_PREVIOUS")
    clear_key_caches()
    contact = Contact.objects.get(incident=incident)
    assert report.started_new_key is False
    assert open_contact(contact) == make_record(0)


def test_environment_key_cannot_be_rotated_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOCSIN_MASTER_KEY", encode_key(b"\x11" * 32))

    with pytest.raises(ConfigurationError) as raised:
        rotate_master_key()

    assert str(raised.value).startswith(
        "TOCSIN_MASTER_KEY is set, so `tocsin keys rotate` cannot write a new key"
    )


def test_status_counts_keys_by_master_key(key_file: Path) -> None:
    _incidents(2)

    status = key_status()

    assert status.data_keys_by_master_key == {status.current_key_id: 2}
    assert status.stale_count == 0

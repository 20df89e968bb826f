import struct

import pytest

from tests.vault.conftest import make_record
from tocsin.incidents.models import Incident
from tocsin.vault.errors import DataKeyUnwrapFailed, DecryptionFailed, VaultKeyMissing
from tocsin.vault.keys import encode_key, load_local_provider
from tocsin.vault.models import Contact, DataKey
from tocsin.vault.store import clear_key_caches, open_contact, store_contacts

pytestmark = pytest.mark.django_db

AUTH_FAILED = (
    "authentication failed because the ciphertext was altered, moved from "
    "another row or field, or the data key is wrong; restore the row from "
    "backup or extract the contact again"
)


def _reload(contact: Contact) -> Contact:
    return Contact.objects.get(pk=contact.pk)


def _set_blob(contact: Contact, blob: bytes) -> None:
    Contact.objects.filter(pk=contact.pk).update(encrypted_fields=blob)


def test_flipped_byte_fails_naming_contact_and_field(incident: Incident) -> None:
    (contact,) = store_contacts(incident, [make_record(1)])
    blob = bytearray(_reload(contact).encrypted_fields)
    blob[-1] ^= 0x01
    _set_blob(contact, bytes(blob))

    with pytest.raises(DecryptionFailed) as raised:
        open_contact(_reload(contact))

    assert str(raised.value) == (
        f"contact {contact.pk} field 'source_record_id' failed to decrypt: "
        + AUTH_FAILED
    )


def test_ciphertext_moved_to_other_row_fails(incident: Incident) -> None:
    first, second = store_contacts(incident, [make_record(1), make_record(2)])
    _set_blob(second, bytes(_reload(first).encrypted_fields))

    with pytest.raises(DecryptionFailed) as raised:
        open_contact(_reload(second))

    assert str(raised.value) == (
        f"contact {second.pk} field 'customer_id' failed to decrypt: " + AUTH_FAILED
    )


def test_ciphertext_moved_to_other_field_fails(incident: Incident) -> None:
    (contact,) = store_contacts(incident, [make_record(1)])
    blob = bytearray(_reload(contact).encrypted_fields)
    # The first segment is customer_id (code 1): relabel it as first_name.
    blob[1] = 2
    blob_bytes = bytes(blob)
    _set_blob(contact, blob_bytes)

    with pytest.raises(DecryptionFailed) as raised:
        open_contact(_reload(contact))

    assert raised.value.contact_id == contact.pk
    assert "failed to decrypt: authentication failed" in str(raised.value)


def test_removed_field_segment_fails(incident: Incident) -> None:
    (contact,) = store_contacts(incident, [make_record(1)])
    blob = bytes(_reload(contact).encrypted_fields)
    _, length = struct.unpack_from(">BI", blob, 1)
    without_first = blob[:1] + blob[1 + 5 + length :]
    _set_blob(contact, without_first)

    with pytest.raises(DecryptionFailed) as raised:
        open_contact(_reload(contact))

    assert str(raised.value) == (
        f"contact {contact.pk} field 'first_name' failed to decrypt: " + AUTH_FAILED
    )


def test_truncated_blob_fails_naming_field(incident: Incident) -> None:
    (contact,) = store_contacts(incident, [make_record(1)])
    _set_blob(contact, bytes(_reload(contact).encrypted_fields)[:30])

    with pytest.raises(DecryptionFailed) as raised:
        open_contact(_reload(contact))

    assert str(raised.value) == (
        f"contact {contact.pk} field 'customer_id' failed to decrypt: truncated "
        "ciphertext; restore the row from backup or extract the contact again"
    )


def test_wrong_master_key_fails_naming_incident_and_key(
    incident: Incident, monkeypatch: pytest.MonkeyPatch
) -> None:
    (contact,) = store_contacts(incident, [make_record(1)])
    stored_key_id = DataKey.objects.get(incident=incident).master_key_id
    monkeypatch.setenv("TOCSIN_MASTER_KEY", encode_key(b"\x07" * 32))
    clear_key_caches()
    current_id = load_local_provider().current_key_id()

    with pytest.raises(VaultKeyMissing) as raised:
        open_contact(_reload(contact))

    assert str(raised.value) == (
        f"incident {incident.pk}: master key '{stored_key_id}' is not available "
        f"(current key is '{current_id}'); restore its key file or list it in "
        "TOCSIN_MASTER_KEY_PREVIOUS"
    )


def test_altered_wrapped_key_fails_to_unwrap(incident: Incident) -> None:
    (contact,) = store_contacts(incident, [make_record(1)])
    row = DataKey.objects.get(incident=incident)
    wrapped = bytearray(row.wrapped_data_key)
    wrapped[-1] ^= 0x80
    DataKey.objects.filter(pk=row.pk).update(wrapped_data_key=bytes(wrapped))
    clear_key_caches()

    with pytest.raises(DataKeyUnwrapFailed) as raised:
        open_contact(_reload(contact))

    assert str(raised.value) == (
        f"the data key of incident {incident.pk} failed to unwrap under master "
        f"key '{row.master_key_id}': the master key is wrong or the wrapped key "
        "was altered; restore the master key file or the vault_datakey row from "
        "backup"
    )


def test_data_key_moved_to_other_incident_fails(incident: Incident) -> None:
    other = Incident.objects.create(name="Other", discovered_at=incident.discovered_at)
    store_contacts(incident, [make_record(1)])
    (contact,) = store_contacts(other, [make_record(2)])
    source = DataKey.objects.get(incident=incident)
    DataKey.objects.filter(incident=other).update(
        wrapped_data_key=source.wrapped_data_key,
        wrapped_index_key=source.wrapped_index_key,
    )
    clear_key_caches()

    with pytest.raises(DataKeyUnwrapFailed) as raised:
        open_contact(_reload(contact))

    assert raised.value.incident_id == other.pk

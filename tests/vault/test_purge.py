from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection

from tests.vault.conftest import make_record
from tocsin.audit.models import AuditEvent
from tocsin.incidents.models import Incident
from tocsin.testing.canary import find_markers, sqlite_files
from tocsin.vault import purge
from tocsin.vault.errors import DataKeyDestroyed, VaultPurgeStarted
from tocsin.vault.models import Contact, DataKey, PurgeSummary
from tocsin.vault.purge import (
    expired_incident_ids,
    purge_incident_vault,
    retention_ends_at,
)
from tocsin.vault.records import ContactRecord, Provenance
from tocsin.vault.store import find_contacts, open_contact, store_contacts

pytestmark = pytest.mark.django_db

COMPLETED = datetime(2026, 1, 10, tzinfo=UTC)


def _store_mixed(incident: Incident) -> list[Contact]:
    records = [
        make_record(1, country_code="US", province_code="CA"),
        make_record(2, country_code="US", province_code="CA"),
        make_record(3, country_code="DE", province_code=""),
        make_record(4, country_code="", province_code=""),
    ]
    return store_contacts(incident, records)


def test_purge_deletes_contacts(incident: Incident) -> None:
    _store_mixed(incident)

    report = purge_incident_vault(incident)

    assert report.contacts_deleted == 4
    assert Contact.objects.filter(incident=incident).count() == 0


def test_purge_destroys_data_key(incident: Incident) -> None:
    _store_mixed(incident)

    purge_incident_vault(incident)

    row = DataKey.objects.get(incident=incident)
    assert row.wrapped_data_key is None
    assert row.wrapped_index_key is None
    assert row.destroyed_at is not None


def test_purge_marks_incident_purged(incident: Incident) -> None:
    _store_mixed(incident)

    purge_incident_vault(incident)

    incident.refresh_from_db()
    assert incident.status == Incident.Status.PURGED
    assert incident.purged_at is not None


def test_purge_keeps_counts_by_residence(incident: Incident) -> None:
    _store_mixed(incident)

    report = purge_incident_vault(incident)

    expected = {"": 1, "DE": 1, "US-CA": 2}
    assert report.counts_by_residence == expected
    assert PurgeSummary.objects.get(incident=incident).counts_by_residence == expected


def test_purge_writes_audit_entry_with_counts(incident: Incident) -> None:
    _store_mixed(incident)

    purge_incident_vault(incident)

    event = AuditEvent.objects.get(action="vault.purged")
    assert event.incident_ref == str(incident.pk)
    assert event.payload["contact_count"] == 4
    assert event.payload["counts_by_residence"] == {"": 1, "DE": 1, "US-CA": 2}


def test_dry_run_changes_nothing(incident: Incident) -> None:
    _store_mixed(incident)

    report = purge_incident_vault(incident, dry_run=True)

    assert report.contact_count == 4
    assert report.data_key_destroyed is False
    assert Contact.objects.filter(incident=incident).count() == 4
    assert not PurgeSummary.objects.filter(incident=incident).exists()
    assert DataKey.objects.get(incident=incident).destroyed_at is None


def test_second_purge_reports_already_purged(incident: Incident) -> None:
    _store_mixed(incident)
    purge_incident_vault(incident)

    report = purge_incident_vault(incident)

    assert report.already_purged is True
    assert report.contact_count == 4
    assert AuditEvent.objects.filter(action="vault.purged").count() == 1


def test_interrupted_purge_resumes_with_first_counts(
    incident: Incident, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_mixed(incident)
    real_destroy = purge.destroy_data_key

    def crash(target: Incident) -> bool:
        raise RuntimeError("worker killed")

    monkeypatch.setattr(purge, "destroy_data_key", crash)
    monkeypatch.setenv("TOCSIN_PURGE_CHUNK_SIZE", "3")
    with pytest.raises(RuntimeError):
        purge_incident_vault(incident)
    monkeypatch.setattr(purge, "destroy_data_key", real_destroy)

    report = purge_incident_vault(incident)

    assert report.resumed is True
    assert report.contact_count == 4
    assert report.counts_by_residence == {"": 1, "DE": 1, "US-CA": 2}
    assert DataKey.objects.get(incident=incident).destroyed_at is not None


def test_purge_interrupted_between_chunks_resumes(
    incident: Incident, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_mixed(incident)
    real_delete = Contact.objects.filter(incident=incident).delete
    calls = []

    def delete_then_crash(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_delete.__func__(self, *args, **kwargs)

    monkeypatch.setenv("TOCSIN_PURGE_CHUNK_SIZE", "3")
    monkeypatch.setattr(type(Contact.objects.all()), "delete", delete_then_crash)
    with pytest.raises(RuntimeError):
        purge_incident_vault(incident)
    assert Contact.objects.filter(incident=incident).count() == 1
    assert DataKey.objects.get(incident=incident).destroyed_at is None

    report = purge_incident_vault(incident)

    assert report.contacts_deleted == 1
    assert report.contact_count == 4
    assert Contact.objects.filter(incident=incident).count() == 0


def test_store_during_purge_raises(
    incident: Incident, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store_mixed(incident)
    monkeypatch.setattr(purge, "destroy_data_key", lambda target: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        purge_incident_vault(incident)

    with pytest.raises(VaultPurgeStarted) as raised:
        store_contacts(incident, [make_record(9)])

    assert str(raised.value) == (
        f"a purge of incident {incident.pk}'s vault has started, so no contacts "
        f"can be stored; finish it with `tocsin purge --incident {incident.pk}` "
        "and open a new incident for new contacts"
    )


def test_store_after_purge_raises(incident: Incident) -> None:
    _store_mixed(incident)
    purge_incident_vault(incident)

    with pytest.raises(DataKeyDestroyed) as raised:
        store_contacts(incident, [make_record(9)])

    assert str(raised.value) == (
        f"the vault of incident {incident.pk} was purged and its data key "
        "destroyed; its contacts cannot be stored, searched or decrypted, so "
        "open a new incident for new contacts"
    )


def test_open_after_purge_raises(incident: Incident) -> None:
    contact = _store_mixed(incident)[0]
    purge_incident_vault(incident)

    with pytest.raises(DataKeyDestroyed):
        open_contact(contact)


def test_find_after_purge_raises(incident: Incident) -> None:
    _store_mixed(incident)
    purge_incident_vault(incident)

    with pytest.raises(DataKeyDestroyed):
        find_contacts(incident, email="ada1@example.com")


def test_retention_starts_when_notifications_complete(incident: Incident) -> None:
    incident.notifications_completed_at = COMPLETED
    incident.retention_days = 30

    assert retention_ends_at(incident) == COMPLETED + timedelta(days=30)


def test_expired_incidents_exclude_open_and_purged(incident: Incident) -> None:
    incident.notifications_completed_at = COMPLETED
    incident.retention_days = 30
    incident.save()
    still_open = Incident.objects.create(name="Open", discovered_at=COMPLETED)
    already = Incident.objects.create(
        name="Purged",
        discovered_at=COMPLETED,
        notifications_completed_at=COMPLETED,
        status=Incident.Status.PURGED,
    )

    expired = expired_incident_ids(COMPLETED + timedelta(days=31))

    assert expired == [incident.pk]
    assert still_open.pk not in expired
    assert already.pk not in expired


def test_incident_within_retention_is_not_expired(incident: Incident) -> None:
    incident.notifications_completed_at = COMPLETED
    incident.retention_days = 30
    incident.save()

    assert expired_incident_ids(COMPLETED + timedelta(days=29)) == []


def _vault_rows_as_text() -> bytes:
    # Every column of every vault row as the database renders it: the
    # PostgreSQL pass's view of what the tables hold.
    chunks = []
    with connection.cursor() as cursor:
        for table in ("vault_contact", "vault_datakey"):
            cursor.execute(f"SELECT * FROM {table}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value).hex().encode())
                        chunks.append(bytes(value))
                    else:
                        chunks.append(str(value).encode())
    return b"\n".join(chunks)


def _traces(contacts: list[Contact]) -> list[str]:
    # Values that exist only in the vault rows: provenance ids (plaintext
    # columns), blind indexes and the ciphertext in hex.
    traces = []
    for contact in contacts:
        saved = Contact.objects.get(pk=contact.pk)
        traces.append(saved.source_record_id)
        traces.append(saved.email_index)
        traces.append(bytes(saved.encrypted_fields)[-24:].hex())
    return traces


def _with_marker_ids(incident: Incident) -> list[Contact]:
    records = [
        ContactRecord(
            provenance=Provenance(
                "shopify-export", "customers.csv", f"purge-marker-{n}-q7zk", COMPLETED
            ),
            email=f"purge{n}@example.com",
        )
        for n in range(20)
    ]
    return store_contacts(incident, records)


@pytest.mark.django_db(transaction=True)
def test_purge_leaves_no_trace_in_vault_tables(incident: Incident) -> None:
    traces = _traces(_with_marker_ids(incident))
    assert find_markers([_vault_rows_as_text()], traces) != []

    purge_incident_vault(incident)

    assert find_markers([_vault_rows_as_text()], traces) == []


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_purge_removes_traces_from_sqlite_files(incident: Incident) -> None:
    contacts = _with_marker_ids(incident)
    traces = _traces(contacts)
    raw_ciphertexts = [bytes(c.encrypted_fields) for c in contacts]
    files = sqlite_files(connection.settings_dict["NAME"])
    assert find_markers(files, traces) != []

    purge_incident_vault(incident)

    assert find_markers(files, traces) == []
    contents = b"".join(path.read_bytes() for path in files if Path(path).exists())
    assert not any(blob[-16:] in contents for blob in raw_ciphertexts)
    assert Path(f"{connection.settings_dict['NAME']}-wal").stat().st_size == 0


def test_purge_of_incident_without_vault_marks_it_purged(incident: Incident) -> None:
    report = purge_incident_vault(incident)

    incident.refresh_from_db()
    assert report.contact_count == 0
    assert report.counts_by_residence == {}
    assert incident.status == Incident.Status.PURGED
    assert not DataKey.objects.filter(incident=incident).exists()

import logging

import pytest
from django.db import connection

from tests.vault.conftest import AS_OF
from tocsin.incidents.models import Incident
from tocsin.logs import JsonFormatter
from tocsin.testing.canary import find_markers, sqlite_files
from tocsin.vault.errors import DecryptionFailed
from tocsin.vault.models import Contact
from tocsin.vault.records import PERSONAL_FIELDS, ContactRecord, Provenance
from tocsin.vault.store import (
    find_contacts,
    open_contacts,
    person_reference,
    store_contacts,
)

CONTACTS = 25
# Source names are stored in plaintext by design: finding this one proves
# the search reads the place where the contacts landed.
CONTROL = "cnry-source-control"


def _marker(field: str, number: int) -> str:
    if field == "email":
        return f"cnry.{number}.q8vw@example.com"
    if field == "phone":
        return f"+1555017{number:04d}"
    return f"cnry-{field}-{number}-Jx9ü"


def _records() -> tuple[list[ContactRecord], list[str]]:
    records, markers = [], []
    for number in range(CONTACTS):
        values = {field: _marker(field, number) for field in PERSONAL_FIELDS}
        extra = {"note": _marker("extra", number)}
        # Sources use the customer's id as the record id, so it is sealed.
        record_id = _marker("record", number)
        markers.extend([*values.values(), *extra.values(), record_id])
        provenance = Provenance(CONTROL, "Contact", record_id, AS_OF)
        records.append(ContactRecord(provenance=provenance, extra=extra, **values))
    return records, markers


def _exercise_vault(incident: Incident, records: list[ContactRecord]) -> list[str]:
    # Everything a caller does with contacts, so any path that logs or
    # raises gets a chance to leak.
    stored = store_contacts(incident, records)
    open_contacts(Contact.objects.filter(incident=incident))
    list(find_contacts(incident, email=records[0].email, phone=records[0].phone))
    person_reference(records[1].email)
    broken = stored[2]
    Contact.objects.filter(pk=broken.pk).update(encrypted_fields=b"\x01garbage")
    try:
        open_contacts([Contact.objects.get(pk=broken.pk)])
    except DecryptionFailed as error:
        return [str(error), repr(error)]
    raise AssertionError("altered contact opened without error")


def _logged_text(caplog: pytest.LogCaptureFixture) -> bytes:
    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    lines += [record.getMessage() for record in caplog.records]
    return "\n".join(lines).encode()


def _vault_rows() -> bytes:
    chunks = []
    with connection.cursor() as cursor:
        for table in ("vault_contact", "vault_datakey", "vault_installationkey"):
            cursor.execute(f"SELECT * FROM {table}")
            chunks.extend(repr(row).encode() for row in cursor.fetchall())
    return b"\n".join(chunks)


@pytest.mark.django_db(transaction=True)
def test_markers_absent_from_tables_logs_and_errors(
    incident: Incident, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    records, markers = _records()

    errors = _exercise_vault(incident, records)

    assert caplog.records, "the vault logged nothing, so the log check is empty"
    assert find_markers([_vault_rows()], [CONTROL]) != []
    sources = [_vault_rows(), _logged_text(caplog)] + [e.encode() for e in errors]
    assert find_markers(sources, markers) == []


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_markers_absent_from_sqlite_files(incident: Incident) -> None:
    records, markers = _records()

    _exercise_vault(incident, records)

    files = sqlite_files(connection.settings_dict["NAME"])
    assert find_markers(files, [CONTROL]) != []
    assert find_markers(files, markers) == []

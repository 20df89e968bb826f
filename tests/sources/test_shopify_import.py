from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, write_csv
from tocsin.audit.models import AuditEvent
from tocsin.incidents.models import FileImport, Incident
from tocsin.sources.errors import UnknownExportLayout
from tocsin.sources.imports import import_customers
from tocsin.sources.shopify import read_shopify_export
from tocsin.vault.models import Contact
from tocsin.vault.store import find_contacts, open_contact

AS_OF = datetime(2026, 11, 21, tzinfo=UTC)
HEADER = (
    "Customer ID,First Name,Last Name,Email,Default Address Address1,"
    "Default Address City,Default Address Province Code,"
    "Default Address Country Code,Default Address Zip,Phone\n"
)
GOOD_ROW = (
    "101,Ada,Lovelace,Ada@Example.com,1 Main St,Austin,tx,US,78701,(512) 555-0101\n"
)


def test_sample_export_reads_every_customer() -> None:
    result = read_shopify_export(SAMPLES / "shopify_customers.csv", "shop", AS_OF)

    assert len(result.contacts) == 5000
    assert result.rejected == []


def test_contact_fields_are_normalized(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", HEADER + GOOD_ROW)

    contact = read_shopify_export(path, "shop", AS_OF).contacts[0]

    assert contact.email == "ada@example.com"
    assert contact.phone == "+15125550101"
    assert contact.province_code == "TX"


def test_older_export_layout_is_accepted(tmp_path: Path) -> None:
    header = "First Name,Last Name,Email,Address1,City,Province Code,Country Code,Zip\n"
    path = write_csv(
        tmp_path / "c.csv", header + "Ada,Lovelace,a@example.com,1 St,X,CA,US,90001\n"
    )

    result = read_shopify_export(path, "shop", AS_OF)

    assert result.contacts[0].province_code == "CA"


def test_unknown_layout_names_missing_columns(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "woo.csv", "user_email,billing_first_name\nx@example.com,Ada\n"
    )

    with pytest.raises(UnknownExportLayout) as raised:
        read_shopify_export(path, "shop", AS_OF)

    assert str(raised.value) == (
        "file 'woo.csv' is not a Shopify customer export: missing columns "
        "First Name, Last Name, Email; export customers from Shopify admin "
        "(Customers > Export)"
    )


def test_bad_rows_are_rejected_with_row_numbers(tmp_path: Path) -> None:
    rows = (
        GOOD_ROW
        + ",,,,,,,,,\n"
        + "102,Bo,Li,not-an-email,,,,,,\n"
        + "101,Ada,L,a2@example.com,2 St,X,TX,US,78701,\n"
    )
    path = write_csv(tmp_path / "c.csv", HEADER + rows)

    result = read_shopify_export(path, "shop", AS_OF)

    assert [c.customer_id for c in result.contacts] == ["101"]
    assert [(r.row_number, r.reason) for r in result.rejected] == [
        (4, "has an invalid email and no postal address, so no notice can reach it"),
        (5, "repeats the customer id of row 2"),
    ]


def test_invalid_email_with_address_is_kept_with_warning(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv", HEADER + "103,Cy,Ng,bad@,3 St,Reno,NV,US,89501,\n"
    )

    result = read_shopify_export(path, "shop", AS_OF)

    assert result.contacts[0].email == ""
    assert (
        result.warnings[0].reason
        == "email is not a valid address; kept for postal notice"
    )


def test_cp1252_export_keeps_accented_names(tmp_path: Path) -> None:
    row = "104,Zoë,Müller,zoe@example.com,4 St,Miami,FL,US,33101,\n"
    path = write_csv(tmp_path / "c.csv", HEADER + row, "cp1252")

    result = read_shopify_export(path, "shop", AS_OF)

    assert result.encoding == "cp1252"
    assert result.contacts[0].last_name == "Müller"


def test_import_stores_contacts_in_the_vault(
    tmp_path: Path, incident: Incident
) -> None:
    path = write_csv(tmp_path / "c.csv", HEADER + GOOD_ROW)

    import_customers(incident, path, exported_at=AS_OF)

    contact = find_contacts(incident, email="ada@example.com").get()
    assert open_contact(contact).last_name == "Lovelace"


def test_reimporting_the_same_file_stores_nothing_new(
    tmp_path: Path, incident: Incident
) -> None:
    path = write_csv(tmp_path / "c.csv", HEADER + GOOD_ROW)

    first = import_customers(incident, path, exported_at=AS_OF)
    second = import_customers(incident, path, exported_at=AS_OF)

    assert second.pk == first.pk
    assert Contact.objects.filter(incident=incident).count() == 1


def test_updated_export_adds_only_new_customers(
    tmp_path: Path, incident: Incident
) -> None:
    import_customers(incident, write_csv(tmp_path / "a.csv", HEADER + GOOD_ROW))
    extra = "105,Di,Fe,di@example.com,5 St,Boise,ID,US,83702,\n"

    import_customers(incident, write_csv(tmp_path / "b.csv", HEADER + GOOD_ROW + extra))

    assert Contact.objects.filter(incident=incident).count() == 2


def test_import_records_rejections_without_values(
    tmp_path: Path, incident: Incident
) -> None:
    path = write_csv(
        tmp_path / "c.csv", HEADER + GOOD_ROW + "106,Ed,Ox,secret-marker,,,,,,\n"
    )

    file_import = import_customers(incident, path)

    assert file_import.rows_rejected == 1
    assert "secret-marker" not in str(file_import.rejections)


def test_import_writes_an_audit_event(tmp_path: Path, incident: Incident) -> None:
    import_customers(incident, write_csv(tmp_path / "c.csv", HEADER + GOOD_ROW))

    event = AuditEvent.objects.get(action="customers.imported")
    assert event.payload["contacts_stored"] == 1


def test_layout_error_imports_nothing(tmp_path: Path, incident: Incident) -> None:
    path = write_csv(tmp_path / "c.csv", "Email\nx@example.com\n")

    with pytest.raises(UnknownExportLayout):
        import_customers(incident, path)

    assert FileImport.objects.count() == 0
    assert Contact.objects.count() == 0


def test_missing_state_is_derived_from_zip(tmp_path: Path) -> None:
    row = "107,Gu,Ha,gu@example.com,7 St,Austin,,US,78701,\n"
    path = write_csv(tmp_path / "c.csv", HEADER + row)

    result = read_shopify_export(path, "shop", AS_OF)

    assert result.contacts[0].province_code == "TX"
    assert result.warnings[0].reason == "province_code: derived from postal_code"

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tocsin.compliance.errors import InvalidIRExport
from tocsin.compliance.irexport import read_ir_export

RECORD = {
    "incident_id": "IR-2041",
    "name": "Checkout skimmer",
    "discovered_at": "2026-11-28T09:30:00",
    "timezone": "America/Chicago",
    "contained_at": "2026-11-29T12:00:00-06:00",
    "data_elements": ["name", "email", "card_number"],
    "systems_affected": ["checkout", "cdn"],
    "data_encrypted": False,
    "playbook_url": "https://wiki.example.com/ir/skimmer",
}
CSV_HEADER = (
    "incident_id,name,discovered_at,timezone,data_elements,systems_affected,"
    "data_encrypted,key_compromised,playbook_url\n"
)


def write_json(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    return path


def invalid_message(tmp_path: Path, **changes: object) -> str:
    path = write_json(tmp_path, [RECORD | changes])
    with pytest.raises(InvalidIRExport) as raised:
        read_ir_export(path)
    return str(raised.value)


def test_json_record_is_parsed(tmp_path: Path) -> None:
    [incident] = read_ir_export(write_json(tmp_path, {"incidents": [RECORD]}))

    assert incident.external_id == "IR-2041"
    assert incident.exposed_elements == ["card_number", "email", "name"]
    assert incident.systems_affected == ["checkout", "cdn"]


def test_time_without_offset_uses_record_timezone(tmp_path: Path) -> None:
    [incident] = read_ir_export(write_json(tmp_path, RECORD))

    assert incident.discovered_at.astimezone(UTC) == datetime(
        2026, 11, 28, 15, 30, tzinfo=UTC
    )


def test_csv_export_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        CSV_HEADER + "IR-7,Card test,2026-11-01T08:00:00+00:00,UTC,"
        "email;ssn,crm;shop,yes,no,\n"
    )

    [incident] = read_ir_export(path)

    assert incident.exposed_elements == ["email", "ssn"]
    assert incident.systems_affected == ["crm", "shop"]
    assert incident.data_encrypted is True
    assert incident.key_compromised is False


def test_unknown_element_codes_are_named(tmp_path: Path) -> None:
    message = invalid_message(tmp_path, data_elements=["email", "ssn_full"])

    assert message.startswith(
        "IR export export.json is invalid:\n  record 1: unknown data element"
        " codes 'ssn_full'; use codes from account_number, biometric,"
    )


def test_bad_date_is_named_with_example(tmp_path: Path) -> None:
    message = invalid_message(tmp_path, discovered_at="28/11/2026")

    assert message == (
        "IR export export.json is invalid:\n  record 1: discovered_at"
        " '28/11/2026' is not an ISO 8601 date-time; write it like"
        " 2026-11-30T14:05:00+00:00"
    )


def test_future_discovery_is_rejected(tmp_path: Path) -> None:
    message = invalid_message(tmp_path, discovered_at="2999-01-01T00:00:00+00:00")

    assert "discovered_at '2999-01-01T00:00:00+00:00' is in the future" in message


def test_missing_fields_are_listed(tmp_path: Path) -> None:
    message = invalid_message(tmp_path, name="", data_elements=[])

    assert message == (
        "IR export export.json is invalid:\n  record 1: missing name,"
        " data_elements; add the field to every record"
    )


def test_unknown_timezone_is_named(tmp_path: Path) -> None:
    message = invalid_message(tmp_path, timezone="Mars/Olympus")

    assert message.endswith(
        "record 1: timezone 'Mars/Olympus' is not an IANA time zone name; use a"
        " name such as UTC or America/Chicago"
    )


def test_non_boolean_flag_is_named(tmp_path: Path) -> None:
    message = invalid_message(tmp_path, key_compromised="maybe")

    assert message.endswith("record 1: key_compromised 'maybe' is not true or false")


def test_non_http_playbook_link_is_rejected(tmp_path: Path) -> None:
    message = invalid_message(tmp_path, playbook_url="file:///etc/passwd")

    assert "playbook_url 'file:///etc/passwd' is not an http or https link" in (message)


def test_every_bad_record_is_reported(tmp_path: Path) -> None:
    path = write_json(
        tmp_path, [RECORD | {"name": ""}, RECORD, RECORD | {"timezone": "X"}]
    )

    with pytest.raises(InvalidIRExport) as raised:
        read_ir_export(path)

    lines = str(raised.value).splitlines()
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "record 1",
        "record 3",
    ]


def test_malformed_json_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text("{not json")

    with pytest.raises(InvalidIRExport, match="is not valid JSON"):
        read_ir_export(path)


def test_missing_file_names_path(tmp_path: Path) -> None:
    missing = tmp_path / "none.json"

    with pytest.raises(InvalidIRExport) as raised:
        read_ir_export(missing)

    assert str(raised.value) == (
        f"IR export file {missing} not found; pass the path of the JSON or CSV"
        " file exported from the IR tool"
    )


def test_other_extension_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_text("<x/>")

    with pytest.raises(InvalidIRExport) as raised:
        read_ir_export(path)

    assert str(raised.value) == (
        "IR export export.xml has extension '.xml'; export it from the IR tool"
        " as .json or .csv"
    )


def test_json_scalar_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidIRExport, match="must contain an object, a list"):
        read_ir_export(write_json(tmp_path, 42))


def test_empty_export_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InvalidIRExport) as raised:
        read_ir_export(write_json(tmp_path, []))

    assert str(raised.value) == "IR export export.json contains no incident records"

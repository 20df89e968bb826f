"""Reading incident response (IR) tool exports, in JSON or CSV.

Each record names one incident with these fields (CSV columns have the same
names; list fields are separated by ``;`` in CSV):

- ``incident_id``: the IR tool's own id (required)
- ``name``: a short incident name, no personal data (required)
- ``discovered_at``: ISO 8601 date-time (required)
- ``contained_at``: ISO 8601 date-time (optional)
- ``timezone``: IANA zone of times given without an offset (default UTC)
- ``data_elements``: exposed data element codes (required, at least one)
- ``systems_affected``: names of affected systems (optional)
- ``data_encrypted``, ``key_compromised``: true or false (default false)
- ``playbook_url``: http(s) link to the IR playbook (optional)

Every record is checked before anything is stored, and every problem is
reported at once, with its record number, so one corrected file imports.
"""

import csv
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.utils import timezone

from tocsin.compliance.errors import InvalidComplianceInput, InvalidIRExport
from tocsin.compliance.parsing import parse_datetime, parse_timezone
from tocsin.incidents.elements import ELEMENT_CODES, parse_elements

REQUIRED_FIELDS = ("incident_id", "name", "discovered_at", "data_elements")
TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0", ""})


@dataclass(frozen=True)
class IRIncident:
    """One incident read from an IR export, validated."""

    external_id: str
    name: str
    discovered_at: datetime
    contained_at: datetime | None
    timezone_name: str
    exposed_elements: list[str]
    systems_affected: list[str]
    data_encrypted: bool
    key_compromised: bool
    playbook_url: str


def read_ir_export(path: Path) -> list[IRIncident]:
    """Return the validated incidents of a JSON or CSV IR export.

    Raises ``InvalidIRExport`` listing every problem with its record number.
    """
    records = _load_records(path)
    if not records:
        raise InvalidIRExport(f"IR export {path.name} contains no incident records")
    incidents: list[IRIncident] = []
    problems: list[str] = []
    for number, record in enumerate(records, start=1):
        try:
            incidents.append(_parse_record(record))
        except InvalidComplianceInput as error:
            problems.append(f"record {number}: {error}")
    if problems:
        listed = "\n  ".join(problems)
        raise InvalidIRExport(f"IR export {path.name} is invalid:\n  {listed}")
    return incidents


def _load_records(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InvalidIRExport(
            f"IR export file {path} not found; pass the path of the JSON or CSV"
            " file exported from the IR tool"
        )
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _load_json(path)
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as source:
            return list(csv.DictReader(source))
    raise InvalidIRExport(
        f"IR export {path.name} has extension '{path.suffix}'; export it from"
        " the IR tool as .json or .csv"
    )


def _load_json(path: Path) -> list[dict[str, Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InvalidIRExport(
            f"IR export {path.name} is not valid JSON ({error}); export it again"
        ) from None
    if isinstance(document, dict) and "incidents" in document:
        document = document["incidents"]
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list) or not all(
        isinstance(record, dict) for record in document
    ):
        raise InvalidIRExport(
            f"IR export {path.name} must contain an object, a list of objects or"
            ' {"incidents": [...]}'
        )
    return document


def _parse_record(record: dict[str, Any]) -> IRIncident:
    missing = [f for f in REQUIRED_FIELDS if not str(record.get(f) or "").strip()]
    if missing:
        raise InvalidComplianceInput(
            f"missing {', '.join(missing)}; add the field to every record"
        )
    zone_name = str(record.get("timezone") or "UTC").strip()
    zone = parse_timezone(zone_name)
    discovered = parse_datetime(record["discovered_at"], "discovered_at", zone)
    if discovered > timezone.now():
        raise InvalidComplianceInput(
            f"discovered_at '{record['discovered_at']}' is in the future; check"
            " the date and its time zone"
        )
    contained = None
    if str(record.get("contained_at") or "").strip():
        contained = parse_datetime(record["contained_at"], "contained_at", zone)
    return IRIncident(
        external_id=_text(record["incident_id"], "incident_id", 120),
        name=_text(record["name"], "name", 200),
        discovered_at=discovered,
        contained_at=contained,
        timezone_name=zone_name,
        exposed_elements=_elements(record["data_elements"]),
        systems_affected=_list(record.get("systems_affected")),
        data_encrypted=_boolean(record.get("data_encrypted"), "data_encrypted"),
        key_compromised=_boolean(record.get("key_compromised"), "key_compromised"),
        playbook_url=_url(record.get("playbook_url")),
    )


def _text(value: Any, field: str, max_length: int) -> str:
    text = str(value).strip()
    if len(text) > max_length:
        raise InvalidComplianceInput(
            f"{field} is {len(text)} characters long; shorten it to at most"
            f" {max_length}"
        )
    return text


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return [item.strip() for item in str(value).split(";") if item.strip()]


def _elements(value: Any) -> list[str]:
    text = ";".join(value) if isinstance(value, list) else str(value)
    known, unknown = parse_elements(text)
    if unknown:
        quoted = ", ".join(f"'{code}'" for code in unknown)
        raise InvalidComplianceInput(
            f"unknown data element codes {quoted}; use codes from"
            f" {', '.join(sorted(ELEMENT_CODES))}"
        )
    if not known:
        raise InvalidComplianceInput(
            "data_elements names no codes; list at least one exposed data element"
        )
    return sorted(element.value for element in known)


def _boolean(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value if value is not None else "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise InvalidComplianceInput(f"{field} '{value}' is not true or false")


def _url(value: Any) -> str:
    url = str(value or "").strip()
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InvalidComplianceInput(
            f"playbook_url '{url}' is not an http or https link; give the"
            " playbook's full address"
        )
    if len(url) > 500:
        raise InvalidComplianceInput(
            "playbook_url is longer than 500 characters; link a shorter address"
        )
    return url

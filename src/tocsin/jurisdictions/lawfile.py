"""One law file: its typed form and the checks that guard it.

A law file is YAML validated against ``law.schema.json``. Further checks
cover what the schema cannot express. Every data element code must be a
``DataElement`` and the file name must match the id. The time zone and the
holiday calendar must exist, and company flags must be CompanyProfile
fields.
Every error names the file, the field and the fix.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import jsonschema
import yaml

from tocsin.incidents.elements import ELEMENT_CODES, DataElement
from tocsin.jurisdictions.errors import LawFileError
from tocsin.jurisdictions.facts import COMPANY_FLAGS


@dataclass(frozen=True)
class Source:
    """A document the reviewer read, with the date it was read."""

    title: str
    url: str
    read_on: dt.date


@dataclass(frozen=True)
class DeadlineRule:
    """When a notice is due, as the law file states it."""

    kind: str
    amount: int | None = None
    unit: str | None = None
    clock_start: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class ElementCombination:
    """Elements that are personal information when all are exposed."""

    label: str
    elements: frozenset[DataElement]


@dataclass(frozen=True)
class EncryptionException:
    """The safe harbor for encrypted (and possibly redacted) data."""

    applies: bool
    key_compromise_defeats: bool
    includes_redaction: bool
    excuses_regulator_notice: bool = True


@dataclass(frozen=True)
class RiskOfHarmException:
    """The exception for a documented finding that harm is not likely."""

    applies: bool
    must_document: bool
    retention_years: int | None
    notify_regulator_of_determination: bool


@dataclass(frozen=True)
class SubstituteNotice:
    """When notice by website and media may replace individual notice."""

    allowed: bool
    cost_over: int | None
    count_over: int | None
    currency: str
    methods: tuple[str, ...]


@dataclass(frozen=True)
class IndividualNoticeRule:
    """The duty to notify affected people."""

    trigger: str
    deadline: DeadlineRule
    law_enforcement_delay: bool
    methods: tuple[str, ...]
    substitute_notice: SubstituteNotice
    required_content: tuple[str, ...]
    forbidden_content: tuple[str, ...]


@dataclass(frozen=True)
class NoticeRule:
    """A notice to a regulator, consumer reporting agencies or media."""

    recipient_kind: str
    recipient: str
    min_affected: int
    max_affected: int | None
    count_basis: str
    count_scope: str
    trigger: str
    deadline: DeadlineRule
    order_constraint: str
    form: str
    citation: str


@dataclass(frozen=True)
class RecordKeeping:
    """A duty to keep a record of every breach, notified or not."""

    required: bool
    retention_months: int | None
    note: str


@dataclass(frozen=True)
class Law:
    """One jurisdiction's breach-notification law, loaded from its file."""

    id: str
    name: str
    scope: str
    residences: tuple[str, ...]
    applies_when: tuple[str, ...]
    citation: str
    effective_date: dt.date
    version: str
    last_reviewed: dt.date
    reviewer: str
    confidence: str
    confidence_reason: str
    sources: tuple[Source, ...]
    time_zone: str
    time_zone_note: str
    holiday_country: str
    holiday_subdivision: str | None
    any_personal_data: bool
    combinations: tuple[ElementCombination, ...]
    encryption: EncryptionException
    risk_of_harm: RiskOfHarmException
    good_faith_employee: bool
    federal_regulator_compliance: bool
    individual_notice: IndividualNoticeRule | None
    notices: tuple[NoticeRule, ...]
    record_keeping: RecordKeeping | None
    sha256: str
    path: str
    origin: str

    @property
    def zone(self) -> ZoneInfo:
        """The jurisdiction's time zone, in which its deadlines end."""
        return ZoneInfo(self.time_zone)


# The libyaml-based loader is much faster than the pure-Python one. PyYAML
# builds without libyaml lack it, so fall back.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Parsed laws keyed by (sha256 of the file, path, origin): the same bytes
# always give the same Law, so repeated loads skip parsing and validation.
_PARSED_LAWS: dict[tuple[str, str, str], "Law"] = {}


@cache
def law_schema() -> dict[str, Any]:
    """Return the law file JSON Schema bundled with this package."""
    text = resources.files(__package__).joinpath("law.schema.json").read_text()
    return json.loads(text)


@cache
def law_validator() -> jsonschema.Draft202012Validator:
    """Return a validator for the law schema that also checks date formats."""
    return jsonschema.Draft202012Validator(
        law_schema(), format_checker=jsonschema.FormatChecker()
    )


def parse_law_file(path: Path, origin: str) -> Law:
    """Read, validate and return the law in ``path``.

    Raises LawFileError naming the file, the field and the fix when the file
    cannot be read or fails any check.
    """
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    cache_key = (digest, str(path), origin)
    if cache_key in _PARSED_LAWS:
        return _PARSED_LAWS[cache_key]
    try:
        document = yaml.load(raw, Loader=SAFE_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise LawFileError(
            f"{path.name}: invalid YAML{where}; fix the syntax and run "
            "'tocsin rules check'"
        ) from None
    if not isinstance(document, dict):
        raise LawFileError(f"{path.name}: not a mapping; start the file with 'id:'")
    document = _dates_to_text(document)
    problems = validate_document(document, path.stem)
    if problems:
        raise LawFileError("\n".join(f"{path.name}: {text}" for text in problems))
    law = _build_law(document, digest, str(path), origin)
    _PARSED_LAWS[cache_key] = law
    return law


def validate_document(document: Mapping[str, Any], stem: str) -> list[str]:
    """Return every problem in a parsed law document, each with its fix."""
    errors = sorted(law_validator().iter_errors(document), key=lambda e: list(e.path))
    problems = [_describe_schema_error(error) for error in errors]
    if problems:
        return problems
    return _check_semantics(document, stem)


def _describe_schema_error(error: jsonschema.ValidationError) -> str:
    where = ".".join(str(part) for part in error.absolute_path) or "(top level)"
    if error.validator == "required":
        missing = error.message.split("'")[1]
        field = f"{where}.{missing}" if error.absolute_path else missing
        return f"missing required field '{field}'; {_fix_for(missing)}"
    if error.validator == "additionalProperties":
        return f"{where}: {error.message}; remove it or fix its spelling"
    if error.validator == "enum":
        allowed = ", ".join(str(value) for value in error.validator_value)
        return f"{where}: {error.instance!r} is not allowed; use one of: {allowed}"
    return f"{where}: {error.message}; see law.schema.json"


def _fix_for(field: str) -> str:
    fixes = {
        "citation": "add the statute section, e.g. 'Cal. Civ. Code § 1798.82'",
        "sources": "list each document read, with title, url and read_on",
        "confidence": "add level (high, medium or low) and the reason",
        "last_reviewed": "add the date of the last legal review",
        "version": "add a version string and change it on every edit",
    }
    return fixes.get(field, "add it as described in law.schema.json")


def _check_semantics(document: Mapping[str, Any], stem: str) -> list[str]:
    problems = []
    if document["id"] != stem:
        problems.append(
            f"id '{document['id']}' does not match the file name; "
            f"rename the file to {document['id']}.yaml"
        )
    problems += _check_elements(document["personal_information"]["combinations"])
    problems += _check_flags(document.get("applies_when", []))
    try:
        ZoneInfo(document["time_zone"])
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            f"time_zone: unknown zone '{document['time_zone']}'; "
            "use an IANA name such as 'America/Chicago'"
        )
    problems += _check_holidays(document["holidays"])
    if document["scope"] == "residence" and not document["residences"]:
        problems.append("residences: empty; list the residence codes this law covers")
    return problems


def _check_elements(combinations: list[Mapping[str, Any]]) -> list[str]:
    problems = []
    for index, combination in enumerate(combinations):
        for code in combination["elements"]:
            if code not in ELEMENT_CODES:
                problems.append(
                    f"personal_information.combinations.{index}: unknown data "
                    f"element code '{code}'; use a code from "
                    "tocsin.incidents.elements.DataElement"
                )
    return problems


def _check_flags(flags: list[str]) -> list[str]:
    return [
        f"applies_when: unknown company flag '{flag}'; use a CompanyProfile field"
        for flag in flags
        if flag.lstrip("!") not in COMPANY_FLAGS
    ]


def _check_holidays(calendar: Mapping[str, str]) -> list[str]:
    country = calendar["country"]
    subdivision = calendar.get("subdivision")
    supported = holidays.list_supported_countries()
    if country not in supported:
        return [f"holidays.country: no calendar for '{country}'; use an ISO code"]
    if subdivision is not None and subdivision not in supported[country]:
        return [
            f"holidays.subdivision: '{subdivision}' is not a subdivision of "
            f"{country} in the holidays package; remove it or correct it"
        ]
    return []


def _dates_to_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _dates_to_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_to_text(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _build_law(document: Mapping[str, Any], digest: str, path: str, origin: str) -> Law:
    information = document["personal_information"]
    exceptions = document["exceptions"]
    confidence = document["confidence"]
    return Law(
        id=document["id"],
        name=document["name"],
        scope=document["scope"],
        residences=tuple(document["residences"]),
        applies_when=tuple(document.get("applies_when", [])),
        citation=document["citation"],
        effective_date=dt.date.fromisoformat(document["effective_date"]),
        version=str(document["version"]),
        last_reviewed=dt.date.fromisoformat(document["last_reviewed"]),
        reviewer=document["reviewer"],
        confidence=confidence["level"],
        confidence_reason=confidence["reason"],
        sources=tuple(_build_source(source) for source in document["sources"]),
        time_zone=document["time_zone"],
        time_zone_note=document.get("time_zone_note", ""),
        holiday_country=document["holidays"]["country"],
        holiday_subdivision=document["holidays"].get("subdivision"),
        any_personal_data=information.get("any_personal_data", False),
        combinations=tuple(
            ElementCombination(
                label=item["label"],
                elements=frozenset(DataElement(code) for code in item["elements"]),
            )
            for item in information["combinations"]
        ),
        encryption=EncryptionException(**_without_note(exceptions["encryption"])),
        risk_of_harm=_build_risk(exceptions["risk_of_harm"]),
        good_faith_employee=exceptions["good_faith_employee"],
        federal_regulator_compliance=exceptions["federal_regulator_compliance"],
        individual_notice=_build_individual(document["individual_notice"]),
        notices=tuple(_build_notice(item) for item in document["notices"]),
        record_keeping=_build_record_keeping(document.get("record_keeping")),
        sha256=digest,
        path=path,
        origin=origin,
    )


def _without_note(section: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in section.items() if key != "note"}


def _build_source(source: Mapping[str, str]) -> Source:
    read_on = dt.date.fromisoformat(source["read_on"])
    return Source(title=source["title"], url=source["url"], read_on=read_on)


def _build_risk(section: Mapping[str, Any]) -> RiskOfHarmException:
    return RiskOfHarmException(
        applies=section["applies"],
        must_document=section["must_document"],
        retention_years=section.get("retention_years"),
        notify_regulator_of_determination=section.get(
            "notify_regulator_of_determination", False
        ),
    )


def _build_deadline(section: Mapping[str, Any]) -> DeadlineRule:
    return DeadlineRule(**section)


def _build_individual(section: Mapping[str, Any] | None) -> IndividualNoticeRule | None:
    if section is None:
        return None
    substitute = section["substitute_notice"]
    return IndividualNoticeRule(
        trigger=section["trigger"],
        deadline=_build_deadline(section["deadline"]),
        law_enforcement_delay=section["law_enforcement_delay"],
        methods=tuple(section["methods"]),
        substitute_notice=SubstituteNotice(
            allowed=substitute["allowed"],
            cost_over=substitute.get("cost_over"),
            count_over=substitute.get("count_over"),
            currency=substitute.get("currency", "USD"),
            methods=tuple(substitute.get("methods", [])),
        ),
        required_content=tuple(section["required_content"]),
        forbidden_content=tuple(section["forbidden_content"]),
    )


def _build_record_keeping(section: Mapping[str, Any] | None) -> RecordKeeping | None:
    if section is None:
        return None
    return RecordKeeping(
        required=section["required"],
        retention_months=section.get("retention_months"),
        note=section.get("note", ""),
    )


def _build_notice(section: Mapping[str, Any]) -> NoticeRule:
    return NoticeRule(
        recipient_kind=section["recipient_kind"],
        recipient=section["recipient"],
        min_affected=section["min_affected"],
        max_affected=section.get("max_affected"),
        count_basis=section.get("count_basis", "notified"),
        count_scope=section.get("count_scope", "total"),
        trigger=section.get("trigger", "breach"),
        deadline=_build_deadline(section["deadline"]),
        order_constraint=section.get("order_constraint", ""),
        form=section.get("form", ""),
        citation=section["citation"],
    )


def mark_reviewed_text(text: str, reviewed_on: dt.date, reviewer: str) -> str:
    """Return law-file text with new review fields and a review version suffix.

    Only the ``last_reviewed``, ``reviewer`` and ``version`` lines change, so
    comments and layout survive. The version gains ``+reviewed.<date>``
    because the file content, and so its sha256, changes.
    """
    lines = text.splitlines(keepends=True)
    replaced = set()
    for index, line in enumerate(lines):
        key = line.split(":", 1)[0]
        if key == "last_reviewed":
            lines[index] = f"last_reviewed: {reviewed_on.isoformat()}\n"
        elif key == "reviewer":
            lines[index] = f"reviewer: {json.dumps(reviewer)}\n"
        elif key == "version":
            base = line.split(":", 1)[1].strip().strip("'\"").split("+reviewed.")[0]
            lines[index] = f"version: {base}+reviewed.{reviewed_on.isoformat()}\n"
        else:
            continue
        replaced.add(key)
    missing = {"last_reviewed", "reviewer", "version"} - replaced
    if missing:
        raise LawFileError(
            f"law file has no top-level {', '.join(sorted(missing))} line; "
            "add it before marking the file reviewed"
        )
    return "".join(lines)

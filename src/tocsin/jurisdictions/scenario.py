"""Read incident facts and person groups from a JSON scenario document.

A scenario is what ``tocsin rules assess`` reads, and what-if tools can
build in memory::

    {
      "incident": {
        "discovered_at": "2026-03-02T10:00:00-05:00",
        "determined_at": null,
        "is_encrypted": false,
        "is_key_compromised": false,
        "risk_finding": "not_assessed",
        "company": {"is_glba_financial_institution": false}
      },
      "groups": [
        {"key": "batch-1", "residence": "US-CA", "exposed": ["name", "ssn"],
         "count": 120}
      ]
    }

Times must carry a UTC offset. Unknown fields are rejected so a typo cannot
silently drop a fact.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from tocsin.jurisdictions.errors import AssessmentInputError
from tocsin.jurisdictions.facts import (
    CompanyProfile,
    IncidentFacts,
    PersonGroup,
    RiskFinding,
    to_elements,
)

TIME_FIELDS = (
    "discovered_at",
    "determined_at",
    "vendor_notified_at",
    "law_enforcement_cleared_at",
)
INCIDENT_FIELDS = frozenset(item.name for item in fields(IncidentFacts))
COMPANY_FIELDS = frozenset(item.name for item in fields(CompanyProfile))
GROUP_FIELDS = frozenset({"key", "residence", "exposed", "count"})


def parse_scenario(
    document: Mapping[str, Any],
) -> tuple[IncidentFacts, list[PersonGroup]]:
    """Return the incident facts and person groups a scenario describes.

    Raises AssessmentInputError naming the field and the fix.
    """
    _reject_unknown(document, {"incident", "groups"}, "scenario")
    if "incident" not in document:
        raise AssessmentInputError("scenario has no 'incident'; add the incident facts")
    incident = parse_incident(document["incident"])
    raw_groups = document.get("groups", [])
    if not isinstance(raw_groups, list):
        raise AssessmentInputError("scenario 'groups' must be a list of groups")
    return incident, [parse_group(item, index) for index, item in enumerate(raw_groups)]


def parse_incident(section: Mapping[str, Any]) -> IncidentFacts:
    """Return IncidentFacts from the scenario's ``incident`` section."""
    _reject_unknown(section, INCIDENT_FIELDS, "incident")
    values = dict(section)
    for name in TIME_FIELDS:
        if values.get(name) is not None:
            values[name] = _parse_time(values[name], name)
    if "discovered_at" not in values:
        raise AssessmentInputError(
            "incident has no 'discovered_at'; add the discovery time with a UTC offset"
        )
    if "risk_finding" in values:
        try:
            values["risk_finding"] = RiskFinding(values["risk_finding"])
        except ValueError:
            allowed = ", ".join(item.value for item in RiskFinding)
            raise AssessmentInputError(
                f"incident.risk_finding '{values['risk_finding']}' is invalid; "
                f"use one of: {allowed}"
            ) from None
    company = values.pop("company", {}) or {}
    _reject_unknown(company, COMPANY_FIELDS, "incident.company")
    return IncidentFacts(company=CompanyProfile(**company), **values)


def parse_group(section: Mapping[str, Any], index: int) -> PersonGroup:
    """Return a PersonGroup from one entry of the scenario's ``groups``."""
    where = f"groups[{index}]"
    _reject_unknown(section, GROUP_FIELDS, where)
    if "key" not in section or "exposed" not in section:
        raise AssessmentInputError(f"{where} needs 'key' and 'exposed'; add them")
    return PersonGroup(
        key=str(section["key"]),
        residence=section.get("residence"),
        exposed=frozenset(to_elements(section["exposed"])),
        count=int(section.get("count", 1)),
    )


def _parse_time(text: str, name: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise AssessmentInputError(
            f"incident.{name} '{text}' is not an ISO 8601 time; "
            "write e.g. 2026-03-02T10:00:00-05:00"
        ) from None
    if moment.utcoffset() is None:
        raise AssessmentInputError(
            f"incident.{name} has no UTC offset; add one, e.g. -05:00 or Z"
        )
    return moment


def _reject_unknown(
    section: Mapping[str, Any], allowed: frozenset[str] | set[str], where: str
) -> None:
    if not isinstance(section, Mapping):
        raise AssessmentInputError(f"{where} must be a JSON object")
    unknown = sorted(set(section) - set(allowed))
    if unknown:
        raise AssessmentInputError(
            f"{where} has unknown field '{unknown[0]}'; allowed: "
            + ", ".join(sorted(allowed))
        )

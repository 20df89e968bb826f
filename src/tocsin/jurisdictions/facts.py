"""Inputs of an assessment: incident facts, company profile, person groups.

These are frozen dataclasses so an assessment can be repeated from the same
inputs and compared with an earlier one.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum

from tocsin.incidents.elements import DataElement
from tocsin.jurisdictions.errors import AssessmentInputError


class RiskFinding(StrEnum):
    """The incident team's documented finding on the risk of harm."""

    NOT_ASSESSED = "not_assessed"
    NO_LIKELY_HARM = "no_likely_harm"  # misuse not reasonably likely
    RISK = "risk"  # a risk of harm, or a real risk of significant harm
    HIGH_RISK = "high_risk"  # GDPR Art. 34: high risk to rights and freedoms


@dataclass(frozen=True)
class CompanyProfile:
    """Facts about the company that decide whether company-level rules apply.

    ``is_au_app_entity`` defaults to True, so Australia's scheme applies
    unless counsel confirms the small-business exemption (annual turnover of
    AU$3 million or less).
    """

    is_glba_financial_institution: bool = False
    keeps_personal_health_records: bool = False
    is_hipaa_covered_entity: bool = False
    follows_primary_federal_regulator_rules: bool = False
    is_au_app_entity: bool = True


COMPANY_FLAGS = frozenset(item.name for item in fields(CompanyProfile))


@dataclass(frozen=True)
class IncidentFacts:
    """What is known about the incident, with timezone-aware times.

    ``determined_at`` is when the company determined that a breach occurred
    (or, under risk-based laws, that harm is likely). Laws whose clock starts
    at determination fall back to ``discovered_at`` when it is missing, which
    is the earlier and so stricter time. ``vendor_notified_at`` is when a
    service provider notified the company, for laws that start the clock there.
    """

    discovered_at: datetime
    determined_at: datetime | None = None
    vendor_notified_at: datetime | None = None
    is_encrypted: bool = False
    is_redacted: bool = False
    is_key_compromised: bool = False
    is_good_faith_employee_access: bool = False
    risk_finding: RiskFinding = RiskFinding.NOT_ASSESSED
    law_enforcement_delay_requested: bool = False
    law_enforcement_cleared_at: datetime | None = None
    company: CompanyProfile = field(default_factory=CompanyProfile)

    def __post_init__(self) -> None:
        for name in (
            "discovered_at",
            "determined_at",
            "vendor_notified_at",
            "law_enforcement_cleared_at",
        ):
            moment = getattr(self, name)
            if moment is not None and moment.utcoffset() is None:
                raise AssessmentInputError(
                    f"incident field '{name}' has no time zone; "
                    "pass a timezone-aware datetime"
                )
        if not isinstance(self.risk_finding, RiskFinding):
            object.__setattr__(self, "risk_finding", RiskFinding(self.risk_finding))


@dataclass(frozen=True)
class PersonGroup:
    """People who share a residence and a set of exposed data elements.

    ``residence`` is a code such as ``US-CA``, ``DE``, ``GB``, ``CA-ON`` or
    ``AU``, or None when unknown. ``key`` is the caller's id for the group
    and must not contain personal data.
    """

    key: str
    residence: str | None
    exposed: frozenset[DataElement]
    count: int = 1

    def __post_init__(self) -> None:
        if not self.key:
            raise AssessmentInputError("person group has an empty key; give it an id")
        if self.count < 1:
            raise AssessmentInputError(
                f"person group '{self.key}' has count {self.count}; use 1 or more"
            )
        object.__setattr__(self, "exposed", frozenset(to_elements(self.exposed)))


def to_elements(codes: Iterable[str | DataElement]) -> list[DataElement]:
    """Return the codes as DataElement members, rejecting unknown codes."""
    elements = []
    for code in codes:
        try:
            elements.append(DataElement(code))
        except ValueError:
            raise AssessmentInputError(
                f"unknown data element code '{code}'; "
                "use a code from tocsin.incidents.elements.DataElement"
            ) from None
    return elements

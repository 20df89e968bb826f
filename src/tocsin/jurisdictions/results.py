"""Outputs of an assessment, and their JSON form.

The JSON form (``Assessment.to_json``) is documented in
``docs/jurisdictions.md``; ``schema_version`` changes when a field is
renamed or removed.
"""

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class PersonResult:
    """Whether one person group is owed notice under one law, and how.

    ``deadline`` is set for a fixed deadline. For "without unreasonable
    delay" it is None and ``outer_limit`` is any statutory maximum.
    ``due_by`` returns whichever of the two is set.
    """

    key: str
    jurisdiction_id: str
    law_id: str
    owed: bool
    reason: str
    triggered_by: tuple[str, ...]
    exception: str
    deadline: dt.datetime | None
    deadline_text: str
    outer_limit: dt.datetime | None
    permitted_methods: tuple[str, ...]
    substitute_notice_allowed: bool
    substitute_notice_text: str
    required_content: tuple[str, ...]
    forbidden_content: tuple[str, ...]
    citation: str
    law_version: str
    law_sha256: str
    residence_note: str
    needs_review: bool
    count: int
    confidence: str

    @property
    def due_by(self) -> dt.datetime | None:
        """Return the deadline, or else the outer limit, or None."""
        return self.deadline or self.outer_limit


@dataclass(frozen=True)
class RegulatorNotice:
    """A notice to a regulator, the consumer reporting agencies or the media.

    ``threshold`` is the smallest count that makes the notice owed.
    ``residence`` is set when the law counts each residence separately.
    """

    law_id: str
    recipient_kind: str
    recipient: str
    affected_count: int
    threshold: int
    owed: bool
    reason: str
    deadline: dt.datetime | None
    deadline_text: str
    order_constraint: str
    citation: str
    form: str = ""
    residence: str = ""
    uncertain_count: int = 0


@dataclass(frozen=True)
class CompanyRuleResult:
    """Whether a law that depends on the company profile applies."""

    law_id: str
    applies: bool
    reason: str
    citation: str


@dataclass(frozen=True)
class RecordKeepingDuty:
    """A duty to record the breach, owed whether or not anyone is notified."""

    law_id: str
    retention_months: int | None
    reason: str
    citation: str


@dataclass(frozen=True)
class Assessment:
    """Every obligation found for one incident, with the rules used."""

    person_results: list[PersonResult]
    regulator_notices: list[RegulatorNotice]
    company_rules: list[CompanyRuleResult]
    rule_versions: dict[str, tuple[str, str]]
    record_keeping: list[RecordKeepingDuty] = field(default_factory=list)
    overridden_laws: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """Return the assessment as JSON-ready dicts with ISO 8601 times."""
        return {
            "schema_version": SCHEMA_VERSION,
            "person_results": [to_json_value(asdict(r)) for r in self.person_results],
            "regulator_notices": [
                to_json_value(asdict(notice)) for notice in self.regulator_notices
            ],
            "company_rules": [to_json_value(asdict(r)) for r in self.company_rules],
            "record_keeping": [to_json_value(asdict(r)) for r in self.record_keeping],
            "rule_versions": {
                law_id: {"version": version, "sha256": digest}
                for law_id, (version, digest) in sorted(self.rule_versions.items())
            },
            "overridden_laws": list(self.overridden_laws),
        }


def to_json_value(value: Any) -> Any:
    """Return ``value`` with datetimes as ISO text and tuples as lists."""
    if isinstance(value, dict):
        return {key: to_json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value

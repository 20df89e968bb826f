"""Compare two assessments of the same incident, e.g. before and after a law
file changed, and list what changed and which rule versions moved.
"""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from tocsin.jurisdictions.results import Assessment, to_json_value

IGNORED_FIELDS = frozenset({"law_sha256", "law_version"})


@dataclass(frozen=True)
class RuleVersionChange:
    """A law whose version or file content differs between two assessments."""

    law_id: str
    before: tuple[str, str] | None
    after: tuple[str, str] | None


@dataclass(frozen=True)
class ResultChange:
    """One field of one result that differs between two assessments.

    ``section`` is ``person``, ``notice`` or ``company``. ``field`` is
    ``(added)`` or ``(removed)`` when the whole result appears or vanishes.
    """

    section: str
    key: str
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class AssessmentDiff:
    """Every rule-version and result change between two assessments."""

    rule_changes: tuple[RuleVersionChange, ...]
    result_changes: tuple[ResultChange, ...]

    @property
    def is_empty(self) -> bool:
        """Return whether the two assessments are the same."""
        return not self.rule_changes and not self.result_changes

    def to_json(self) -> dict[str, Any]:
        """Return the diff as JSON-ready dicts."""
        return {
            "rule_changes": [to_json_value(asdict(c)) for c in self.rule_changes],
            "result_changes": [to_json_value(asdict(c)) for c in self.result_changes],
        }


def diff_assessments(before: Assessment, after: Assessment) -> AssessmentDiff:
    """Return what changed from ``before`` to ``after``.

    Results are matched by person-group key and law id (person results),
    law, recipient and residence (notices) or law id (company rules), so a
    re-assessment after a law update shows exactly which obligations moved.
    Version and hash fields are reported once, as rule changes.
    """
    rule_changes = tuple(_rule_changes(before.rule_versions, after.rule_versions))
    sections = (
        ("person", before.person_results, after.person_results, _person_key),
        ("notice", before.regulator_notices, after.regulator_notices, _notice_key),
        ("company", before.company_rules, after.company_rules, _company_key),
    )
    changes: list[ResultChange] = []
    for section, old, new, key_of in sections:
        changes += _section_changes(section, old, new, key_of)
    return AssessmentDiff(rule_changes, tuple(changes))


def _rule_changes(
    before: Mapping[str, tuple[str, str]], after: Mapping[str, tuple[str, str]]
) -> Iterable[RuleVersionChange]:
    for law_id in sorted(set(before) | set(after)):
        old, new = before.get(law_id), after.get(law_id)
        if old != new:
            yield RuleVersionChange(law_id, old, new)


def _person_key(result: Any) -> str:
    return f"{result.key}/{result.law_id or result.jurisdiction_id}"


def _notice_key(notice: Any) -> str:
    parts = (notice.law_id, notice.recipient_kind, notice.recipient, notice.residence)
    return "/".join(parts)


def _company_key(rule: Any) -> str:
    return rule.law_id


def _section_changes(
    section: str, old: list[Any], new: list[Any], key_of: Any
) -> list[ResultChange]:
    old_by_key = {key_of(item): to_json_value(asdict(item)) for item in old}
    new_by_key = {key_of(item): to_json_value(asdict(item)) for item in new}
    changes = []
    for key in sorted(set(old_by_key) | set(new_by_key)):
        before, after = old_by_key.get(key), new_by_key.get(key)
        if before is None:
            changes.append(ResultChange(section, key, "(added)", None, after))
        elif after is None:
            changes.append(ResultChange(section, key, "(removed)", before, None))
        else:
            changes += [
                ResultChange(section, key, name, before[name], after[name])
                for name in before
                if name not in IGNORED_FIELDS and before[name] != after[name]
            ]
    return changes

"""Regulator, consumer-reporting-agency and media notices for an incident.

Thresholds compare a count of people with the law's ``min_affected``:
"more than 500" is stored as 501 and "500 or more" as 500, so 499 and 500
differ exactly as the statutes do. People of unknown or ambiguous residence
are counted apart (``uncertain_count``): they never make a notice owed on
their own, but the reason states when they could.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from tocsin.jurisdictions.evaluation import (
    Due,
    Evaluation,
    clock_start,
    compute_due,
    individual_due,
)
from tocsin.jurisdictions.facts import IncidentFacts, RiskFinding
from tocsin.jurisdictions.lawfile import Law, NoticeRule
from tocsin.jurisdictions.results import RegulatorNotice
from tocsin.jurisdictions.rulebook import Rulebook

BASIS_WORDS = {
    "notified": "people owed individual notice",
    "affected": "people whose covered data was exposed",
}


@dataclass
class LawCounts:
    """People counted under one law, by residence code."""

    affected: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    notified: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    uncertain_affected: int = 0
    uncertain_notified: int = 0
    excused_by_risk_finding: int = 0


@dataclass
class NoticeCounts:
    """People counted per law while person groups are assessed."""

    by_law: dict[str, LawCounts] = field(default_factory=lambda: defaultdict(LawCounts))
    involved_laws: set[str] = field(default_factory=set)

    def add(
        self, evaluation: Evaluation, residence: str, count: int, certain: bool
    ) -> None:
        """Add ``count`` people to the law's affected and notified counts."""
        if evaluation.triggered_by:
            self.involved_laws.add(evaluation.law.id)
        if not evaluation.covered:
            return
        counts = self.by_law[evaluation.law.id]
        if not certain:
            counts.uncertain_affected += count
            counts.uncertain_notified += count if evaluation.owed else 0
            return
        counts.affected[residence] += count
        if evaluation.owed:
            counts.notified[residence] += count
        if evaluation.exception == "risk_of_harm":
            counts.excused_by_risk_finding += count


def build_regulator_notices(
    rulebook: Rulebook, incident: IncidentFacts, counts: NoticeCounts
) -> list[RegulatorNotice]:
    """Return every regulator, agency and media notice with its verdict."""
    notices = []
    for law in rulebook:
        law_counts = counts.by_law.get(law.id)
        if law_counts is None:
            continue
        for rule in law.notices:
            notices += _notices_for_rule(law, rule, incident, law_counts)
        if law_counts.excused_by_risk_finding and (
            law.risk_of_harm.notify_regulator_of_determination
        ):
            notices.append(_determination_notice(law, law_counts))
    return notices


def _notices_for_rule(
    law: Law, rule: NoticeRule, incident: IncidentFacts, counts: LawCounts
) -> list[RegulatorNotice]:
    by_residence = (
        counts.affected if rule.count_basis == "affected" else counts.notified
    )
    uncertain = (
        counts.uncertain_affected
        if rule.count_basis == "affected"
        else counts.uncertain_notified
    )
    if rule.count_scope == "per_residence":
        groups = sorted(by_residence.items())
    else:
        groups = [("", sum(by_residence.values()))]
    notices = []
    for residence, count in groups:
        if count == 0 and count + uncertain < rule.min_affected:
            continue
        notices.append(_build_notice(law, rule, incident, count, uncertain, residence))
    return notices


def _build_notice(
    law: Law,
    rule: NoticeRule,
    incident: IncidentFacts,
    count: int,
    uncertain: int,
    residence: str,
) -> RegulatorNotice:
    owed, reason = _decide(rule, incident, count, uncertain)
    due = notice_due(law, rule, incident) if owed else Due(None, None, "")
    return RegulatorNotice(
        law_id=law.id,
        recipient_kind=rule.recipient_kind,
        recipient=rule.recipient,
        affected_count=count,
        threshold=rule.min_affected,
        owed=owed,
        reason=reason,
        deadline=due.latest,
        deadline_text=due.text,
        order_constraint=rule.order_constraint,
        citation=rule.citation,
        form=rule.form,
        residence=residence,
        uncertain_count=uncertain,
    )


def _decide(
    rule: NoticeRule, incident: IncidentFacts, count: int, uncertain: int
) -> tuple[bool, str]:
    finding = incident.risk_finding
    if rule.trigger == "risk" and finding is RiskFinding.NO_LIKELY_HARM:
        return False, "not owed: the documented finding is that harm is not likely"
    if rule.trigger == "high_risk" and finding in (
        RiskFinding.NO_LIKELY_HARM,
        RiskFinding.RISK,
    ):
        return False, "not owed: no high risk was found"
    words = BASIS_WORDS[rule.count_basis]
    if rule.max_affected is not None and count > rule.max_affected:
        return False, (
            f"not owed: {count} {words}, above this notice's maximum of "
            f"{rule.max_affected}; the notice for larger breaches applies"
        )
    if count >= rule.min_affected:
        return (
            True,
            f"{count} {words}, at or above the threshold of {rule.min_affected}",
        )
    reason = f"not owed: {count} {words}, below the threshold of {rule.min_affected}"
    if uncertain and count + uncertain >= rule.min_affected:
        reason += (
            f"; {uncertain} more people of unknown residence could reach it, "
            "so confirm their residence"
        )
    return False, reason


def notice_due(law: Law, rule: NoticeRule, incident: IncidentFacts) -> Due:
    """Return when a regulator, agency or media notice is due."""
    deadline = rule.deadline
    if deadline.kind in ("with_individual_notice", "before_individual_notice"):
        individual = individual_due(law, incident)
        words = (
            "no later than the notice to individuals"
            if deadline.kind == "with_individual_notice"
            else "before the first notice to individuals"
        )
        return Due(individual.latest, None, f"{words}; individuals: {individual.text}")
    if deadline.clock_start == "individual_notice":
        base: dt.datetime | None = individual_due(law, incident).latest
        if base is None:
            text = deadline.text or "after the notice to individuals"
            return Due(None, None, f"{text}; individual notice has no fixed date")
        due = compute_due(law, deadline, base)
        return Due(due.deadline, due.outer_limit, due.text + " (at the latest)")
    start, fallback = clock_start(law, deadline, incident)
    due = compute_due(law, deadline, start)
    return Due(due.deadline, due.outer_limit, due.text + fallback)


def _determination_notice(law: Law, counts: LawCounts) -> RegulatorNotice:
    regulators = [n for n in law.notices if n.recipient_kind == "regulator"]
    recipient = regulators[0].recipient if regulators else "state attorney general"
    return RegulatorNotice(
        law_id=law.id,
        recipient_kind="regulator",
        recipient=f"{recipient}: written no-harm finding",
        affected_count=counts.excused_by_risk_finding,
        threshold=1,
        owed=True,
        reason=(
            "the law requires the written finding that harm is not likely to "
            "be sent to the regulator"
        ),
        deadline=None,
        deadline_text="with the written finding; see the citation for timing",
        order_constraint="",
        citation=law.citation,
    )

"""Assess an incident: who is owed notice, under which law, by when.

Public API::

    from tocsin.jurisdictions.rulebook import load_rulebook
    from tocsin.jurisdictions.engine import (
        CompanyProfile, IncidentFacts, PersonGroup, RiskFinding, assess,
    )

    rulebook = load_rulebook(settings.TOCSIN_LAWS_DIR)
    assessment = assess(rulebook, incident, groups)

``assess`` is the one code path for real runs and what-if scenarios. It
returns an ``Assessment`` with:

- ``person_results``: one ``PersonResult`` per person group and applicable
  law (key, jurisdiction_id, law_id, owed, reason, triggered_by, exception,
  deadline, deadline_text, outer_limit, permitted_methods,
  substitute_notice_allowed, substitute_notice_text, required_content,
  forbidden_content, citation, law_version, law_sha256, residence_note,
  needs_review, count, confidence);
- ``regulator_notices``: one ``RegulatorNotice`` per regulator, consumer
  reporting agency or media notice (law_id, recipient_kind, recipient,
  affected_count, threshold, owed, reason, deadline, deadline_text,
  order_constraint, citation, form, residence, uncertain_count);
- ``company_rules``: one ``CompanyRuleResult`` per law that depends on the
  company profile (law_id, applies, reason, citation);
- ``rule_versions``: law id -> (version, sha256 of the law file).

Residence: the US state or territory of residence decides US state law, an
EU country code selects EU-GDPR, ``GB`` UK-GDPR, ``CA``/``CA-xx`` PIPEDA and
``AU`` the NDB scheme. A group with an unknown residence, or a bare country
code covering several laws (``US``), is never dropped: it gets the strictest
candidate (earliest deadline, union of content rules) and
``needs_review=True``.
"""

from collections.abc import Iterable
from dataclasses import replace

from tocsin.jurisdictions.evaluation import (
    Evaluation,
    company_condition_problems,
    evaluate_law,
    individual_due,
)
from tocsin.jurisdictions.facts import (
    CompanyProfile,
    IncidentFacts,
    PersonGroup,
    RiskFinding,
)
from tocsin.jurisdictions.lawfile import Law
from tocsin.jurisdictions.notices import NoticeCounts, build_regulator_notices
from tocsin.jurisdictions.results import (
    Assessment,
    CompanyRuleResult,
    PersonResult,
    RecordKeepingDuty,
)
from tocsin.jurisdictions.rulebook import ResidenceMatch, Rulebook, covers_residence

__all__ = [
    "Assessment",
    "CompanyProfile",
    "CompanyRuleResult",
    "IncidentFacts",
    "PersonGroup",
    "PersonResult",
    "RiskFinding",
    "assess",
]

UNKNOWN_JURISDICTION = "UNKNOWN"


def assess(
    rulebook: Rulebook, incident: IncidentFacts, groups: Iterable[PersonGroup]
) -> Assessment:
    """Return every individual, regulator and company-level obligation."""
    counts = NoticeCounts()
    person_results: list[PersonResult] = []
    for group in groups:
        person_results += assess_group(rulebook, incident, group, counts)
    notices = build_regulator_notices(rulebook, incident, counts)
    return Assessment(
        person_results=person_results,
        regulator_notices=notices,
        company_rules=assess_company_rules(rulebook, incident),
        rule_versions=rulebook.rule_versions(),
        record_keeping=list_record_keeping(rulebook, counts),
        overridden_laws=rulebook.overridden,
    )


def assess_group(
    rulebook: Rulebook,
    incident: IncidentFacts,
    group: PersonGroup,
    counts: NoticeCounts,
) -> list[PersonResult]:
    """Return the person results for one group and add it to ``counts``."""
    match = rulebook.match_residence(group.residence)
    results = []
    if match.status == "exact":
        for law in match.laws:
            evaluation = evaluate_law(law, incident, group.exposed)
            counts.add(evaluation, match.code or "", group.count, certain=True)
            results.append(_person_result(group, match, evaluation, incident, ""))
    elif match.status == "uncovered":
        results.append(_uncovered_result(group, match))
    else:
        results.append(_strictest_result(group, match, incident, counts))
    results += _company_person_results(rulebook, incident, group, match, counts)
    return results


def _company_person_results(
    rulebook: Rulebook,
    incident: IncidentFacts,
    group: PersonGroup,
    match: ResidenceMatch,
    counts: NoticeCounts,
) -> list[PersonResult]:
    # Company-level laws (FTC rules) cover people wherever they live in the
    # law's residences, and people of unknown residence, who might.
    results = []
    for law in rulebook.company_laws():
        if company_condition_problems(law, incident.company):
            continue
        is_certain = match.status == "exact" and _company_law_covers(law, match.code)
        if not is_certain and not _may_cover(law, match):
            continue
        evaluation = evaluate_law(law, incident, group.exposed)
        counts.add(evaluation, match.code or "", group.count, certain=is_certain)
        if law.individual_notice is None or not evaluation.triggered_by:
            continue
        note = "" if is_certain else "residence uncertain; applied to be safe"
        results.append(_person_result(group, match, evaluation, incident, note))
    return results


def _company_law_covers(law: Law, code: str | None) -> bool:
    return not law.residences or covers_residence(law, code)


def _may_cover(law: Law, match: ResidenceMatch) -> bool:
    if match.status == "unknown" or not law.residences:
        return True
    if match.status == "ambiguous":
        return any(place.startswith(f"{match.code}-") for place in law.residences)
    return False


def _person_result(
    group: PersonGroup,
    match: ResidenceMatch,
    evaluation: Evaluation,
    incident: IncidentFacts,
    residence_note: str,
) -> PersonResult:
    law = evaluation.law
    notice = law.individual_notice
    due = individual_due(law, incident) if evaluation.owed else None
    substitute = notice.substitute_notice if notice else None
    return PersonResult(
        key=group.key,
        jurisdiction_id=match.code or UNKNOWN_JURISDICTION,
        law_id=law.id,
        owed=evaluation.owed,
        reason=evaluation.reason,
        triggered_by=evaluation.triggered_by,
        exception=evaluation.exception,
        deadline=due.deadline if due else None,
        deadline_text=due.text if due else "",
        outer_limit=due.outer_limit if due else None,
        permitted_methods=notice.methods if notice else (),
        substitute_notice_allowed=bool(substitute and substitute.allowed),
        substitute_notice_text=_describe_substitute(law),
        required_content=notice.required_content if notice else (),
        forbidden_content=notice.forbidden_content if notice else (),
        citation=law.citation,
        law_version=law.version,
        law_sha256=law.sha256,
        residence_note=residence_note,
        needs_review=bool(residence_note),
        count=group.count,
        confidence=law.confidence,
    )


def _describe_substitute(law: Law) -> str:
    notice = law.individual_notice
    if notice is None or not notice.substitute_notice.allowed:
        return "substitute notice not provided for"
    rule = notice.substitute_notice
    limits = []
    if rule.cost_over is not None:
        limits.append(f"cost over {rule.cost_over:,} {rule.currency}")
    if rule.count_over is not None:
        limits.append(f"more than {rule.count_over:,} people")
    limits.append("or no sufficient contact information")
    methods = ", ".join(rule.methods) or "as the statute lists"
    return f"allowed when {' or '.join(limits)}; by {methods}"


def _uncovered_result(group: PersonGroup, match: ResidenceMatch) -> PersonResult:
    note = (
        f"no law file covers residence '{match.code}'; add one under the "
        "operator laws folder or have counsel confirm no duty applies"
    )
    return PersonResult(
        key=group.key,
        jurisdiction_id=match.code or UNKNOWN_JURISDICTION,
        law_id="",
        owed=False,
        reason="not assessed: " + note,
        triggered_by=(),
        exception="",
        deadline=None,
        deadline_text="",
        outer_limit=None,
        permitted_methods=(),
        substitute_notice_allowed=False,
        substitute_notice_text="",
        required_content=(),
        forbidden_content=(),
        citation="",
        law_version="",
        law_sha256="",
        residence_note=note,
        needs_review=True,
        count=group.count,
        confidence="low",
    )


def _strictest_result(
    group: PersonGroup,
    match: ResidenceMatch,
    incident: IncidentFacts,
    counts: NoticeCounts,
) -> PersonResult:
    evaluations = [evaluate_law(law, incident, group.exposed) for law in match.laws]
    for evaluation in evaluations:
        counts.add(evaluation, match.code or "", group.count, certain=False)
    owing = [evaluation for evaluation in evaluations if evaluation.owed]
    place = f"residence '{match.code}'" if match.code else "residence unknown"
    if not owing:
        chosen = evaluations[0]
        note = (
            f"{place}: none of {len(evaluations)} candidate laws requires notice "
            "for these elements; confirm the residence"
        )
        result = _person_result(group, match, chosen, incident, note)
        reason = f"not owed under any candidate law; first: {chosen.reason}"
        return replace(result, reason=reason)
    chosen = min(owing, key=lambda item: _urgency(item, incident))
    note = (
        f"{place}: strictest of {len(owing)} candidate laws that require "
        f"notice applied (earliest deadline: {chosen.law.id}); confirm the "
        "residence"
    )
    result = _person_result(group, match, chosen, incident, note)
    required = _union_content("required_content", owing)
    forbidden = _union_content("forbidden_content", owing)
    return replace(result, required_content=required, forbidden_content=forbidden)


def _urgency(evaluation: Evaluation, incident: IncidentFacts) -> tuple[int, float, str]:
    latest = individual_due(evaluation.law, incident).latest
    # Laws with a computable date rank before open-ended ones; ties by id.
    if latest is None:
        return (1, 0.0, evaluation.law.id)
    return (0, latest.timestamp(), evaluation.law.id)


def _union_content(field: str, evaluations: list[Evaluation]) -> tuple[str, ...]:
    codes: set[str] = set()
    for evaluation in evaluations:
        notice = evaluation.law.individual_notice
        if notice is not None:
            codes.update(getattr(notice, field))
    return tuple(sorted(codes))


def assess_company_rules(
    rulebook: Rulebook, incident: IncidentFacts
) -> list[CompanyRuleResult]:
    """Return, for each law with company conditions, whether it applies."""
    results = []
    for law in rulebook:
        if not law.applies_when:
            continue
        unmet = company_condition_problems(law, incident.company)
        if unmet:
            reason = f"does not apply: company profile {', '.join(unmet)}"
        else:
            conditions = ", ".join(law.applies_when).replace("!", "not ")
            reason = f"applies: company profile meets {conditions}"
        results.append(CompanyRuleResult(law.id, not unmet, reason, law.citation))
    return results


def list_record_keeping(
    rulebook: Rulebook, counts: NoticeCounts
) -> list[RecordKeepingDuty]:
    """Return the record-keeping duties of every law the incident involves."""
    duties = []
    for law in rulebook:
        rule = law.record_keeping
        if rule is None or not rule.required or law.id not in counts.involved_laws:
            continue
        reason = rule.note or "the law requires a record of every breach"
        duties.append(
            RecordKeepingDuty(law.id, rule.retention_months, reason, law.citation)
        )
    return duties

"""Apply one law to one person group: is notice owed, why, and by when.

The checks run in the statutes' order. First, are the exposed elements
personal information at all? Next, does an exception take the incident
outside the law (encryption, good-faith employee access, compliance with a
primary federal regulator)? Last comes the risk-of-harm test.
People who pass the first two steps count as "affected" for regulator
thresholds, whatever the risk finding.
"""

import datetime as dt
from dataclasses import dataclass

from tocsin.incidents.elements import DataElement
from tocsin.jurisdictions.deadlines import add_period, describe_period
from tocsin.jurisdictions.facts import CompanyProfile, IncidentFacts, RiskFinding
from tocsin.jurisdictions.lawfile import DeadlineRule, Law

CLOCK_WORDS = {
    "discovery": "discovery",
    "determination": "determination of the breach",
    "vendor_notice": "notice from the service provider",
    "individual_notice": "notice to individuals",
}


@dataclass(frozen=True)
class Evaluation:
    """The outcome of one law for one person group."""

    law: Law
    applies: bool
    covered: bool
    owed: bool
    reason: str
    triggered_by: tuple[str, ...] = ()
    exception: str = ""


@dataclass(frozen=True)
class Due:
    """A computed deadline: a fixed time, an outer limit, or neither."""

    deadline: dt.datetime | None
    outer_limit: dt.datetime | None
    text: str

    @property
    def latest(self) -> dt.datetime | None:
        """Return the deadline, else the outer limit, else None."""
        return self.deadline or self.outer_limit


def company_condition_problems(law: Law, company: CompanyProfile) -> list[str]:
    """Return the ``applies_when`` flags that ``company`` does not satisfy."""
    unmet = []
    for flag in law.applies_when:
        expected = not flag.startswith("!")
        name = flag.lstrip("!")
        if getattr(company, name) is not expected:
            unmet.append(f"{name} is {not expected}")
    return unmet


def evaluate_law(
    law: Law, incident: IncidentFacts, exposed: frozenset[DataElement]
) -> Evaluation:
    """Return whether ``law`` requires notice for ``exposed`` elements."""
    unmet = company_condition_problems(law, incident.company)
    if unmet:
        reason = f"{law.id} does not apply: company profile {', '.join(unmet)}"
        return Evaluation(law, applies=False, covered=False, owed=False, reason=reason)
    triggered = matched_combinations(law, exposed)
    if not triggered:
        codes = ", ".join(sorted(exposed)) or "none"
        reason = (
            f"exposed elements ({codes}) are not personal information under "
            f"{law.citation}"
        )
        return Evaluation(law, applies=True, covered=False, owed=False, reason=reason)
    excepted = _safe_harbor(law, incident)
    if excepted:
        code, reason = excepted
        # Under GDPR encryption excuses only the individual notice, so the
        # people still count towards the supervisory authority notice.
        counts = code == "encryption" and not law.encryption.excuses_regulator_notice
        return Evaluation(law, True, counts, False, reason, triggered, code)
    return _apply_risk_test(law, incident, triggered)


def matched_combinations(law: Law, exposed: frozenset[DataElement]) -> tuple[str, ...]:
    """Return the labels of the law's element combinations fully exposed."""
    labels = [item.label for item in law.combinations if item.elements <= exposed]
    if law.any_personal_data and exposed and not labels:
        labels.append("any personal data")
    return tuple(labels)


def _safe_harbor(law: Law, incident: IncidentFacts) -> tuple[str, str] | None:
    encryption = law.encryption
    protected = incident.is_encrypted or (
        incident.is_redacted and encryption.includes_redaction
    )
    if encryption.applies and protected:
        if incident.is_key_compromised and encryption.key_compromise_defeats:
            pass  # The key was taken too, so the data counts as readable.
        else:
            kind = "encrypted" if incident.is_encrypted else "redacted"
            key_note = (
                "; the law does not withdraw the safe harbor when the key is taken"
                if incident.is_key_compromised
                else ""
            )
            reason = f"data was {kind}: safe harbor of {law.citation}{key_note}"
            return "encryption", reason
    if incident.is_good_faith_employee_access and law.good_faith_employee:
        reason = (
            "good-faith access by an employee or agent is not a breach under "
            f"{law.citation}"
        )
        return "good_faith_employee", reason
    company = incident.company
    if company.follows_primary_federal_regulator_rules and (
        law.federal_regulator_compliance
    ):
        reason = (
            "the company follows its primary federal regulator's notice rules, "
            f"which {law.citation} accepts as compliance"
        )
        return "federal_regulator_compliance", reason
    return None


def _apply_risk_test(
    law: Law, incident: IncidentFacts, triggered: tuple[str, ...]
) -> Evaluation:
    finding = incident.risk_finding
    because = f"exposed {'; '.join(triggered)} under {law.citation}"
    trigger = law.individual_notice.trigger if law.individual_notice else "breach"
    if trigger == "high_risk":
        if finding is RiskFinding.HIGH_RISK:
            reason = f"high risk to the person: {because}"
            return Evaluation(law, True, True, True, reason, triggered)
        if finding is RiskFinding.NOT_ASSESSED:
            reason = f"risk not assessed, so treated as high risk: {because}"
            return Evaluation(law, True, True, True, reason, triggered)
        reason = f"no high risk was found, so individual notice is not owed: {because}"
        return Evaluation(law, True, True, False, reason, triggered, "no_high_risk")
    if finding is not RiskFinding.NO_LIKELY_HARM:
        return Evaluation(law, True, True, True, f"{because}", triggered)
    if trigger == "risk" or law.risk_of_harm.applies:
        reason = f"documented finding that harm is not likely: {law.citation}"
        reason += _documentation_duty(law)
        return Evaluation(law, True, True, False, reason, triggered, "risk_of_harm")
    reason = f"{because}; a finding that harm is not likely does not excuse notice"
    return Evaluation(law, True, True, True, reason, triggered)


def _documentation_duty(law: Law) -> str:
    duty = law.risk_of_harm
    parts = []
    if duty.must_document:
        years = (
            f" and keep it {duty.retention_years} years" if duty.retention_years else ""
        )
        parts.append(f"document the finding in writing{years}")
    if duty.notify_regulator_of_determination:
        parts.append("send the finding to the regulator")
    return f" (must {' and '.join(parts)})" if parts else ""


def clock_start(
    law: Law, rule: DeadlineRule, incident: IncidentFacts
) -> tuple[dt.datetime, str]:
    """Return when the law's clock starts and a note on any fallback used."""
    if rule.clock_start == "determination":
        if incident.determined_at is not None:
            return incident.determined_at, ""
        return (
            incident.discovered_at,
            "; no determination time given, so counted from discovery",
        )
    if rule.clock_start == "vendor_notice":
        if incident.vendor_notified_at is not None:
            return incident.vendor_notified_at, ""
        return (
            incident.discovered_at,
            "; no service-provider notice time, so counted from discovery",
        )
    return incident.discovered_at, ""


def compute_due(law: Law, rule: DeadlineRule, start: dt.datetime) -> Due:
    """Return the deadline ``rule`` sets when its clock starts at ``start``."""
    statute_words = rule.text or "without unreasonable delay"
    if rule.amount is None or rule.unit is None:
        return Due(None, None, f"{statute_words}; no fixed outer limit")
    moment = add_period(
        start,
        rule.amount,
        rule.unit,
        law.zone,
        law.holiday_country,
        law.holiday_subdivision,
    )
    period = describe_period(rule.amount, rule.unit)
    clock = CLOCK_WORDS.get(rule.clock_start or "discovery", "discovery")
    limit = f"{period} after {clock}, by {moment.isoformat()} ({law.time_zone})"
    if rule.kind == "fixed":
        return Due(moment, None, f"within {limit}")
    return Due(None, moment, f"{statute_words}, and no later than {limit}")


def individual_due(law: Law, incident: IncidentFacts) -> Due:
    """Return when individual notice under ``law`` is due for this incident.

    A law-enforcement delay without a clearance time leaves no computable
    date. A clearance time later than the usual start restarts the clock,
    because that reading keeps the full period the statute grants.
    """
    notice = law.individual_notice
    if notice is None:
        return Due(None, None, "no individual notice duty")
    start, fallback = clock_start(law, notice.deadline, incident)
    if incident.law_enforcement_delay_requested and notice.law_enforcement_delay:
        cleared = incident.law_enforcement_cleared_at
        if cleared is None:
            text = (
                "delayed at law enforcement's request; due once law enforcement "
                "says notice will not impede the investigation"
            )
            return Due(None, None, text)
        start = max(start, cleared)
        fallback += "; counted from law enforcement's clearance"
    due = compute_due(law, notice.deadline, start)
    if incident.law_enforcement_delay_requested and not notice.law_enforcement_delay:
        fallback += "; this law allows no law-enforcement delay"
    return Due(due.deadline, due.outer_limit, due.text + fallback)

"""Running the jurisdiction engine over an incident's affected people.

People are grouped by residence and exposed elements before the engine
runs, because everyone in a group gets the same result. The results are
then stored per person, with the law versions that produced them.
"""

import logging
from collections import Counter, defaultdict
from dataclasses import fields

from django.conf import settings
from django.db import transaction

from tocsin.assessment.models import AssessmentRun, Obligation, RegulatorNotice
from tocsin.audit.trail import record_audit_event
from tocsin.incidents.models import CompanyProfile, Incident
from tocsin.jurisdictions.engine import assess
from tocsin.jurisdictions.facts import CompanyProfile as CompanyFacts
from tocsin.jurisdictions.facts import IncidentFacts, PersonGroup
from tocsin.jurisdictions.results import Assessment
from tocsin.jurisdictions.rulebook import load_rulebook

logger = logging.getLogger(__name__)


def company_facts(profile: CompanyProfile) -> CompanyFacts:
    """Return the engine's view of the company profile."""
    names = [item.name for item in fields(CompanyFacts)]
    return CompanyFacts(**{name: getattr(profile, name) for name in names})


def incident_facts(incident: Incident, profile: CompanyProfile) -> IncidentFacts:
    """Return the engine's view of an incident."""
    return IncidentFacts(
        discovered_at=incident.discovered_at,
        determined_at=incident.determined_at,
        vendor_notified_at=incident.vendor_notified_at,
        is_encrypted=incident.data_encrypted,
        is_redacted=incident.data_redacted,
        is_key_compromised=incident.key_compromised,
        is_good_faith_employee_access=incident.is_good_faith_employee_access,
        risk_finding=incident.risk_finding,
        law_enforcement_delay_requested=incident.law_enforcement_delay,
        law_enforcement_cleared_at=incident.law_enforcement_cleared_at,
        company=company_facts(profile),
    )


def group_people(incident: Incident) -> tuple[list[PersonGroup], dict[str, list]]:
    """Return person groups and the person ids behind each group key."""
    members: dict[str, list] = defaultdict(list)
    exposed_of: dict[str, tuple[str | None, frozenset]] = {}
    for person_id, residence, elements in incident.affected_people.values_list(
        "pk", "residence", "exposed_elements"
    ):
        key = f"{residence or 'unknown'}|{','.join(sorted(elements))}"
        members[key].append(person_id)
        exposed_of[key] = (residence or None, frozenset(elements))
    groups = [
        PersonGroup(
            key=key,
            residence=exposed_of[key][0],
            exposed=exposed_of[key][1],
            count=len(ids),
        )
        for key, ids in members.items()
    ]
    return groups, members


def _obligation_rows(run: AssessmentRun, assessment: Assessment, members: dict) -> list:
    rows = []
    for result in assessment.person_results:
        for person_id in members[result.key]:
            rows.append(
                Obligation(
                    run=run,
                    person_id=person_id,
                    jurisdiction_id=result.jurisdiction_id,
                    law_id=result.law_id,
                    is_owed=result.owed,
                    reason=result.reason,
                    deadline=result.deadline,
                    deadline_text=result.deadline_text[:200],
                    outer_limit=result.outer_limit,
                    permitted_methods=list(result.permitted_methods),
                    required_content=list(result.required_content),
                    forbidden_content=list(result.forbidden_content),
                    citation=result.citation[:300],
                    law_version=result.law_version,
                    law_sha256=result.law_sha256,
                    residence_note=result.residence_note[:300],
                )
            )
    return rows


def _regulator_rows(run: AssessmentRun, assessment: Assessment) -> list:
    return [
        RegulatorNotice(
            run=run,
            law_id=notice.law_id,
            recipient_kind=notice.recipient_kind,
            recipient=notice.recipient[:200],
            affected_count=notice.affected_count,
            threshold=notice.threshold,
            is_owed=notice.owed,
            reason=notice.reason,
            deadline=notice.deadline,
            deadline_text=notice.deadline_text[:200],
            order_constraint=notice.order_constraint[:300],
            citation=notice.citation[:300],
        )
        for notice in assessment.regulator_notices
    ]


def summarize_changes(previous: AssessmentRun | None, run: AssessmentRun) -> list[dict]:
    """Return what changed since the previous run: law versions and counts.

    After a law file is updated, counsel sees which laws changed and how
    many people's obligations moved, without reading every row.
    """
    if previous is None:
        return []
    changes = []
    old_versions, new_versions = previous.rule_versions, run.rule_versions
    for law_id in sorted(set(old_versions) | set(new_versions)):
        if old_versions.get(law_id) != new_versions.get(law_id):
            changes.append(
                {
                    "law_id": law_id,
                    "change": "law file",
                    "from": old_versions.get(law_id),
                    "to": new_versions.get(law_id),
                }
            )
    old_counts = Counter(
        previous.obligations.filter(is_owed=True).values_list("law_id", flat=True)
    )
    new_counts = Counter(
        run.obligations.filter(is_owed=True).values_list("law_id", flat=True)
    )
    for law_id in sorted(set(old_counts) | set(new_counts)):
        if old_counts[law_id] != new_counts[law_id]:
            changes.append(
                {
                    "law_id": law_id,
                    "change": "people owed",
                    "from": old_counts[law_id],
                    "to": new_counts[law_id],
                }
            )
    return changes


def assess_incident(incident: Incident, actor: str = "system") -> AssessmentRun:
    """Assess every affected person of an incident and store the obligations.

    Each call stores a new run and keeps the earlier ones, so a re-assessment
    after a law update shows what changed and the old decisions stay on
    record.
    """
    rulebook = load_rulebook(settings.TOCSIN_LAWS_DIR)
    profile = CompanyProfile.objects.first() or CompanyProfile()
    groups, members = group_people(incident)
    assessment = assess(rulebook, incident_facts(incident, profile), groups)
    previous = (
        AssessmentRun.objects.filter(incident=incident).order_by("-created_at").first()
    )
    with transaction.atomic():
        run = AssessmentRun.objects.create(
            incident=incident,
            actor=actor,
            people_count=sum(len(ids) for ids in members.values()),
            rule_versions={
                law: list(version) for law, version in assessment.rule_versions.items()
            },
        )
        Obligation.objects.bulk_create(
            _obligation_rows(run, assessment, members), batch_size=500
        )
        RegulatorNotice.objects.bulk_create(
            _regulator_rows(run, assessment), batch_size=500
        )
        run.changes_since_previous = summarize_changes(previous, run)
        run.save(update_fields=["changes_since_previous"])
        record_audit_event(
            "incident.assessed",
            object_type="assessment_run",
            object_id=run.pk,
            actor=actor,
            incident_ref=incident.pk,
            payload={
                "people": run.people_count,
                "obligations_owed": run.obligations.filter(is_owed=True).count(),
                "rule_versions": run.rule_versions,
                "changes": len(run.changes_since_previous),
            },
        )
    logger.info(
        "incident assessed",
        extra={"incident_id": str(incident.pk), "run_id": str(run.pk)},
    )
    return run

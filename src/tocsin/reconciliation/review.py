"""The review queue: findings that matching could not settle on its own.

A finding goes to review when its customer id and its email point at
different customers. An operator settles it by naming the customer (by
customer id) or by dismissing it with a reason; either way the decision is
an audit event and the affected people are recomputed.
"""

import uuid

from django.db import transaction

from tocsin.audit.trail import record_audit_event
from tocsin.incidents.models import Incident
from tocsin.reconciliation.errors import ReviewDecisionError
from tocsin.reconciliation.matching import match_findings
from tocsin.reconciliation.models import Finding

KEYS = ("customer_id", "email")


def findings_for_review(incident: Incident) -> list[Finding]:
    """Return the incident's findings waiting for an operator's decision."""
    return list(Finding.objects.filter(incident=incident, status=Finding.Status.REVIEW))


def _load_review_finding(incident: Incident, finding_id: str) -> Finding:
    try:
        key = uuid.UUID(str(finding_id))
    except ValueError:
        raise ReviewDecisionError(
            f"finding id '{finding_id}' is not a UUID; copy it from "
            "'tocsin review list'"
        ) from None
    finding = Finding.objects.filter(incident=incident, pk=key).first()
    if finding is None:
        raise ReviewDecisionError(
            f"finding {finding_id} not found in incident {incident.pk}; list them "
            "with 'tocsin review list'"
        )
    if finding.status != Finding.Status.REVIEW:
        raise ReviewDecisionError(
            f"finding {finding_id} is {finding.status}, not waiting for review"
        )
    return finding


@transaction.atomic
def assign_finding(
    incident: Incident, finding_id: str, key: str, actor: str
) -> Finding:
    """Settle a finding on the customer that its ``key`` names.

    The finding keeps only that key, so the matching pass that follows links
    it to that customer only.
    """
    if key not in KEYS:
        raise ReviewDecisionError(f"key '{key}' is not one of {', '.join(KEYS)}")
    finding = _load_review_finding(incident, finding_id)
    if key == "customer_id":
        finding.email_index = ""
    else:
        finding.customer_id_index = ""
    finding.status = Finding.Status.UNMATCHED
    finding.save(update_fields=["customer_id_index", "email_index", "status"])
    record_audit_event(
        "finding.review_decided",
        object_type="finding",
        object_id=finding.pk,
        actor=actor,
        incident_ref=incident.pk,
        payload={"decision": "assigned", "key": key},
    )
    match_findings(incident)
    finding.refresh_from_db()
    return finding


@transaction.atomic
def dismiss_finding(
    incident: Incident, finding_id: str, reason: str, actor: str
) -> Finding:
    """Close a finding without a person, keeping the operator's reason.

    The reason goes into the audit trail, so it must describe the decision
    (for example "test account"), never quote contact details.
    """
    if not reason.strip():
        raise ReviewDecisionError(
            "give a reason for dismissing a finding with --reason"
        )
    finding = _load_review_finding(incident, finding_id)
    finding.status = Finding.Status.DISMISSED
    finding.save(update_fields=["status"])
    record_audit_event(
        "finding.review_decided",
        object_type="finding",
        object_id=finding.pk,
        actor=actor,
        incident_ref=incident.pk,
        payload={"decision": "dismissed", "reason": reason[:300]},
    )
    return finding

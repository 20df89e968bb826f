"""The hand-off of an incident from incident response to notification.

Notification starts from what the IR team established, so an incident is
opened from the IR tool's export with a hand-off checklist. The checklist
must be complete before the first notice goes out. Its items are: scope
confirmed, counsel engaged, a decision on asking law enforcement for a
delay, and the regulators' deadlines started. Each step writes an audit
event.
"""

import hashlib
import logging
import uuid
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from tocsin.audit.trail import audit_batch, record_audit_event
from tocsin.compliance.errors import (
    ComplianceRecordNotFound,
    HandoffIncomplete,
    InvalidComplianceInput,
)
from tocsin.compliance.irexport import IRIncident, read_ir_export
from tocsin.compliance.models import HandoffItem, IncidentHandoff
from tocsin.incidents.models import Incident

logger = logging.getLogger(__name__)

LAW_ENFORCEMENT_DECISIONS = ("requested", "not_requested")
COMPLETE_COMMAND = "tocsin compliance handoff complete {incident} ITEM --by NAME"


def import_ir_export(
    path: Path, *, actor: str = "system", source_system: str = "ir-export"
) -> list[IncidentHandoff]:
    """Open an incident and a hand-off checklist for each record of an export.

    All records are validated first and stored in one transaction, so a bad
    record leaves nothing half-imported. An IR incident id already imported
    from the same source system is rejected, so importing a file twice
    cannot open duplicate incidents.
    """
    records = read_ir_export(path)
    source_sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    _reject_already_imported(records, source_system)
    handoffs = []
    with transaction.atomic(), audit_batch():
        for record in records:
            handoffs.append(_open_incident(record, source_system, source_sha256, actor))
    logger.info(
        "ir export imported",
        extra={"incidents": len(handoffs), "source_system": source_system},
    )
    return handoffs


def _reject_already_imported(records: list[IRIncident], source_system: str) -> None:
    seen: set[str] = set()
    for number, record in enumerate(records, start=1):
        if record.external_id in seen:
            raise InvalidComplianceInput(
                f"record {number}: IR incident '{record.external_id}' appears"
                " twice in the file; keep one record per incident"
            )
        seen.add(record.external_id)
        existing = IncidentHandoff.objects.filter(
            source_system=source_system, external_id=record.external_id
        ).first()
        if existing is not None:
            raise InvalidComplianceInput(
                f"record {number}: IR incident '{record.external_id}' from"
                f" '{source_system}' was already imported as incident"
                f" {existing.incident_id}; remove it from the file"
            )


def _open_incident(
    record: IRIncident, source_system: str, source_sha256: str, actor: str
) -> IncidentHandoff:
    incident = Incident.objects.create(
        name=record.name,
        discovered_at=record.discovered_at,
        timezone_name=record.timezone_name,
        exposed_elements=record.exposed_elements,
        data_encrypted=record.data_encrypted,
        key_compromised=record.key_compromised,
    )
    record_audit_event(
        "incident.opened_from_ir_export",
        object_type="incident",
        object_id=incident.id,
        incident_ref=incident.id,
        actor=actor,
        payload={
            "source_system": source_system,
            "external_id": record.external_id,
            "exposed_elements": record.exposed_elements,
            "source_sha256": source_sha256,
        },
    )
    return _create_handoff(
        incident,
        actor=actor,
        source_system=source_system,
        external_id=record.external_id,
        playbook_url=record.playbook_url,
        contained_at=record.contained_at,
        systems_affected=record.systems_affected,
        source_sha256=source_sha256,
    )


def start_handoff(
    incident_id: str, *, actor: str = "system", source_system: str = "manual"
) -> IncidentHandoff:
    """Open an empty hand-off checklist for an incident created another way."""
    incident = _load_incident(incident_id)
    if IncidentHandoff.objects.filter(incident=incident).exists():
        raise InvalidComplianceInput(
            f"incident {incident.id} already has a hand-off checklist; see it"
            f" with `tocsin compliance handoff status {incident.id}`"
        )
    with transaction.atomic(), audit_batch():
        return _create_handoff(incident, actor=actor, source_system=source_system)


def _create_handoff(
    incident: Incident, *, actor: str, source_system: str, **fields: object
) -> IncidentHandoff:
    handoff = IncidentHandoff.objects.create(
        incident=incident, source_system=source_system, opened_by=actor, **fields
    )
    HandoffItem.objects.bulk_create(
        HandoffItem(handoff=handoff, code=code) for code in HandoffItem.Code.values
    )
    record_audit_event(
        "compliance.handoff_opened",
        object_type="incident_handoff",
        object_id=handoff.pk,
        incident_ref=incident.id,
        actor=actor,
        payload={"source_system": source_system, "items": HandoffItem.Code.values},
    )
    return handoff


def complete_handoff_item(
    incident_id: str,
    item: str,
    *,
    actor: str,
    decision: str = "",
    note: str = "",
) -> HandoffItem:
    """Mark one checklist item complete and write an audit event.

    ``law_enforcement_delay`` needs ``decision`` ``requested`` or
    ``not_requested`` and copies it to the incident, because a requested
    delay pauses notice deadlines in many state laws. Completing an item
    again replaces the earlier decision, and the audit event keeps both.
    """
    handoff = load_handoff(incident_id)
    if item not in HandoffItem.Code.values:
        raise InvalidComplianceInput(
            f"hand-off item '{item}' is not known; use one of"
            f" {', '.join(HandoffItem.Code.values)}"
        )
    decision = _check_decision(item, decision.strip())
    with transaction.atomic():
        checklist_item = HandoffItem.objects.select_for_update().get(
            handoff=handoff, code=item
        )
        previous = checklist_item.decision
        checklist_item.decision = decision
        checklist_item.note = note
        checklist_item.completed_by = actor
        checklist_item.completed_at = timezone.now()
        checklist_item.save()
        if item == HandoffItem.Code.LAW_ENFORCEMENT_DELAY:
            Incident.objects.filter(pk=handoff.incident_id).update(
                law_enforcement_delay=decision == "requested"
            )
        record_audit_event(
            "compliance.handoff_item_completed",
            object_type="incident_handoff",
            object_id=handoff.pk,
            incident_ref=handoff.incident_id,
            actor=actor,
            payload={"item": item, "decision": decision, "previous": previous},
        )
    return checklist_item


def _check_decision(item: str, decision: str) -> str:
    if item == HandoffItem.Code.LAW_ENFORCEMENT_DELAY:
        if decision not in LAW_ENFORCEMENT_DECISIONS:
            raise InvalidComplianceInput(
                f"law_enforcement_delay needs --decision requested or"
                f" not_requested, not '{decision}'"
            )
        return decision
    if decision:
        raise InvalidComplianceInput(
            f"hand-off item '{item}' takes no decision; leave --decision out"
        )
    return ""


def require_handoff_complete(incident_id: str) -> None:
    """Raise ``HandoffIncomplete`` unless every hand-off item is complete.

    The delivery app calls this before sending an incident's first notice.
    The message names the open items and the command that completes them.
    """
    try:
        handoff = load_handoff(incident_id)
    except ComplianceRecordNotFound as error:
        raise HandoffIncomplete(str(error), list(HandoffItem.Code.values)) from None
    missing = [item.code for item in handoff.items.all() if not item.is_complete]
    if not missing:
        return
    command = COMPLETE_COMMAND.format(incident=handoff.incident_id)
    raise HandoffIncomplete(
        f"hand-off checklist of incident {handoff.incident_id} is incomplete:"
        f" {', '.join(missing)} not done; complete each with `{command}`",
        missing,
    )


def load_handoff(incident_id: str) -> IncidentHandoff:
    """Return the incident's hand-off record, or raise naming the fix."""
    incident = _load_incident(incident_id)
    handoff = IncidentHandoff.objects.filter(incident=incident).first()
    if handoff is None:
        raise ComplianceRecordNotFound(
            f"incident {incident.id} has no hand-off checklist; open one with"
            f" `tocsin compliance handoff start {incident.id}`"
        )
    return handoff


def _load_incident(incident_id: str) -> Incident:
    try:
        key = uuid.UUID(str(incident_id))
    except ValueError:
        raise InvalidComplianceInput(
            f"incident id '{incident_id}' is not a UUID; pass the incident's id"
        ) from None
    incident = Incident.objects.filter(pk=key).first()
    if incident is None:
        raise ComplianceRecordNotFound(
            f"incident {incident_id} not found; import it with"
            " `tocsin compliance handoff import FILE`"
        )
    return incident

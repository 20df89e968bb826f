import json
from pathlib import Path

import pytest

from tocsin.audit.models import AuditEvent
from tocsin.audit.signing import ensure_signing_key
from tocsin.audit.verify import verify_trail
from tocsin.compliance.errors import (
    ComplianceRecordNotFound,
    HandoffIncomplete,
    InvalidComplianceInput,
)
from tocsin.compliance.handoff import (
    complete_handoff_item,
    import_ir_export,
    require_handoff_complete,
    start_handoff,
)
from tocsin.compliance.models import IncidentHandoff
from tocsin.incidents.models import Incident

pytestmark = pytest.mark.django_db

RECORD = {
    "incident_id": "IR-2041",
    "name": "Checkout skimmer",
    "discovered_at": "2026-11-28T09:30:00+00:00",
    "data_elements": "name;email;card_number",
    "key_compromised": "true",
}
ALL_ITEMS = [
    "counsel_engaged",
    "law_enforcement_delay",
    "regulator_clocks_started",
    "scope_confirmed",
]


@pytest.fixture
def export_file(tmp_path: Path) -> Path:
    path = tmp_path / "ir.json"
    path.write_text(json.dumps([RECORD]))
    return path


@pytest.fixture
def incident_id(export_file: Path) -> str:
    [handoff] = import_ir_export(export_file, actor="alice", source_system="ir-tool")
    return str(handoff.incident_id)


def complete_all(incident_id: str) -> None:
    for item in ALL_ITEMS:
        decision = "not_requested" if item == "law_enforcement_delay" else ""
        complete_handoff_item(incident_id, item, actor="alice", decision=decision)


def test_import_creates_incident_with_elements(incident_id: str) -> None:
    incident = Incident.objects.get(pk=incident_id)

    assert incident.name == "Checkout skimmer"
    assert incident.exposed_elements == ["card_number", "email", "name"]
    assert incident.key_compromised is True
    assert incident.timezone_name == "UTC"


def test_import_stores_external_id_and_file_hash(
    incident_id: str, export_file: Path
) -> None:
    handoff = IncidentHandoff.objects.get(incident_id=incident_id)

    assert handoff.external_id == "IR-2041"
    assert handoff.source_system == "ir-tool"
    assert len(handoff.source_sha256) == 64


def test_import_writes_audit_events_for_incident(incident_id: str) -> None:
    actions = list(
        AuditEvent.objects.filter(incident_ref=incident_id).values_list(
            "action", flat=True
        )
    )

    assert actions == ["incident.opened_from_ir_export", "compliance.handoff_opened"]


def test_second_import_of_same_incident_is_rejected(
    incident_id: str, export_file: Path
) -> None:
    with pytest.raises(InvalidComplianceInput) as raised:
        import_ir_export(export_file, source_system="ir-tool")

    assert str(raised.value) == (
        "record 1: IR incident 'IR-2041' from 'ir-tool' was already imported as"
        f" incident {incident_id}; remove it from the file"
    )
    assert Incident.objects.count() == 1


def test_duplicate_record_in_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "ir.json"
    path.write_text(json.dumps([RECORD, RECORD]))

    with pytest.raises(InvalidComplianceInput, match="appears twice in the file"):
        import_ir_export(path)


def test_new_handoff_blocks_sending(incident_id: str) -> None:
    with pytest.raises(HandoffIncomplete) as raised:
        require_handoff_complete(incident_id)

    assert raised.value.missing_items == ALL_ITEMS
    assert str(raised.value) == (
        f"hand-off checklist of incident {incident_id} is incomplete:"
        f" {', '.join(ALL_ITEMS)} not done; complete each with"
        f" `tocsin compliance handoff complete {incident_id} ITEM --by NAME`"
    )


def test_completed_handoff_allows_sending(incident_id: str) -> None:
    complete_all(incident_id)

    require_handoff_complete(incident_id)


def test_one_open_item_is_named(incident_id: str) -> None:
    complete_all(incident_id)
    IncidentHandoff.objects.get().items.filter(code="counsel_engaged").update(
        completed_at=None
    )

    with pytest.raises(HandoffIncomplete) as raised:
        require_handoff_complete(incident_id)

    assert raised.value.missing_items == ["counsel_engaged"]


def test_each_completion_is_an_audit_event(incident_id: str) -> None:
    complete_all(incident_id)

    completions = AuditEvent.objects.filter(
        action="compliance.handoff_item_completed"
    ).values_list("payload__item", flat=True)
    assert sorted(completions) == ALL_ITEMS


def test_delay_decision_is_copied_to_incident(incident_id: str) -> None:
    complete_handoff_item(
        incident_id, "law_enforcement_delay", actor="alice", decision="requested"
    )

    assert Incident.objects.get(pk=incident_id).law_enforcement_delay is True


def test_delay_without_decision_is_rejected(incident_id: str) -> None:
    with pytest.raises(InvalidComplianceInput) as raised:
        complete_handoff_item(incident_id, "law_enforcement_delay", actor="alice")

    assert str(raised.value) == (
        "law_enforcement_delay needs --decision requested or not_requested, not ''"
    )


def test_decision_on_other_item_is_rejected(incident_id: str) -> None:
    with pytest.raises(InvalidComplianceInput, match="takes no decision"):
        complete_handoff_item(
            incident_id, "scope_confirmed", actor="alice", decision="requested"
        )


def test_unknown_item_lists_valid_items(incident_id: str) -> None:
    with pytest.raises(InvalidComplianceInput) as raised:
        complete_handoff_item(incident_id, "press_release", actor="alice")

    assert str(raised.value) == (
        "hand-off item 'press_release' is not known; use one of"
        " scope_confirmed, counsel_engaged, law_enforcement_delay,"
        " regulator_clocks_started"
    )


def test_incident_without_handoff_is_blocked() -> None:
    incident = Incident.objects.create(
        name="Manual", discovered_at="2026-11-01T00:00:00Z"
    )

    with pytest.raises(HandoffIncomplete) as raised:
        require_handoff_complete(str(incident.id))

    assert str(raised.value) == (
        f"incident {incident.id} has no hand-off checklist; open one with"
        f" `tocsin compliance handoff start {incident.id}`"
    )


def test_manual_handoff_can_be_started_once() -> None:
    incident = Incident.objects.create(
        name="Manual", discovered_at="2026-11-01T00:00:00Z"
    )

    start_handoff(str(incident.id), actor="alice")

    with pytest.raises(InvalidComplianceInput, match="already has a hand-off"):
        start_handoff(str(incident.id), actor="alice")


def test_malformed_incident_id_is_named() -> None:
    with pytest.raises(InvalidComplianceInput) as raised:
        require_handoff_complete("not-a-uuid")

    assert str(raised.value) == (
        "incident id 'not-a-uuid' is not a UUID; pass the incident's id"
    )


def test_unknown_incident_is_not_found() -> None:
    with pytest.raises(ComplianceRecordNotFound, match="not found; import it"):
        start_handoff("00000000-0000-0000-0000-000000000001")


def test_trail_verifies_after_handoff(incident_id: str) -> None:
    ensure_signing_key()
    complete_all(incident_id)

    assert verify_trail().is_valid

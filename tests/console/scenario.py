"""A complete synthetic incident for the browser tests."""

from dataclasses import dataclass
from datetime import UTC, datetime

from tests.console.factories import (
    add_obligations,
    add_people,
    make_incident,
    make_user,
)
from tocsin.audit.trail import record_audit_event
from tocsin.compliance.handoff import complete_handoff_item, start_handoff
from tocsin.compliance.vendors import register_vendor
from tocsin.console.roles import ROLES
from tocsin.incidents.models import Incident
from tocsin.reconciliation.models import AffectedPerson


@dataclass
class Scenario:
    """An incident with people, an overdue deadline and open hand-off items."""

    incident: Incident
    people: list[AffectedPerson]

    def path(self, suffix: str = "") -> str:
        """Return the console path of the incident, plus ``suffix``."""
        return f"/incidents/{self.incident.pk}/{suffix}"

    def contact_path(self, index: int = 0) -> str:
        """Return the contact page path of one of the people."""
        return self.path(f"people/{self.people[index].pk}/contact/")


def build_scenario() -> Scenario:
    """Create the scenario and its users: ``everyone`` has every role.

    ``viewer`` is a contact viewer only, ``op1`` an operator only.
    """
    make_user("everyone", *ROLES)
    make_user("viewer", "contact_viewer")
    make_user("op1", "operator")
    incident = make_incident()
    people = add_people(incident, 3)
    add_obligations(incident, people, datetime(2026, 1, 5, tzinfo=UTC))
    start_handoff(str(incident.pk), actor="everyone")
    complete_handoff_item(str(incident.pk), "scope_confirmed", actor="everyone")
    register_vendor("Example Mail", "email", actor="everyone")
    record_audit_event(
        "incident.created",
        object_type="incident",
        object_id=incident.pk,
        incident_ref=incident.pk,
        actor="everyone",
    )
    return Scenario(incident=incident, people=people)

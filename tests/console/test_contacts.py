from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.console.factories import MARKER_EMAIL
from tocsin.audit.models import AuditEvent
from tocsin.incidents.models import Incident
from tocsin.reconciliation.models import AffectedPerson
from tocsin.vault.models import DataKey
from tocsin.vault.store import clear_key_caches


def contact_url(person: AffectedPerson) -> str:
    return reverse(
        "console:contact",
        kwargs={"incident_id": person.incident_id, "person_id": person.pk},
    )


def test_contact_viewer_sees_decrypted_contact(
    client_as: Callable[..., Client], people: list[AffectedPerson]
) -> None:
    response = client_as("contact_viewer").get(contact_url(people[0]))
    assert response.status_code == 200
    assert MARKER_EMAIL in response.content.decode()


def test_contact_view_is_not_cached(
    client_as: Callable[..., Client], people: list[AffectedPerson]
) -> None:
    response = client_as("contact_viewer").get(contact_url(people[0]))
    assert "no-store" in response["Cache-Control"].split(", ")


def test_contact_view_writes_audit_entry(
    client_as: Callable[..., Client], people: list[AffectedPerson]
) -> None:
    client_as("contact_viewer", username="viewer1").get(contact_url(people[0]))
    event = AuditEvent.objects.get(action="contact.viewed")
    assert event.actor == "viewer1"
    assert event.object_id == str(people[0].contact_id)
    assert event.incident_ref == str(people[0].incident_id)
    assert event.outcome == "ok"


def test_every_contact_view_is_audited(
    client_as: Callable[..., Client], people: list[AffectedPerson]
) -> None:
    client = client_as("contact_viewer")
    client.get(contact_url(people[0]))
    client.get(contact_url(people[0]))
    assert AuditEvent.objects.filter(action="contact.viewed").count() == 2


def test_audit_entry_holds_no_contact_details(
    client_as: Callable[..., Client], people: list[AffectedPerson]
) -> None:
    client_as("contact_viewer").get(contact_url(people[0]))
    event = AuditEvent.objects.get(action="contact.viewed")
    assert MARKER_EMAIL not in str(event.payload)
    assert event.payload == {"person_id": str(people[0].pk)}


def test_operator_is_denied_contact_with_403(
    client_as: Callable[..., Client], people: list[AffectedPerson]
) -> None:
    response = client_as("operator").get(contact_url(people[0]))
    assert response.status_code == 403
    assert MARKER_EMAIL not in response.content.decode()


def test_denied_contact_view_is_audited(
    client_as: Callable[..., Client], people: list[AffectedPerson]
) -> None:
    client_as("auditor", username="auditor1").get(contact_url(people[0]))
    event = AuditEvent.objects.get(action="contact.viewed")
    assert event.outcome == "denied"
    assert event.actor == "auditor1"
    assert event.object_id == str(people[0].contact_id)


def test_anonymous_contact_request_redirects_to_sign_in(
    people: list[AffectedPerson],
) -> None:
    response = Client().get(contact_url(people[0]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("console:login"))
    assert not AuditEvent.objects.filter(action="contact.viewed").exists()


def test_person_of_other_incident_is_not_found(
    client_as: Callable[..., Client], people: list[AffectedPerson]
) -> None:
    other = Incident.objects.create(
        name="Other", discovered_at=people[0].incident.discovered_at
    )
    url = reverse(
        "console:contact", kwargs={"incident_id": other.pk, "person_id": people[0].pk}
    )
    assert client_as("contact_viewer").get(url).status_code == 404


def test_purged_contact_answers_410_and_is_audited(
    client_as: Callable[..., Client], people: list[AffectedPerson]
) -> None:
    DataKey.objects.filter(incident_id=people[0].incident_id).update(
        wrapped_data_key=None, wrapped_index_key=None, destroyed_at="2026-12-01T00:00Z"
    )
    clear_key_caches()
    response = client_as("contact_viewer").get(contact_url(people[0]))
    assert response.status_code == 410
    assert MARKER_EMAIL not in response.content.decode()
    event = AuditEvent.objects.get(action="contact.viewed")
    assert event.outcome == "key_destroyed"


def test_contact_view_logs_no_contact_details(
    client_as: Callable[..., Client],
    people: list[AffectedPerson],
    caplog,
) -> None:
    caplog.set_level("DEBUG")
    client_as("contact_viewer").get(contact_url(people[0]))
    assert "contact view requested" in caplog.messages
    assert MARKER_EMAIL not in caplog.text
    assert all(MARKER_EMAIL not in str(r.__dict__) for r in caplog.records)

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.console.factories import MARKER_EMAIL, add_obligations
from tocsin.audit.trail import record_audit_event
from tocsin.incidents.models import FileImport, Incident
from tocsin.reconciliation.models import AffectedPerson, Finding


def incident_url(name: str, incident: Incident) -> str:
    return reverse(f"console:{name}", kwargs={"incident_id": incident.pk})


def test_incident_list_shows_incident_name(
    client_as: Callable[..., Client], console_incident: Incident
) -> None:
    response = client_as("responder").get(reverse("console:incident-list"))
    assert response.status_code == 200
    assert "Checkout skimmer" in response.content.decode()


def test_incident_list_redirects_anonymous_user_to_sign_in(db: None) -> None:
    response = Client().get(reverse("console:incident-list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("console:login") + "?next=/"


def test_user_without_role_is_denied_incident_list(
    client_as: Callable[..., Client],
) -> None:
    response = client_as().get(reverse("console:incident-list"))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_superuser_without_contact_viewer_role_is_denied_contact(
    people: list[AffectedPerson],
) -> None:
    admin = User.objects.create_superuser("admin", password="x-long-password-1")
    client = Client()
    client.force_login(admin)
    url = reverse(
        "console:contact",
        kwargs={"incident_id": people[0].incident_id, "person_id": people[0].pk},
    )
    assert client.get(url).status_code == 403


def test_incident_detail_shows_obligation_counts(
    client_as: Callable[..., Client],
    console_incident: Incident,
    people: list[AffectedPerson],
) -> None:
    add_obligations(console_incident, people, datetime(2027, 1, 19, tzinfo=UTC))
    response = client_as("auditor").get(incident_url("incident", console_incident))
    html = response.content.decode()
    assert response.status_code == 200
    assert "815 ILCS 530/10" in html
    assert '<td class="number">3</td>' in html


def test_incident_detail_of_unknown_incident_is_not_found(
    client_as: Callable[..., Client],
) -> None:
    url = reverse(
        "console:incident",
        kwargs={"incident_id": "00000000-0000-0000-0000-000000000000"},
    )
    assert client_as("responder").get(url).status_code == 404


@pytest.mark.parametrize("role", ["responder", "operator"])
def test_run_screen_opens_for_role(
    client_as: Callable[..., Client], console_incident: Incident, role: str
) -> None:
    response = client_as(role).get(incident_url("run", console_incident))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["auditor", "contact_viewer"])
def test_run_screen_is_denied_to_role(
    client_as: Callable[..., Client], console_incident: Incident, role: str
) -> None:
    response = client_as(role).get(incident_url("run", console_incident))
    assert response.status_code == 403


def test_people_list_shows_no_contact_details(
    client_as: Callable[..., Client],
    console_incident: Incident,
    people: list[AffectedPerson],
) -> None:
    response = client_as("contact_viewer").get(incident_url("people", console_incident))
    html = response.content.decode()
    assert response.status_code == 200
    assert str(people[0].pk) in html
    assert "US-IL" in html
    assert MARKER_EMAIL not in html
    assert "Tester1" not in html


def test_people_list_links_contact_only_for_contact_viewer(
    client_as: Callable[..., Client],
    console_incident: Incident,
    people: list[AffectedPerson],
) -> None:
    url = incident_url("people", console_incident)
    viewer_html = client_as("contact_viewer").get(url).content.decode()
    operator_html = client_as("operator").get(url).content.decode()
    assert "View contact details" in viewer_html
    assert "View contact details" not in operator_html


def test_people_list_is_paginated(
    client_as: Callable[..., Client],
    console_incident: Incident,
    people: list[AffectedPerson],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("tocsin.console.views.PEOPLE_PER_PAGE", 2)
    url = incident_url("people", console_incident)
    html = client_as("operator").get(url + "?page=2").content.decode()
    assert "Page 2 of 2" in html
    assert str(people[2].pk) in html
    assert str(people[0].pk) not in html


def test_audit_trail_is_listed_for_auditor(
    client_as: Callable[..., Client], console_incident: Incident
) -> None:
    record_audit_event(
        "incident.created",
        object_type="incident",
        object_id=console_incident.pk,
        incident_ref=console_incident.pk,
    )
    response = client_as("auditor").get(reverse("console:audit-list"))
    assert response.status_code == 200
    assert "incident.created" in response.content.decode()


@pytest.mark.parametrize("role", ["responder", "operator", "contact_viewer"])
def test_audit_trail_is_denied_to_role(
    client_as: Callable[..., Client], role: str
) -> None:
    response = client_as(role).get(reverse("console:audit-list"))
    assert response.status_code == 403


def test_audit_trail_filters_by_incident(
    client_as: Callable[..., Client], console_incident: Incident
) -> None:
    record_audit_event("one.thing", object_type="x", object_id=1, incident_ref="A")
    record_audit_event("other.thing", object_type="x", object_id=2, incident_ref="B")
    url = reverse("console:audit-list") + "?incident=A"
    html = client_as("auditor").get(url).content.decode()
    assert "one.thing" in html
    assert "other.thing" not in html


def test_audit_trail_is_paginated_newest_first(
    client_as: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tocsin.console.audittrail.EVENTS_PER_PAGE", 2)
    for number in range(3):
        record_audit_event(f"step.{number}", object_type="x", object_id=number)
    client = client_as("auditor")
    first = client.get(reverse("console:audit-list")).content.decode()
    second = client.get(reverse("console:audit-list") + "?page=2").content.decode()
    assert "step.2" in first
    assert "step.0" not in first
    assert "step.0" in second


def test_summary_lists_at_most_200_unmatched_findings(
    client_as: Callable[..., Client],
    console_incident: Incident,
) -> None:
    file_import = FileImport.objects.create(
        incident=console_incident,
        kind=FileImport.Kind.FINDINGS,
        file_name="findings.csv",
        file_sha256="0" * 64,
        encoding="utf-8",
        source="forensics",
    )
    Finding.objects.bulk_create(
        Finding(
            incident=console_incident,
            file_import=file_import,
            row_number=number,
            finding_ref=f"F-{number:04d}",
        )
        for number in range(1, 203)
    )
    html = client_as("auditor").get(incident_url("incident", console_incident))
    html = html.content.decode()
    assert "the first 200 of 202" in html
    assert "F-0200" in html
    assert "F-0201" not in html

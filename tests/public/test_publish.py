from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from tocsin.incidents.models import Incident
from tocsin.public.models import PublishedNotice


@pytest.fixture
def incident(db: None) -> Incident:
    return Incident.objects.create(
        name="Checkout skimmer",
        discovered_at=datetime(2026, 11, 20, 20, 30, tzinfo=UTC),
        exposed_elements=["email"],
    )


def client_in_group(group: str) -> Client:
    user = User.objects.create_user(f"user-{group}")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    client = Client()
    client.force_login(user)
    return client


def publish_url(incident: Incident) -> str:
    return reverse("public:publish", kwargs={"incident_id": incident.pk})


def test_responder_publishes_new_version(incident: Incident) -> None:
    client = client_in_group("responder")
    response = client.post(
        publish_url(incident), {"title": "Notice", "body": "We found a problem."}
    )
    notice = PublishedNotice.objects.get(incident=incident)
    assert response.status_code == 302
    assert response["Location"] == f"/notice/{incident.pk}/"
    assert notice.version == 1
    assert notice.published_by == "user-responder"


def test_publish_form_starts_from_current_text(incident: Incident) -> None:
    html = client_in_group("responder").get(publish_url(incident)).content.decode()
    assert "Notice of a data security incident" in html


@pytest.mark.parametrize("group", ["operator", "auditor", "contact_viewer"])
def test_publishing_is_denied_to_group(incident: Incident, group: str) -> None:
    response = client_in_group(group).post(
        publish_url(incident), {"title": "Notice", "body": "Text."}
    )
    assert response.status_code == 403
    assert not PublishedNotice.objects.exists()


def test_publishing_needs_sign_in(incident: Incident) -> None:
    response = Client().get(publish_url(incident))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_empty_body_error_is_tied_to_its_field(incident: Incident) -> None:
    response = client_in_group("responder").post(
        publish_url(incident), {"title": "Notice", "body": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_body-error"' in html
    assert 'aria-describedby="id_body-hint id_body-error"' in html
    assert not PublishedNotice.objects.exists()

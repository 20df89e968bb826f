from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from tocsin.audit.models import AuditEvent
from tocsin.incidents.models import CompanyProfile, Incident
from tocsin.public.publishing import describe_elements, publish_notice


@pytest.fixture
def incident(db: None) -> Incident:
    return Incident.objects.create(
        name="Checkout skimmer",
        discovered_at=datetime(2026, 11, 20, 20, 30, tzinfo=UTC),
        exposed_elements=["name", "email", "card_number"],
    )


def page_url(incident: Incident) -> str:
    return reverse("public:notice", kwargs={"incident_id": incident.pk})


def json_url(incident: Incident) -> str:
    return reverse("public:notice-json", kwargs={"incident_id": incident.pk})


def test_generic_notice_names_exposed_elements(incident: Incident) -> None:
    CompanyProfile.objects.create(legal_name="Example Retail Inc.")
    html = Client().get(page_url(incident)).content.decode()
    assert "Notice of a data security incident" in html
    assert "names, email addresses and payment card numbers" in html
    assert "Example Retail Inc." in html


def test_generic_notice_needs_no_sign_in(incident: Incident) -> None:
    assert Client().get(page_url(incident)).status_code == 200


def test_generic_notice_leaves_out_incident_name(incident: Incident) -> None:
    html = Client().get(page_url(incident)).content.decode()
    assert "Checkout skimmer" not in html


def test_published_notice_replaces_generic_text(incident: Incident) -> None:
    publish_notice(incident, "Our security notice", "We found a problem.", actor="r1")
    html = Client().get(page_url(incident)).content.decode()
    assert "Our security notice" in html
    assert "We found a problem." in html
    assert "Notice of a data security incident" not in html


def test_latest_published_version_is_shown(incident: Incident) -> None:
    publish_notice(incident, "Notice", "First text.", actor="r1")
    second = publish_notice(incident, "Notice", "Corrected text.", actor="r1")
    body = Client().get(json_url(incident)).json()
    assert second.version == 2
    assert body["version"] == 2
    assert body["body"] == "Corrected text."


def test_publishing_writes_audit_entry_without_text(incident: Incident) -> None:
    publish_notice(incident, "Notice", "Secret-free text.", actor="r1")
    event = AuditEvent.objects.get(action="public.notice_published")
    assert event.actor == "r1"
    assert event.payload == {"version": 1, "body_length": 17}


def test_json_variant_returns_notice_fields(incident: Incident) -> None:
    body = Client().get(json_url(incident)).json()
    assert body["incident_id"] == str(incident.pk)
    assert body["version"] == 0
    assert body["title"] == "Notice of a data security incident"


def test_json_variant_may_be_read_from_any_origin(incident: Incident) -> None:
    response = Client().get(json_url(incident))
    assert response["Access-Control-Allow-Origin"] == "*"


def test_notice_is_publicly_cacheable(incident: Incident) -> None:
    response = Client().get(page_url(incident))
    directives = set(response["Cache-Control"].split(", "))
    assert {"public", "max-age=300"} <= directives
    assert response.has_header("ETag")


def test_notice_sets_no_cookie(incident: Incident) -> None:
    response = Client().get(page_url(incident))
    assert not response.cookies


def test_matching_etag_answers_304(incident: Incident) -> None:
    client = Client()
    etag = client.get(page_url(incident))["ETag"]
    response = client.get(page_url(incident), headers={"if-none-match": etag})
    assert response.status_code == 304


def test_new_version_changes_etag(incident: Incident) -> None:
    client = Client()
    before = client.get(page_url(incident))["ETag"]
    publish_notice(incident, "Notice", "New text.", actor="r1")
    assert client.get(page_url(incident))["ETag"] != before


def test_unknown_incident_has_no_notice(db: None) -> None:
    url = reverse(
        "public:notice", kwargs={"incident_id": "00000000-0000-0000-0000-000000000000"}
    )
    assert Client().get(url).status_code == 404


def test_purged_incident_has_no_notice(incident: Incident) -> None:
    Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.PURGED)
    assert Client().get(page_url(incident)).status_code == 404


def test_notice_rejects_post(incident: Incident) -> None:
    assert Client().post(page_url(incident)).status_code == 405


def test_describe_elements_joins_with_and() -> None:
    assert describe_elements(["email"]) == "email addresses"
    assert describe_elements(["email", "phone"]) == "email addresses and phone numbers"
    assert describe_elements(["biometric"]) == "biometric"

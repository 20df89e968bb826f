from collections.abc import Callable
from datetime import date

from django.test import Client
from django.urls import reverse

from tests.console.factories import make_user
from tocsin.compliance.handoff import complete_handoff_item, start_handoff
from tocsin.compliance.training import record_training
from tocsin.compliance.vendors import register_vendor
from tocsin.console.runscreen import run_operators, vendors_in_use
from tocsin.incidents.models import Incident


def run_html(client: Client, incident: Incident) -> str:
    url = reverse("console:run", kwargs={"incident_id": incident.pk})
    return client.get(url).content.decode()


def test_run_operators_are_responders_and_operators(db: None) -> None:
    make_user("resp1", "responder")
    make_user("op1", "operator")
    make_user("aud1", "auditor")
    assert run_operators() == ["op1", "resp1"]


def test_run_screen_lists_untrained_operator(
    client_as: Callable[..., Client], console_incident: Incident
) -> None:
    html = run_html(client_as("operator", username="op-untrained"), console_incident)
    assert "op-untrained" in html
    assert "none on record" in html


def test_run_screen_omits_trained_operator(
    client_as: Callable[..., Client], console_incident: Incident
) -> None:
    client = client_as("operator", username="op-trained")
    record_training("op-trained", "breach-response", date.today())
    html = run_html(client, console_incident)
    assert "Every responder and operator has current training" in html


def test_vendors_in_use_default_to_email_kind(settings) -> None:
    settings.TOCSIN_DELIVERY_EMAIL_PROVIDERS = []
    settings.TOCSIN_DELIVERY_SMS_PROVIDERS = []
    assert vendors_in_use() == ["email"]


def test_vendors_in_use_name_configured_providers(settings) -> None:
    settings.TOCSIN_DELIVERY_EMAIL_PROVIDERS = [{"name": "postmark"}]
    settings.TOCSIN_DELIVERY_SMS_PROVIDERS = [{"name": "twilio"}]
    assert vendors_in_use() == ["postmark", "twilio"]


def test_run_screen_warns_about_vendor_without_attestation(
    client_as: Callable[..., Client], console_incident: Incident, settings
) -> None:
    settings.TOCSIN_DELIVERY_EMAIL_PROVIDERS = []
    settings.TOCSIN_DELIVERY_SMS_PROVIDERS = []
    register_vendor("Example Mail", "email")
    html = run_html(client_as("operator"), console_incident)
    assert "Missing:" in html
    assert "Example Mail" in html


def test_run_screen_says_when_handoff_checklist_is_missing(
    client_as: Callable[..., Client], console_incident: Incident
) -> None:
    html = run_html(client_as("responder"), console_incident)
    assert "This incident has no hand-off checklist" in html


def test_run_screen_shows_handoff_item_state_in_words(
    client_as: Callable[..., Client], console_incident: Incident
) -> None:
    start_handoff(str(console_incident.pk), actor="resp1")
    complete_handoff_item(str(console_incident.pk), "scope_confirmed", actor="resp1")
    html = run_html(client_as("responder"), console_incident)
    assert "3 of 4 items not done" in html
    assert html.count("<td>Done</td>") == 1
    assert html.count("<td>Not done</td>") == 3

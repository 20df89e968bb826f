from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tocsin.audit.models import AuditEvent
from tocsin.incidents.models import BackgroundJob, Incident


def notify_url(incident: Incident) -> str:
    return reverse("console:notify", kwargs={"incident_id": incident.pk})


def test_notify_queues_notification_job(
    client_as: Callable[..., Client],
    console_incident: Incident,
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queued: list[str] = []
    monkeypatch.setattr(
        "tocsin.delivery.tasks.start_notification_job.delay", queued.append
    )
    client = client_as("operator", username="op1")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(notify_url(console_incident))
    job = BackgroundJob.objects.get(incident=console_incident)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "console:run", kwargs={"incident_id": console_incident.pk}
    )
    assert job.kind == "notify"
    assert job.params == {"actor": "op1"}
    assert queued == [str(job.pk)]


def test_notify_writes_audit_entry(
    client_as: Callable[..., Client], console_incident: Incident
) -> None:
    client_as("operator", username="op1").post(notify_url(console_incident))
    event = AuditEvent.objects.get(action="console.notify_requested")
    assert event.actor == "op1"
    assert event.incident_ref == str(console_incident.pk)


def test_notify_rejects_get(
    client_as: Callable[..., Client], console_incident: Incident
) -> None:
    response = client_as("operator").get(notify_url(console_incident))
    assert response.status_code == 405
    assert not BackgroundJob.objects.exists()


@pytest.mark.parametrize("role", ["responder", "auditor", "contact_viewer"])
def test_notify_is_denied_to_role(
    client_as: Callable[..., Client], console_incident: Incident, role: str
) -> None:
    response = client_as(role).post(notify_url(console_incident))
    assert response.status_code == 403
    assert not BackgroundJob.objects.exists()


def test_notify_without_csrf_token_is_rejected(
    console_incident: Incident, client_as: Callable[..., Client]
) -> None:
    client = client_as("operator")
    client.handler.enforce_csrf_checks = True
    response = client.post(notify_url(console_incident))
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()
    assert not BackgroundJob.objects.exists()


def test_run_screen_shows_notify_button_only_to_operator(
    client_as: Callable[..., Client], console_incident: Incident
) -> None:
    url = reverse("console:run", kwargs={"incident_id": console_incident.pk})
    operator_html = client_as("operator").get(url).content.decode()
    responder_html = client_as("responder").get(url).content.decode()
    assert "Start notification run" in operator_html
    assert "Start notification run" not in responder_html


def test_notify_for_purged_incident_queues_nothing(
    client_as: Callable[..., Client], console_incident: Incident
) -> None:
    Incident.objects.filter(pk=console_incident.pk).update(
        status=Incident.Status.PURGED
    )
    client = client_as("operator")
    response = client.post(notify_url(console_incident), follow=True)
    assert "vault was purged" in response.content.decode()
    assert not BackgroundJob.objects.exists()

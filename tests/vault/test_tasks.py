from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.vault.conftest import make_record
from tocsin.incidents.models import Incident
from tocsin.vault import tasks
from tocsin.vault.models import Contact
from tocsin.vault.schedule import BEAT_SCHEDULE
from tocsin.vault.store import store_contacts

pytestmark = pytest.mark.django_db


def _expired(incident: Incident) -> Incident:
    incident.notifications_completed_at = timezone.now() - timedelta(days=40)
    incident.retention_days = 30
    incident.save()
    return incident


def test_beat_task_enqueues_expired_incident_ids(
    incident: Incident,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
) -> None:
    _expired(incident)
    Incident.objects.create(name="Still open", discovered_at=datetime.now(UTC))
    enqueued = []
    monkeypatch.setattr(tasks.purge_vault, "delay", enqueued.append)

    with django_capture_on_commit_callbacks(execute=True):
        count = tasks.purge_expired_vaults()

    assert count == 1
    assert enqueued == [str(incident.pk)]


def test_purge_task_purges_expired_incident(incident: Incident) -> None:
    store_contacts(_expired(incident), [make_record(1)])

    tasks.purge_vault(str(incident.pk))

    incident.refresh_from_db()
    assert incident.status == Incident.Status.PURGED
    assert Contact.objects.filter(incident=incident).count() == 0


def test_purge_task_skips_incident_within_retention(incident: Incident) -> None:
    incident.notifications_completed_at = timezone.now()
    incident.save()
    store_contacts(incident, [make_record(1)])

    tasks.purge_vault(str(incident.pk))

    assert Contact.objects.filter(incident=incident).count() == 1


def test_purge_task_run_twice_is_harmless(incident: Incident) -> None:
    store_contacts(_expired(incident), [make_record(1)])

    tasks.purge_vault(str(incident.pk))
    tasks.purge_vault(str(incident.pk))

    incident.refresh_from_db()
    assert incident.status == Incident.Status.PURGED


def test_beat_schedule_names_registered_task() -> None:
    entry = BEAT_SCHEDULE["vault-purge-expired"]

    assert entry["task"] == tasks.purge_expired_vaults.name

from datetime import timedelta

import pytest
from django.utils import timezone

from tocsin.audit.models import AuditEvent
from tocsin.delivery.tasks import watch_notifying_incidents
from tocsin.incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_watch_skips_incidents_not_notifying(incident: Incident) -> None:
    watch_notifying_incidents()

    assert AuditEvent.objects.filter(action="delivery.deadline_at_risk").count() == 0


def test_watch_keeps_a_notifying_incident_without_notices(incident: Incident) -> None:
    incident.status = Incident.Status.NOTIFYING
    incident.discovered_at = timezone.now() - timedelta(days=1)
    incident.save()

    watch_notifying_incidents()

    incident.refresh_from_db()
    assert incident.status == Incident.Status.NOTIFYING

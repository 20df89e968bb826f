from datetime import UTC, datetime

from django.test import Client
from django.urls import reverse

from tests.console.factories import add_obligations, hours_from
from tocsin.console.deadlines import find_deadline_alert
from tocsin.delivery.models import Notice
from tocsin.incidents.models import Incident
from tocsin.notices.templates import ensure_default_templates
from tocsin.reconciliation.models import AffectedPerson

NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)


def test_no_alert_without_assessment(console_incident: Incident) -> None:
    assert find_deadline_alert(console_incident, now=NOW) is None


def test_no_alert_when_deadline_is_beyond_margin(
    console_incident: Incident, people: list[AffectedPerson]
) -> None:
    add_obligations(console_incident, people, hours_from(NOW, 73))
    assert find_deadline_alert(console_incident, now=NOW, margin_hours=72) is None


def test_alert_counts_people_due_within_margin(
    console_incident: Incident, people: list[AffectedPerson]
) -> None:
    add_obligations(console_incident, people, hours_from(NOW, 71))
    alert = find_deadline_alert(console_incident, now=NOW, margin_hours=72)
    assert alert is not None
    assert alert.due_soon_people == 3
    assert alert.overdue_people == 0
    assert not alert.is_overdue
    assert alert.earliest_deadline == hours_from(NOW, 71)


def test_alert_counts_people_past_deadline(
    console_incident: Incident, people: list[AffectedPerson]
) -> None:
    add_obligations(console_incident, people, hours_from(NOW, -1))
    alert = find_deadline_alert(console_incident, now=NOW, margin_hours=72)
    assert alert is not None
    assert alert.overdue_people == 3
    assert alert.is_overdue


def test_person_owed_under_two_laws_counts_once(
    console_incident: Incident, people: list[AffectedPerson]
) -> None:
    run = add_obligations(console_incident, people[:1], hours_from(NOW, 10))
    second_law = run.obligations.get()
    second_law.pk = None
    second_law.law_id = "US-FTC-HBNR"
    second_law.deadline = hours_from(NOW, -2)
    second_law.save()
    alert = find_deadline_alert(console_incident, now=NOW, margin_hours=72)
    assert alert is not None
    assert alert.overdue_people == 1
    assert alert.due_soon_people == 0
    assert alert.earliest_deadline == hours_from(NOW, -2)


def test_sent_notice_removes_person_from_alert(
    console_incident: Incident, people: list[AffectedPerson]
) -> None:
    run = add_obligations(console_incident, people, hours_from(NOW, -1))
    Notice.objects.create(
        incident=console_incident,
        person=people[0],
        run=run,
        template_version=ensure_default_templates(),
        status=Notice.Status.SENT,
    )
    alert = find_deadline_alert(console_incident, now=NOW, margin_hours=72)
    assert alert is not None
    assert alert.overdue_people == 2


def test_outer_limit_counts_when_law_gives_no_deadline(
    console_incident: Incident, people: list[AffectedPerson]
) -> None:
    run = add_obligations(console_incident, people, hours_from(NOW, 500))
    run.obligations.update(deadline=None, outer_limit=hours_from(NOW, 5))
    alert = find_deadline_alert(console_incident, now=NOW, margin_hours=72)
    assert alert is not None
    assert alert.due_soon_people == 3


def test_banner_says_overdue_in_words(
    client_as, console_incident: Incident, people: list[AffectedPerson]
) -> None:
    add_obligations(console_incident, people, datetime(2020, 1, 1, tzinfo=UTC))
    client: Client = client_as("responder")
    url = reverse("console:run", kwargs={"incident_id": console_incident.pk})
    html = client.get(url).content.decode()
    assert "Overdue: notice deadlines have passed" in html
    assert "3 people are past the deadline" in html


def test_banner_margin_comes_from_settings(
    client_as, console_incident: Incident, people: list[AffectedPerson], settings
) -> None:
    settings.TOCSIN_DEADLINE_WARNING_HOURS = 24 * 365 * 10
    add_obligations(console_incident, people, datetime(2030, 1, 1, tzinfo=UTC))
    url = reverse("console:incident", kwargs={"incident_id": console_incident.pk})
    html = client_as("responder").get(url).content.decode()
    assert "Deadline near: notices due within 87600 hours" in html

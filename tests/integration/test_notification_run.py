"""A whole run through a real worker process, the embedded or configured
broker, and a local SMTP server."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from tests.conftest import complete_handoff, confirm_company, write_csv
from tocsin.assessment.service import assess_incident
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.delivery.progress import wait_for_delivery
from tocsin.delivery.tasks import start_notification_job
from tocsin.incidents.jobs import create_job, wait_for_job
from tocsin.incidents.models import Incident
from tocsin.notices.templates import ensure_default_templates
from tocsin.reconciliation.imports import import_findings
from tocsin.sources.imports import import_customers
from tocsin.testing.smtp_sink import SmtpSink

CUSTOMERS = (
    "Customer ID,First Name,Last Name,Email,Default Address Address1,"
    "Default Address City,Default Address Province Code,"
    "Default Address Country Code,Default Address Zip\n"
) + "".join(
    f"{300 + n},Test{n},Person,person{n}@example.com,{n} St,Austin,TX,US,78701\n"
    for n in range(30)
)
FINDINGS = "customer_id,exposed_elements\n" + "".join(
    f"{300 + n},name;ssn\n" for n in range(30)
)


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        monkeypatch.setenv("TOCSIN_SMTP_PORT", str(sink.port))
        settings.EMAIL_PORT = sink.port
        yield sink


@pytest.fixture
def assessed(tmp_path: Path, incident: Incident) -> Incident:
    ensure_default_templates()
    complete_handoff(incident)
    confirm_company()
    import_customers(incident, write_csv(tmp_path / "c.csv", CUSTOMERS))
    import_findings(incident, write_csv(tmp_path / "f.csv", FINDINGS))
    assess_incident(incident)
    return incident


def notify(incident: Incident) -> dict:
    job = wait_for_job(create_job(incident, "notify", {}, start_notification_job), 120)
    return job.result | {"delivery": wait_for_delivery(incident, timeout_s=120)}


@pytest.mark.django_db(transaction=True)
def test_run_sends_one_email_per_owed_person(
    assessed: Incident, smtp: SmtpSink, start_worker: Callable
) -> None:
    start_worker()

    result = notify(assessed)

    assert result["delivery"] == {"sent": 30}
    assert smtp.message_count == 30
    assert smtp.duplicate_recipients() == []


@pytest.mark.django_db(transaction=True)
def test_second_notify_sends_nothing(
    assessed: Incident, smtp: SmtpSink, start_worker: Callable
) -> None:
    start_worker()
    notify(assessed)

    second = notify(assessed)

    assert second["notices_created"] == 0
    assert smtp.message_count == 30


@pytest.mark.django_db(transaction=True)
def test_sent_email_carries_notice_headers(
    assessed: Incident, smtp: SmtpSink, start_worker: Callable
) -> None:
    start_worker()
    notify(assessed)

    message = smtp.handler.messages[0]
    notice = Notice.objects.get(pk=message["Message-ID"].split("-", 1)[1].split("@")[0])
    assert notice.status == Notice.Status.SENT
    assert message["List-Unsubscribe"] is None
    assert message.is_multipart()


@pytest.mark.django_db(transaction=True)
def test_unreachable_smtp_leaves_attempts_pending_for_retry(
    assessed: Incident, monkeypatch: pytest.MonkeyPatch, start_worker: Callable
) -> None:
    from tocsin.testing.smtp_sink import free_port

    monkeypatch.setenv("TOCSIN_SMTP_PORT", str(free_port()))
    start_worker()

    wait_for_job(create_job(assessed, "notify", {}, start_notification_job), 120)

    statuses = set(DeliveryAttempt.objects.values_list("status", flat=True))
    assert statuses <= {DeliveryAttempt.Status.PENDING, DeliveryAttempt.Status.SENDING}


def test_notices_wait_for_a_complete_handoff(
    tmp_path: Path, incident: Incident
) -> None:
    from tocsin.compliance.errors import HandoffIncomplete
    from tocsin.compliance.handoff import start_handoff
    from tocsin.delivery.outbox import plan_email_notices

    ensure_default_templates()
    confirm_company()
    start_handoff(str(incident.pk), actor="test-responder")
    import_customers(incident, write_csv(tmp_path / "c.csv", CUSTOMERS))
    import_findings(incident, write_csv(tmp_path / "f.csv", FINDINGS))
    assess_incident(incident)

    with pytest.raises(HandoffIncomplete) as raised:
        plan_email_notices(incident)

    assert "counsel_engaged, law_enforcement_delay" in str(raised.value)
    assert Notice.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_incident_completes_when_every_notice_ends(
    assessed: Incident, smtp: SmtpSink, start_worker: Callable
) -> None:
    start_worker()

    notify(assessed)

    # The worker records completion just after the last attempt ends.
    for _ in range(100):
        assessed.refresh_from_db()
        if assessed.status == Incident.Status.COMPLETE:
            break
        time.sleep(0.1)
    assert assessed.status == Incident.Status.COMPLETE
    assert assessed.notifications_completed_at is not None


def test_notices_wait_for_a_confirmed_company(
    tmp_path: Path, incident: Incident
) -> None:
    from tocsin.delivery.outbox import plan_email_notices
    from tocsin.incidents.errors import CompanyProfileUnconfirmed

    ensure_default_templates()
    complete_handoff(incident)
    assess_incident(incident)

    with pytest.raises(CompanyProfileUnconfirmed) as raised:
        plan_email_notices(incident)

    assert "tocsin company confirm" in str(raised.value)


def test_notices_wait_for_a_fresh_assessment(
    tmp_path: Path, incident: Incident
) -> None:
    from tocsin.delivery.outbox import plan_email_notices
    from tocsin.incidents.errors import AssessmentOutdated

    ensure_default_templates()
    complete_handoff(incident)
    assess_incident(incident)
    confirm_company()

    with pytest.raises(AssessmentOutdated) as raised:
        plan_email_notices(incident)

    assert str(raised.value).startswith("the company profile changed after incident")

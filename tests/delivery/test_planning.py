from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.conftest import complete_handoff, confirm_company, write_csv
from tocsin.assessment.service import assess_incident
from tocsin.audit.models import AuditEvent
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.delivery.outbox import plan_email_notices
from tocsin.delivery.planning import delivery_plan_report, plan_followups
from tocsin.notices.templates import ensure_default_templates
from tocsin.reconciliation.imports import import_findings
from tocsin.sources.imports import import_customers

from .planning_fixtures import CUSTOMER_HEADER, findings_csv, plan_people

pytestmark = pytest.mark.django_db


def test_report_counts_email_first_with_letter_fallback(incident, tmp_path) -> None:
    plan_people(incident, tmp_path, 4)

    report = delivery_plan_report(incident)

    assert report.notices == 4
    assert report.primary_channel == {"email": 4}
    assert report.with_letter_fallback == 4
    assert report.unsatisfied == 4
    assert report.needs_substitute_notice == 0


def test_no_followups_while_email_is_pending(incident, tmp_path) -> None:
    plan_people(incident, tmp_path, 3)

    counts = plan_followups(incident)

    assert counts.created == {}
    assert DeliveryAttempt.objects.count() == 3


def test_bounced_email_gets_a_letter_attempt(incident, tmp_path) -> None:
    plan_people(incident, tmp_path, 3)
    DeliveryAttempt.objects.update(status=DeliveryAttempt.Status.BOUNCED)

    counts = plan_followups(incident)

    assert counts.created == {"letter": 3}
    letters = DeliveryAttempt.objects.filter(channel="letter")
    assert letters.count() == 3
    assert {a.idempotency_key.split(":", 1)[1] for a in letters} == {"letter:1"}
    assert AuditEvent.objects.filter(action="delivery.followups_planned").exists()


def test_followups_are_created_once(incident, tmp_path) -> None:
    plan_people(incident, tmp_path, 2)
    DeliveryAttempt.objects.update(status=DeliveryAttempt.Status.FAILED)
    plan_followups(incident)

    second = plan_followups(incident)

    assert second.created == {}
    assert DeliveryAttempt.objects.filter(channel="letter").count() == 2


def test_sms_alerts_when_enabled(incident, tmp_path) -> None:
    plan_people(incident, tmp_path, 2)

    with override_settings(TOCSIN_SMS_ALERTS=True):
        counts = plan_followups(incident)

    assert counts.created == {"sms": 2}


def test_smtp_email_satisfies_after_quiet_wait(incident, tmp_path) -> None:
    plan_people(incident, tmp_path, 2)
    sent_at = timezone.now() - timedelta(hours=73)
    DeliveryAttempt.objects.update(
        status=DeliveryAttempt.Status.SENT, finished_at=sent_at
    )

    report = delivery_plan_report(incident)

    assert report.satisfied_by == {"email": 2}
    assert report.unsatisfied == 0


def plan_person_without_email(incident, tmp_path) -> None:
    ensure_default_templates()
    confirm_company()
    complete_handoff(incident)
    customers = CUSTOMER_HEADER + "300,Test,Person,,,1 Main St,Austin,TX,US,78701\n"
    import_customers(incident, write_csv(tmp_path / "c.csv", customers))
    import_findings(incident, write_csv(tmp_path / "f.csv", findings_csv(1)))
    assess_incident(incident)
    plan_email_notices(incident)


def test_person_without_email_gets_letter_first(incident, tmp_path) -> None:
    plan_person_without_email(incident, tmp_path)

    report = delivery_plan_report(incident)

    assert report.primary_channel == {"letter": 1}
    assert report.needs_substitute_notice == 0
    assert report.notice_status == {Notice.Status.NO_CHANNEL: 1}


def test_letter_reopens_a_notice_email_could_not_serve(incident, tmp_path) -> None:
    plan_person_without_email(incident, tmp_path)

    counts = plan_followups(incident)

    assert counts.created == {"letter": 1}
    assert counts.reopened_notices == 1
    assert Notice.objects.get().status == Notice.Status.PLANNED

import pytest
from django.test import override_settings

from tocsin.delivery.errors import ProviderUnavailable
from tocsin.delivery.models import DeliveryAttempt, Notice
from tocsin.delivery.planning import plan_followups
from tocsin.delivery.sms_attempts import send_sms_attempts

from .conftest import twilio_provider
from .planning_fixtures import plan_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_attempt_ids(incident, tmp_path) -> list[str]:
    plan_people(incident, tmp_path, 3)
    with override_settings(TOCSIN_SMS_ALERTS=True):
        plan_followups(incident)
    return [
        str(pk)
        for pk in DeliveryAttempt.objects.filter(channel="sms").values_list(
            "pk", flat=True
        )
    ]


def test_sms_alerts_are_sent_and_recorded(twilio, sms_attempt_ids) -> None:
    with override_settings(TOCSIN_DELIVERY_SMS_PROVIDERS=[twilio_provider(twilio)]):
        sent = send_sms_attempts(sms_attempt_ids)

    attempts = DeliveryAttempt.objects.filter(channel="sms")
    assert sent == 3
    assert set(attempts.values_list("status", flat=True)) == {"sent"}
    assert set(attempts.values_list("provider_message_id", flat=True)) == {
        m["sid"] for m in twilio.messages
    }


def test_sms_alert_leaves_the_notice_status_alone(twilio, sms_attempt_ids) -> None:
    with override_settings(TOCSIN_DELIVERY_SMS_PROVIDERS=[twilio_provider(twilio)]):
        send_sms_attempts(sms_attempt_ids)

    assert set(Notice.objects.values_list("status", flat=True)) == {"planned"}


def test_sms_body_points_to_the_notice_only(twilio, sms_attempt_ids) -> None:
    with override_settings(TOCSIN_DELIVERY_SMS_PROVIDERS=[twilio_provider(twilio)]):
        send_sms_attempts(sms_attempt_ids)

    body = twilio.messages[0]["Body"]
    assert "https://www.example.com/security" in body
    assert "Test" not in body
    assert "@" not in body


def test_opted_out_alert_fails_and_others_go(twilio, sms_attempt_ids) -> None:
    twilio.opted_out.add("+12025550001")

    with override_settings(TOCSIN_DELIVERY_SMS_PROVIDERS=[twilio_provider(twilio)]):
        sent = send_sms_attempts(sms_attempt_ids)

    failed = DeliveryAttempt.objects.get(channel="sms", status="failed")
    assert sent == 2
    assert failed.error_code == "RecipientOptedOut"


def test_outage_releases_the_alert_for_retry(twilio, sms_attempt_ids) -> None:
    twilio.fail_next(503, {"code": 20503, "message": "down", "status": 503})

    with override_settings(TOCSIN_DELIVERY_SMS_PROVIDERS=[twilio_provider(twilio)]):
        with pytest.raises(ProviderUnavailable):
            send_sms_attempts(sms_attempt_ids)

    statuses = set(
        DeliveryAttempt.objects.filter(channel="sms").values_list("status", flat=True)
    )
    assert statuses == {"pending"}


def test_missing_sms_provider_keeps_alerts_pending(sms_attempt_ids) -> None:
    from tocsin.delivery.errors import ProviderMisconfigured

    with override_settings(TOCSIN_DELIVERY_SMS_PROVIDERS=[]):
        with pytest.raises(ProviderMisconfigured):
            send_sms_attempts(sms_attempt_ids)

    statuses = set(
        DeliveryAttempt.objects.filter(channel="sms").values_list("status", flat=True)
    )
    assert statuses == {"pending"}

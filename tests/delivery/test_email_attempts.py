import pytest
from django.test import override_settings

from tocsin.delivery.email_attempts import send_email_attempts_via_providers
from tocsin.delivery.errors import ProviderUnavailable
from tocsin.delivery.models import DeliveryAttempt, Notice

from .conftest import postmark_provider, sendgrid_provider
from .planning_fixtures import plan_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt_ids(incident, tmp_path) -> list[str]:
    plan_people(incident, tmp_path, 3)
    return [str(pk) for pk in DeliveryAttempt.objects.values_list("pk", flat=True)]


def test_attempts_go_through_the_first_provider(postmark, attempt_ids) -> None:
    with override_settings(
        TOCSIN_DELIVERY_EMAIL_PROVIDERS=[postmark_provider(postmark)]
    ):
        sent = send_email_attempts_via_providers(attempt_ids)

    attempts = DeliveryAttempt.objects.all()
    assert sent == 3
    assert set(attempts.values_list("status", flat=True)) == {"sent"}
    assert set(attempts.values_list("provider", flat=True)) == {"postmark"}
    assert set(attempts.values_list("provider_message_id", flat=True)) == {
        message["MessageID"] for message in postmark.sent
    }


def test_failing_provider_fails_over(postmark, sendgrid, attempt_ids) -> None:
    postmark.fail_next(503, {"ErrorCode": 503, "Message": "down"}, count=10)
    providers = [postmark_provider(postmark), sendgrid_provider(sendgrid)]

    with override_settings(TOCSIN_DELIVERY_EMAIL_PROVIDERS=providers):
        send_email_attempts_via_providers(attempt_ids)

    assert set(DeliveryAttempt.objects.values_list("provider", flat=True)) == {
        "sendgrid"
    }
    assert len(sendgrid.sent) == 3


def test_rejected_recipient_fails_only_its_attempt(postmark, attempt_ids) -> None:
    postmark.inactive.add("person1@example.com")

    with override_settings(
        TOCSIN_DELIVERY_EMAIL_PROVIDERS=[postmark_provider(postmark)]
    ):
        sent = send_email_attempts_via_providers(attempt_ids)

    failed = DeliveryAttempt.objects.get(status="failed")
    assert sent == 2
    assert failed.error_code == "RecipientRejected"
    assert failed.notice.status == Notice.Status.FAILED


def test_timeout_marks_the_attempt_in_doubt(postmark, attempt_ids) -> None:
    config = postmark_provider(postmark)
    config["options"]["timeout"] = 0.3
    postmark.delay_next(2.0)

    with override_settings(TOCSIN_DELIVERY_EMAIL_PROVIDERS=[config]):
        with pytest.raises(ProviderUnavailable):
            send_email_attempts_via_providers(attempt_ids)

    statuses = sorted(DeliveryAttempt.objects.values_list("status", flat=True))
    assert statuses == ["in_doubt", "pending", "pending"]


def test_sent_attempts_are_counted_in_metrics(postmark, attempt_ids) -> None:
    from prometheus_client import REGISTRY

    labels = {"channel": "email", "provider": "postmark", "outcome": "sent"}
    before = REGISTRY.get_sample_value("tocsin_delivery_outcomes_total", labels) or 0

    with override_settings(
        TOCSIN_DELIVERY_EMAIL_PROVIDERS=[postmark_provider(postmark)]
    ):
        send_email_attempts_via_providers(attempt_ids)

    after = REGISTRY.get_sample_value("tocsin_delivery_outcomes_total", labels)
    assert after - before == 3


def test_misconfigured_providers_keep_attempts_pending(attempt_ids) -> None:
    from tocsin.delivery.errors import ProviderMisconfigured

    broken = {
        "name": "postmark",
        "backend": "anymail.backends.postmark.EmailBackend",
        "options": {},
    }

    with override_settings(TOCSIN_DELIVERY_EMAIL_PROVIDERS=[broken], ANYMAIL={}):
        with pytest.raises(ProviderMisconfigured):
            send_email_attempts_via_providers(attempt_ids)

    assert set(DeliveryAttempt.objects.values_list("status", flat=True)) == {"pending"}

import time

import pytest
from django.core import mail
from django.test import override_settings

from tocsin.delivery.email import (
    EmailProvider,
    build_notice_email,
    email_chain,
    notice_message_id,
    send_notice_email,
)
from tocsin.delivery.errors import (
    DeliveryPermanentError,
    ProviderMisconfigured,
    ProviderThrottled,
    ProviderUnavailable,
    RecipientRejected,
)
from tocsin.delivery.providers import ProviderChain

from .conftest import mailgun_provider, postmark_provider, sendgrid_provider


def notice_email(to: str = "person@example.com"):
    return build_notice_email(
        notice_id="notice-1",
        to=to,
        subject="Notice of data breach",
        text_body="We are writing to tell you about a data breach.",
        html_body="<p>We are writing to tell you about a data breach.</p>",
    )


def test_message_id_is_stable_for_one_notice() -> None:
    first = notice_message_id("notice-1", "notices.example.com")
    second = notice_message_id("notice-1", "notices.example.com")

    assert first == second
    assert first.startswith("<notice.")
    assert first.endswith("@notices.example.com>")


def test_message_id_differs_between_notices() -> None:
    assert notice_message_id("a", "example.com") != notice_message_id(
        "b", "example.com"
    )


def test_message_id_does_not_reveal_the_notice_id() -> None:
    assert "notice-42" not in notice_message_id("notice-42", "example.com")


def test_message_id_rejects_a_domain_with_an_at_sign() -> None:
    with pytest.raises(ValueError, match="invalid Message-ID domain"):
        notice_message_id("n", "a@example.com")


@override_settings(TOCSIN_MESSAGE_ID_DOMAIN="mail.example.org")
def test_notice_email_has_text_then_html_and_no_unsubscribe() -> None:
    message = notice_email().message()

    parts = [part.get_content_type() for part in message.get_payload()]
    assert message.get_content_type() == "multipart/alternative"
    assert parts == ["text/plain", "text/html"]
    assert message["Message-ID"] == notice_message_id("notice-1", "mail.example.org")
    assert message["List-Unsubscribe"] is None
    assert message["Auto-Submitted"] == "auto-generated"


def test_notice_email_without_text_part_is_rejected() -> None:
    with pytest.raises(ValueError, match="notice 'n-2' has an empty plain-text part"):
        build_notice_email(
            notice_id="n-2",
            to="a@example.com",
            subject="s",
            text_body=" ",
            html_body="<p>x",
        )


def test_postmark_send_returns_postmark_message_id(postmark) -> None:
    provider = EmailProvider(**_args(postmark_provider(postmark)))

    receipt = provider.send(notice_email(), idempotency_key="att-1")

    assert receipt.provider == "postmark"
    assert receipt.provider_message_id == postmark.sent[0]["MessageID"]
    assert receipt.status == "sent"
    assert postmark.sent[0]["Metadata"] == {"tocsin_attempt": "att-1"}
    assert postmark.sent[0]["TextBody"].startswith("We are writing")


def test_postmark_send_carries_the_notice_message_id(postmark) -> None:
    provider = EmailProvider(**_args(postmark_provider(postmark)))

    provider.send(notice_email(), idempotency_key="att-1")

    headers = {h["Name"]: h["Value"] for h in postmark.sent[0]["Headers"]}
    assert headers["Message-ID"] == notice_message_id("notice-1", "notices.example.com")


def test_postmark_inactive_recipient_raises_recipient_rejected(postmark) -> None:
    postmark.inactive.add("gone@example.com")
    provider = EmailProvider(**_args(postmark_provider(postmark)))

    with pytest.raises(RecipientRejected) as caught:
        provider.send(notice_email("gone@example.com"), idempotency_key="att-2")

    assert (
        str(caught.value) == "provider 'postmark' attempt 'att-2': recipient rejected"
    )


def test_provider_error_message_never_quotes_the_address(postmark) -> None:
    postmark.inactive.add("gone@example.com")
    provider = EmailProvider(**_args(postmark_provider(postmark)))

    with pytest.raises(RecipientRejected) as caught:
        provider.send(notice_email("gone@example.com"), idempotency_key="att-2")

    assert "gone@example.com" not in str(caught.value)


def test_provider_server_error_raises_provider_unavailable(postmark) -> None:
    postmark.fail_next(500, {"ErrorCode": 500, "Message": "Internal"})
    provider = EmailProvider(**_args(postmark_provider(postmark)))

    with pytest.raises(ProviderUnavailable) as caught:
        provider.send(notice_email(), idempotency_key="att-3")

    assert str(caught.value) == "provider 'postmark' attempt 'att-3': HTTP 500"
    assert caught.value.in_doubt is False


def test_provider_429_raises_throttled_with_retry_after(sendgrid) -> None:
    sendgrid.fail_next(429, {"errors": []}, **{"Retry-After": "7"})
    provider = EmailProvider(**_args(sendgrid_provider(sendgrid)))

    with pytest.raises(ProviderThrottled) as caught:
        provider.send(notice_email(), idempotency_key="att-4")

    assert caught.value.retry_after == 7.0


def test_wrong_api_key_raises_misconfigured(sendgrid) -> None:
    config = sendgrid_provider(sendgrid)
    config["options"]["api_key"] = "SG.wrong"
    provider = EmailProvider(**_args(config))

    with pytest.raises(
        ProviderMisconfigured, match="HTTP 401; check the provider's API key"
    ):
        provider.send(notice_email(), idempotency_key="att-5")


def test_sendgrid_send_tags_the_attempt_in_custom_args(sendgrid) -> None:
    provider = EmailProvider(**_args(sendgrid_provider(sendgrid)))

    receipt = provider.send(notice_email(), idempotency_key="att-6")

    personalization = sendgrid.sent[0]["personalizations"][0]
    assert sendgrid.sent[0]["custom_args"]["tocsin_attempt"] == "att-6"
    assert personalization["custom_args"]["anymail_id"] == receipt.provider_message_id
    assert receipt.status == "queued"


def test_mailgun_send_returns_message_id_and_user_variable(mailgun) -> None:
    provider = EmailProvider(**_args(mailgun_provider(mailgun)))

    receipt = provider.send(notice_email(), idempotency_key="att-7")

    assert receipt.provider_message_id == f"<{mailgun.sent[0]['id']}>"
    assert mailgun.sent[0]["v:tocsin_attempt"] == "att-7"
    assert mailgun.sent[0]["text"].startswith("We are writing")


def test_unreachable_provider_raises_unavailable_not_in_doubt() -> None:
    config = {
        "name": "postmark",
        "backend": "anymail.backends.postmark.EmailBackend",
        "options": {"server_token": "k", "api_url": "http://127.0.0.1:9/"},
    }
    provider = EmailProvider(**_args(config))

    with pytest.raises(ProviderUnavailable) as caught:
        provider.send(notice_email(), idempotency_key="att-8")

    assert caught.value.in_doubt is False


def test_read_timeout_raises_unavailable_in_doubt(postmark) -> None:
    config = postmark_provider(postmark)
    config["options"]["timeout"] = 0.3
    postmark.delay_next(1.0)
    provider = EmailProvider(**_args(config))

    with pytest.raises(ProviderUnavailable) as caught:
        provider.send(notice_email(), idempotency_key="att-9")

    assert caught.value.in_doubt is True


def test_list_unsubscribe_header_is_refused_before_sending(postmark) -> None:
    message = notice_email()
    message.extra_headers["List-Unsubscribe"] = "<https://example.com/u>"
    provider = EmailProvider(**_args(postmark_provider(postmark)))

    with pytest.raises(DeliveryPermanentError, match="List-Unsubscribe"):
        provider.send(message, idempotency_key="att-10")

    assert postmark.requests == []


def test_ses_without_boto3_raises_misconfigured_naming_the_package(ses) -> None:
    pytest.importorskip("anymail")
    try:
        import boto3  # noqa: F401

        pytest.skip("boto3 is installed; this test covers its absence")
    except ImportError:
        pass
    config = {
        "name": "amazon_ses",
        "backend": "anymail.backends.amazon_ses.EmailBackend",
        "options": {"client_params": {"endpoint_url": ses.url}},
    }
    provider = EmailProvider(**_args(config))

    with pytest.raises(ProviderMisconfigured, match="boto3"):
        provider.send(notice_email(), idempotency_key="att-11")


def test_ses_send_through_boto3_reaches_the_fake(ses) -> None:
    pytest.importorskip("boto3", reason="anymail's SES backend needs boto3")
    config = {
        "name": "amazon_ses",
        "backend": "anymail.backends.amazon_ses.EmailBackend",
        "options": {
            "client_params": {
                "endpoint_url": ses.url,
                "region_name": "us-east-1",
                "aws_access_key_id": "AKIDEXAMPLE",
                "aws_secret_access_key": "fake",
            }
        },
    }
    provider = EmailProvider(**_args(config))

    receipt = provider.send(notice_email(), idempotency_key="att-12")

    assert receipt.provider_message_id == ses.sent[0]["MessageId"]


def test_chain_fails_over_to_the_next_provider(postmark, sendgrid) -> None:
    postmark.fail_next(503, {"ErrorCode": 503, "Message": "down"})
    providers = [postmark_provider(postmark), sendgrid_provider(sendgrid)]

    with override_settings(TOCSIN_DELIVERY_EMAIL_PROVIDERS=providers):
        receipt = send_notice_email(notice_email(), idempotency_key="att-13")

    assert receipt.provider == "sendgrid"
    assert len(sendgrid.sent) == 1


def test_chain_stops_at_a_rejected_recipient(postmark, sendgrid) -> None:
    postmark.inactive.add("gone@example.com")
    providers = [postmark_provider(postmark), sendgrid_provider(sendgrid)]

    with override_settings(TOCSIN_DELIVERY_EMAIL_PROVIDERS=providers):
        with pytest.raises(RecipientRejected):
            send_notice_email(notice_email("gone@example.com"), idempotency_key="a-14")

    assert sendgrid.requests == []


def test_chain_without_providers_names_the_setting() -> None:
    with override_settings(TOCSIN_DELIVERY_EMAIL_PROVIDERS=[]):
        with pytest.raises(ProviderMisconfigured) as caught:
            email_chain()

    assert str(caught.value) == (
        "no email providers configured; set TOCSIN_DELIVERY_EMAIL_PROVIDERS"
    )


def test_all_providers_down_raises_unavailable_naming_them(postmark, sendgrid) -> None:
    postmark.fail_next(500)
    sendgrid.fail_next(500)
    chain = ProviderChain(
        "email",
        [
            EmailProvider(**_args(postmark_provider(postmark))),
            EmailProvider(**_args(sendgrid_provider(sendgrid))),
        ],
    )

    with pytest.raises(ProviderUnavailable) as caught:
        send_notice_email(notice_email(), idempotency_key="att-15", chain=chain)

    assert str(caught.value) == (
        "all email providers failed for attempt 'att-15' (postmark, sendgrid)"
    )


def test_locmem_backend_is_a_provider_too() -> None:
    provider = EmailProvider(
        "memory", "django.core.mail.backends.locmem.EmailBackend", {}
    )

    receipt = provider.send(notice_email(), idempotency_key="att-16")

    assert receipt.provider_message_id == notice_message_id(
        "notice-1", "notices.example.com"
    )
    assert len(mail.outbox) == 1


def _args(config: dict) -> dict:
    return {
        "name": config["name"],
        "backend": config["backend"],
        "options": config["options"],
    }


def test_slow_provider_fails_over_within_its_timeout(postmark, sendgrid) -> None:
    slow = postmark_provider(postmark)
    slow["options"]["timeout"] = 0.3
    postmark.delay_next(3.0)
    started = time.monotonic()

    with override_settings(
        TOCSIN_DELIVERY_EMAIL_PROVIDERS=[slow, sendgrid_provider(sendgrid)]
    ):
        receipt = send_notice_email(notice_email(), idempotency_key="att-17")

    assert receipt.provider == "sendgrid"
    assert receipt.in_doubt_providers == ("postmark",)
    assert time.monotonic() - started < 2.0


def test_open_breaker_stops_calls_to_a_failing_provider(postmark, sendgrid) -> None:
    postmark.fail_next(500, count=10)
    providers = [postmark_provider(postmark), sendgrid_provider(sendgrid)]

    with override_settings(
        TOCSIN_DELIVERY_EMAIL_PROVIDERS=providers, TOCSIN_BREAKER_FAILURE_THRESHOLD=2
    ):
        for n in range(5):
            send_notice_email(notice_email(), idempotency_key=f"att-18-{n}")

    assert len(postmark.requests) == 2
    assert len(sendgrid.sent) == 5


def test_rate_limit_throttles_before_calling_the_provider(postmark) -> None:
    config = postmark_provider(postmark) | {"rate_per_second": 0.01, "burst": 1}

    with override_settings(TOCSIN_DELIVERY_EMAIL_PROVIDERS=[config]):
        send_notice_email(notice_email(), idempotency_key="att-19")
        with pytest.raises(ProviderThrottled):
            send_notice_email(notice_email(), idempotency_key="att-20")

    assert len(postmark.requests) == 1

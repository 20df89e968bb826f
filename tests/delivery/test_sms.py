import pytest
from django.test import override_settings

from tocsin.delivery.errors import (
    DeliveryPermanentError,
    InvalidRecipient,
    ProviderMisconfigured,
    ProviderThrottled,
    ProviderUnavailable,
    RecipientOptedOut,
)
from tocsin.delivery.sms import (
    check_sms_body,
    check_sms_country,
    compose_sms_alert,
    count_segments,
    normalize_number,
    send_sms,
    sms_encoding,
)

from .conftest import twilio_provider

ALERT = compose_sms_alert("Example Shop", "https://example.com/n/AB12", "AB12")


@pytest.mark.parametrize(
    ("body", "encoding", "segments"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),
        ("€" * 81, "GSM-7", 2),
        ("ж" * 70, "UCS-2", 1),
        ("ж" * 71, "UCS-2", 2),
        ("ж" * 134, "UCS-2", 2),
        ("ж" * 135, "UCS-2", 3),
        ("😀" * 35, "UCS-2", 1),
        ("😀" * 36, "UCS-2", 2),
        ("", "GSM-7", 0),
    ],
)
def test_segment_count_follows_encoding_limits(body, encoding, segments) -> None:
    assert sms_encoding(body) == encoding
    assert count_segments(body) == segments


def test_escape_pair_is_not_split_across_segments() -> None:
    # 152 plain characters then a two-septet euro sign: the euro cannot
    # take the 153rd septet alone, so it moves to segment two.
    body = "a" * 152 + "€" + "a" * 152

    assert count_segments(body) == 3


def test_number_is_normalized_to_e164() -> None:
    assert normalize_number("(202) 555-0123") == "+12025550123"


def test_unparsable_number_message_names_no_digits() -> None:
    with pytest.raises(InvalidRecipient) as caught:
        normalize_number("call me maybe")

    assert str(caught.value) == (
        "phone number could not be parsed (NOT_A_NUMBER); "
        "check the contact's phone field"
    )


def test_number_in_disallowed_country_is_rejected() -> None:
    with override_settings(TOCSIN_SMS_ALLOWED_COUNTRIES=["US", "CA"]):
        with pytest.raises(InvalidRecipient) as caught:
            check_sms_country("+447700900123")

    assert str(caught.value) == (
        "SMS to country 'GB' is not allowed; "
        "allowed: US, CA (TOCSIN_SMS_ALLOWED_COUNTRIES)"
    )


def test_number_not_in_e164_form_is_rejected() -> None:
    with pytest.raises(InvalidRecipient, match="not in E.164 form"):
        check_sms_country("202-555-0123")


def test_alert_text_fits_one_segment() -> None:
    assert count_segments(ALERT) == 1


def test_body_over_segment_limit_is_rejected() -> None:
    body = ALERT + " " + "x" * 300

    with override_settings(TOCSIN_SMS_MAX_SEGMENTS=2):
        with pytest.raises(DeliveryPermanentError) as caught:
            check_sms_body(body, "+12025550123")

    assert str(caught.value) == (
        "SMS body needs 3 segments (GSM-7); the limit is 2 (TOCSIN_SMS_MAX_SEGMENTS)"
    )


def test_body_without_notice_link_is_rejected() -> None:
    with pytest.raises(DeliveryPermanentError, match="no https:// link"):
        check_sms_body("Please call us.", "+12025550123")


def test_body_with_email_address_is_rejected() -> None:
    body = ALERT + " Your account person@example.com was affected."

    with pytest.raises(DeliveryPermanentError, match="contains an email address"):
        check_sms_body(body, "+12025550123")


def test_body_with_card_digits_is_rejected() -> None:
    body = ALERT + " Card 4111 1111 1111 1111."

    with pytest.raises(DeliveryPermanentError, match="phone or account number"):
        check_sms_body(body, "+12025550123")


def test_body_with_the_recipient_number_is_rejected() -> None:
    body = "Text 5550123 or read https://example.com/n/1"

    with pytest.raises(DeliveryPermanentError, match="phone or account number"):
        check_sms_body(body, "+12025550123")


@pytest.fixture
def one_twilio(twilio):
    with override_settings(
        TOCSIN_DELIVERY_SMS_PROVIDERS=[twilio_provider(twilio)],
        TOCSIN_SMS_STATUS_CALLBACK_URL="https://tocsin.example.com/delivery/webhooks/twilio",
    ):
        yield twilio


def test_send_sms_creates_a_twilio_message(one_twilio) -> None:
    receipt = send_sms("+12025550123", ALERT, idempotency_key="att-1")

    (message,) = one_twilio.messages
    assert receipt.provider == "twilio"
    assert receipt.channel == "sms"
    assert receipt.provider_message_id == message["sid"]
    assert receipt.status == "queued"
    assert message["To"] == "+12025550123"
    assert message["From"] == "+12025550100"
    assert message["Body"] == ALERT


def test_send_sms_puts_attempt_key_in_status_callback(one_twilio) -> None:
    send_sms("+12025550123", ALERT, idempotency_key="att-2")

    assert one_twilio.messages[0]["StatusCallback"] == (
        "https://tocsin.example.com/delivery/webhooks/twilio/twilio/?attempt=att-2"
    )


def test_opted_out_recipient_raises_recipient_opted_out(one_twilio) -> None:
    one_twilio.opted_out.add("+12025550199")

    with pytest.raises(RecipientOptedOut) as caught:
        send_sms("+12025550199", ALERT, idempotency_key="att-3")

    assert str(caught.value) == (
        "provider 'twilio' attempt 'att-3': Twilio error 21610 (recipient unsubscribed)"
    )


def test_invalid_number_raises_invalid_recipient(one_twilio) -> None:
    one_twilio.invalid.add("+12025550198")

    with pytest.raises(InvalidRecipient) as caught:
        send_sms("+12025550198", ALERT, idempotency_key="att-4")

    assert str(caught.value) == (
        "provider 'twilio' attempt 'att-4': "
        "Twilio error 21211 (number cannot receive SMS)"
    )


def test_twilio_429_raises_throttled(one_twilio) -> None:
    one_twilio.fail_next(
        429, {"code": 20429, "message": "Too Many Requests", "status": 429}
    )

    with pytest.raises(ProviderThrottled):
        send_sms("+12025550123", ALERT, idempotency_key="att-5")


def test_twilio_wrong_token_raises_misconfigured(twilio) -> None:
    config = twilio_provider(twilio) | {"auth_token": "wrong"}

    with override_settings(TOCSIN_DELIVERY_SMS_PROVIDERS=[config]):
        with pytest.raises(ProviderMisconfigured):
            send_sms("+12025550123", ALERT, idempotency_key="att-6")


def test_twilio_outage_fails_over_to_second_account(twilio, twilio_backup) -> None:
    twilio.fail_next(
        503, {"code": 20503, "message": "Service Unavailable", "status": 503}
    )
    providers = [
        twilio_provider(twilio),
        twilio_provider(twilio_backup, name="twilio-backup"),
    ]

    with override_settings(TOCSIN_DELIVERY_SMS_PROVIDERS=providers):
        receipt = send_sms("+12025550123", ALERT, idempotency_key="att-7")

    assert receipt.provider == "twilio-backup"
    assert twilio.messages == []
    assert len(twilio_backup.messages) == 1


def test_opt_out_does_not_fail_over(twilio, twilio_backup) -> None:
    twilio.opted_out.add("+12025550199")
    providers = [
        twilio_provider(twilio),
        twilio_provider(twilio_backup, name="twilio-backup"),
    ]

    with override_settings(TOCSIN_DELIVERY_SMS_PROVIDERS=providers):
        with pytest.raises(RecipientOptedOut):
            send_sms("+12025550199", ALERT, idempotency_key="att-8")

    assert twilio_backup.requests == []


def test_unreachable_twilio_raises_unavailable() -> None:
    config = {
        "name": "twilio",
        "account_sid": "AC" + "0" * 32,
        "auth_token": "t",
        "from_number": "+12025550100",
        "api_base_url": "http://127.0.0.1:9",
    }

    with override_settings(TOCSIN_DELIVERY_SMS_PROVIDERS=[config]):
        with pytest.raises(ProviderUnavailable) as caught:
            send_sms("+12025550123", ALERT, idempotency_key="att-9")

    assert caught.value.in_doubt is False


def test_provider_without_sender_names_the_missing_setting() -> None:
    config = {"name": "twilio", "account_sid": "AC1", "auth_token": "t"}

    with override_settings(TOCSIN_DELIVERY_SMS_PROVIDERS=[config]):
        with pytest.raises(ProviderMisconfigured) as caught:
            send_sms("+12025550123", ALERT, idempotency_key="att-10")

    assert str(caught.value) == (
        "SMS provider 'twilio' lacks from_number or messaging_service_sid "
        "in TOCSIN_DELIVERY_SMS_PROVIDERS"
    )


def test_checks_run_before_any_provider_call(one_twilio) -> None:
    with pytest.raises(InvalidRecipient):
        send_sms("+447700900123", ALERT, idempotency_key="att-11")

    assert one_twilio.requests == []

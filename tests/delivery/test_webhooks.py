import json
import warnings

import pytest
from django.test import override_settings

from tocsin.delivery.email import EmailProvider, build_notice_email
from tocsin.delivery.events import BounceType, EventKind
from tocsin.delivery.sms import send_sms
from tocsin.testing.fakes import WebhookRequest
from tocsin.testing.fakes.ses import SIGNING_CERT_URL

from .conftest import (
    mailgun_provider,
    postmark_provider,
    sendgrid_provider,
    twilio_provider,
)

pytestmark = [pytest.mark.urls("tests.delivery.urls")]

CALLBACK_BASE = "http://testserver/delivery/webhooks/twilio"


def post(client, path: str, webhook: WebhookRequest):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return client.post(
            path,
            data=webhook.body,
            content_type=webhook.content_type,
            **webhook.headers,
        )


def send_one(config: dict, key: str = "att-1") -> str:
    provider = EmailProvider(config["name"], config["backend"], config["options"])
    message = build_notice_email(
        notice_id="n-1",
        to="person@example.com",
        subject="Notice",
        text_body="text",
        html_body="<p>text</p>",
    )
    return provider.send(message, idempotency_key=key).provider_message_id


def test_postmark_delivery_webhook_publishes_delivered(
    client, postmark, received_events
) -> None:
    message_id = send_one(postmark_provider(postmark))
    webhook = postmark.webhook(
        "Delivery",
        message_id=message_id,
        recipient="person@example.com",
        metadata={"tocsin_attempt": "att-1"},
    )

    with override_settings(ANYMAIL={"WEBHOOK_SECRET": "user:secret"}):
        response = post(client, "/delivery/webhooks/postmark/", webhook)

    assert response.status_code == 200
    (event,) = received_events
    assert event.provider == "postmark"
    assert event.kind is EventKind.DELIVERED
    assert event.provider_message_id == message_id
    assert event.attempt_key == "att-1"


def test_postmark_hard_bounce_is_hard_with_smtp_code(
    client, postmark, received_events
) -> None:
    message_id = send_one(postmark_provider(postmark))
    webhook = postmark.webhook(
        "Bounce", message_id=message_id, recipient="person@example.com"
    )

    with override_settings(ANYMAIL={"WEBHOOK_SECRET": "user:secret"}):
        post(client, "/delivery/webhooks/postmark/", webhook)

    (event,) = received_events
    assert event.kind is EventKind.BOUNCED
    assert event.bounce is BounceType.HARD
    assert event.code == "5.1.1"


def test_postmark_soft_bounce_is_soft(client, postmark, received_events) -> None:
    webhook = postmark.webhook(
        "Bounce",
        message_id="m-1",
        recipient="person@example.com",
        bounce_type="SoftBounce",
        details="smtp;452 4.2.2 Mailbox full",
    )

    with override_settings(ANYMAIL={"WEBHOOK_SECRET": "user:secret"}):
        post(client, "/delivery/webhooks/postmark/", webhook)

    (event,) = received_events
    assert event.bounce is BounceType.SOFT
    assert event.code == "4.2.2"


def test_postmark_webhook_with_wrong_password_is_rejected(
    client, postmark, received_events
) -> None:
    webhook = postmark.webhook(
        "Delivery", message_id="m-1", recipient="p@example.com", basic_auth="user:guess"
    )

    with override_settings(ANYMAIL={"WEBHOOK_SECRET": "user:secret"}):
        response = post(client, "/delivery/webhooks/postmark/", webhook)

    assert response.status_code == 400
    assert received_events == []


def test_postmark_webhook_without_configured_secret_is_rejected(
    client, postmark, received_events
) -> None:
    webhook = postmark.webhook("Delivery", message_id="m-1", recipient="p@example.com")

    with override_settings(ANYMAIL={}):
        response = post(client, "/delivery/webhooks/postmark/", webhook)

    assert response.status_code == 400
    assert received_events == []


def test_postmark_subscription_change_is_opted_out(
    client, postmark, received_events
) -> None:
    webhook = postmark.webhook(
        "SubscriptionChange", message_id="m-1", recipient="p@example.com"
    )

    with override_settings(ANYMAIL={"WEBHOOK_SECRET": "user:secret"}):
        post(client, "/delivery/webhooks/postmark/", webhook)

    (event,) = received_events
    assert event.kind is EventKind.OPTED_OUT


def sendgrid_settings(fake) -> dict:
    return {"SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY": fake.verification_key}


def test_sendgrid_signed_delivery_publishes_delivered(
    client, sendgrid, received_events
) -> None:
    message_id = send_one(sendgrid_provider(sendgrid), key="att-2")
    webhook = sendgrid.webhook([sendgrid.event_for(0, "delivered", response="250 OK")])

    with override_settings(ANYMAIL=sendgrid_settings(sendgrid)):
        response = post(client, "/delivery/webhooks/sendgrid/", webhook)

    assert response.status_code == 200
    (event,) = received_events
    assert event.provider == "sendgrid"
    assert event.kind is EventKind.DELIVERED
    assert event.provider_message_id == message_id
    assert event.attempt_key == "att-2"


def test_sendgrid_blocked_bounce_is_soft(client, sendgrid, received_events) -> None:
    send_one(sendgrid_provider(sendgrid))
    bounce = sendgrid.event_for(
        0, "bounce", type="blocked", status="4.7.1", reason="451 4.7.1 try later"
    )

    with override_settings(ANYMAIL=sendgrid_settings(sendgrid)):
        post(client, "/delivery/webhooks/sendgrid/", sendgrid.webhook([bounce]))

    (event,) = received_events
    assert event.bounce is BounceType.SOFT


def test_sendgrid_tampered_body_is_rejected(client, sendgrid, received_events) -> None:
    send_one(sendgrid_provider(sendgrid))
    webhook = sendgrid.webhook([sendgrid.event_for(0, "delivered")], tamper=True)

    with override_settings(ANYMAIL=sendgrid_settings(sendgrid)):
        response = post(client, "/delivery/webhooks/sendgrid/", webhook)

    assert response.status_code == 400
    assert received_events == []


def test_sendgrid_without_verification_key_is_rejected(
    client, sendgrid, received_events
) -> None:
    send_one(sendgrid_provider(sendgrid))
    webhook = sendgrid.webhook([sendgrid.event_for(0, "delivered")])

    with override_settings(ANYMAIL={"WEBHOOK_SECRET": "user:secret"}):
        response = post(
            client,
            "/delivery/webhooks/sendgrid/",
            WebhookRequest(
                webhook.body,
                webhook.content_type,
                webhook.headers | {"HTTP_AUTHORIZATION": "Basic dXNlcjpzZWNyZXQ="},
            ),
        )

    assert response.status_code == 400
    assert received_events == []


def test_sendgrid_open_event_publishes_nothing(
    client, sendgrid, received_events
) -> None:
    send_one(sendgrid_provider(sendgrid))
    webhook = sendgrid.webhook([sendgrid.event_for(0, "open")])

    with override_settings(ANYMAIL=sendgrid_settings(sendgrid)):
        response = post(client, "/delivery/webhooks/sendgrid/", webhook)

    assert response.status_code == 200
    assert received_events == []


def mailgun_settings(fake) -> dict:
    return {"MAILGUN_WEBHOOK_SIGNING_KEY": fake.signing_key}


def test_mailgun_permanent_failure_is_hard_bounce(
    client, mailgun, received_events
) -> None:
    send_one(mailgun_provider(mailgun), key="att-3")

    with override_settings(ANYMAIL=mailgun_settings(mailgun)):
        response = post(
            client, "/delivery/webhooks/mailgun/", mailgun.webhook("failed")
        )

    assert response.status_code == 200
    (event,) = received_events
    assert event.kind is EventKind.BOUNCED
    assert event.bounce is BounceType.HARD
    assert event.attempt_key == "att-3"
    assert event.code == "5.1.1"


def test_mailgun_temporary_failure_is_deferred(
    client, mailgun, received_events
) -> None:
    send_one(mailgun_provider(mailgun))
    webhook = mailgun.webhook("failed", severity="temporary", code=452)

    with override_settings(ANYMAIL=mailgun_settings(mailgun)):
        post(client, "/delivery/webhooks/mailgun/", webhook)

    (event,) = received_events
    assert event.kind is EventKind.DEFERRED


def test_mailgun_bad_signature_is_rejected(client, mailgun, received_events) -> None:
    send_one(mailgun_provider(mailgun))
    webhook = mailgun.webhook("delivered", bad_signature=True)

    with override_settings(ANYMAIL=mailgun_settings(mailgun)):
        response = post(client, "/delivery/webhooks/mailgun/", webhook)

    assert response.status_code == 400
    assert received_events == []


def ses_delivery_event(message_id: str = "0100-ses-1") -> dict:
    return {
        "eventType": "Delivery",
        "mail": {
            "timestamp": "2026-12-04T10:00:00.000Z",
            "messageId": message_id,
            "destination": ["person@example.com"],
            "headers": [{"name": "X-Metadata", "value": '{"tocsin_attempt": "att-4"}'}],
        },
        "delivery": {
            "timestamp": "2026-12-04T10:00:02.000Z",
            "recipients": ["person@example.com"],
            "smtpResponse": "250 2.6.0 Message received",
        },
    }


def ses_bounce_event(bounce_type: str) -> dict:
    return {
        "eventType": "Bounce",
        "mail": {"messageId": "0100-ses-2", "destination": ["person@example.com"]},
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": "General",
            "bouncedRecipients": [
                {
                    "emailAddress": "person@example.com",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown"
                    if bounce_type == "Permanent"
                    else "smtp; 452 4.2.2 mailbox full",
                }
            ],
        },
    }


@pytest.fixture
def ses_settings(ses, tmp_path):
    cert = tmp_path / "sns.pem"
    cert.write_bytes(ses.certificate_pem)
    with override_settings(
        ANYMAIL={"WEBHOOK_SECRET": "user:secret"},
        TOCSIN_SES_SNS_CERTIFICATES={SIGNING_CERT_URL: str(cert)},
    ):
        yield


@pytest.mark.parametrize("version", ["1", "2"])
def test_ses_signed_delivery_publishes_delivered(
    client, ses, ses_settings, received_events, version
) -> None:
    webhook = ses.notification(ses_delivery_event(), signature_version=version)

    response = post(client, "/delivery/webhooks/amazon-ses/", webhook)

    assert response.status_code == 200
    (event,) = received_events
    assert event.provider == "amazon_ses"
    assert event.kind is EventKind.DELIVERED
    assert event.provider_message_id == "0100-ses-1"
    assert event.attempt_key == "att-4"


@pytest.mark.parametrize(
    ("bounce_type", "expected"), [("Permanent", "hard"), ("Transient", "soft")]
)
def test_ses_bounce_type_sets_hard_or_soft(
    client, ses, ses_settings, received_events, bounce_type, expected
) -> None:
    webhook = ses.notification(ses_bounce_event(bounce_type))

    post(client, "/delivery/webhooks/amazon-ses/", webhook)

    (event,) = received_events
    assert event.bounce == expected


def test_ses_tampered_message_is_rejected(
    client, ses, ses_settings, received_events
) -> None:
    webhook = ses.notification(ses_delivery_event(), tamper=True)

    response = post(client, "/delivery/webhooks/amazon-ses/", webhook)

    assert response.status_code == 400
    assert received_events == []


def test_ses_unknown_certificate_is_rejected(client, ses, received_events) -> None:
    webhook = ses.notification(ses_delivery_event())

    with override_settings(
        ANYMAIL={"WEBHOOK_SECRET": "user:secret"}, TOCSIN_SES_SNS_CERTIFICATES={}
    ):
        response = post(client, "/delivery/webhooks/amazon-ses/", webhook)

    assert response.status_code == 400
    assert received_events == []


def test_ses_certificate_url_off_amazon_is_rejected(client, ses, ses_settings) -> None:
    webhook = ses.notification(ses_delivery_event())
    message = json.loads(webhook.body)
    message["SigningCertURL"] = "https://attacker.example.com/cert.pem"
    forged = WebhookRequest(
        json.dumps(message).encode(), webhook.content_type, webhook.headers
    )

    response = post(client, "/delivery/webhooks/amazon-ses/", forged)

    assert response.status_code == 400


@pytest.fixture
def sms_settings(twilio):
    with override_settings(
        TOCSIN_DELIVERY_SMS_PROVIDERS=[twilio_provider(twilio)],
        TOCSIN_SMS_STATUS_CALLBACK_URL=CALLBACK_BASE,
    ):
        yield


ALERT = (
    "Example Shop: we sent you a notice. "
    "Read it at https://example.com/n/AB12 (ref AB12)."
)


def test_twilio_delivered_callback_publishes_delivered(
    client, twilio, sms_settings, received_events
) -> None:
    receipt = send_sms("+12025550123", ALERT, idempotency_key="att-5")
    callback = twilio.status_callback(receipt.provider_message_id, "delivered")

    response = client.post(
        callback.url,
        data=callback.body,
        content_type=callback.content_type,
        **callback.headers,
    )

    assert response.status_code == 204
    (event,) = received_events
    assert event.channel == "sms"
    assert event.kind is EventKind.DELIVERED
    assert event.provider_message_id == receipt.provider_message_id
    assert event.attempt_key == "att-5"


def test_twilio_undelivered_callback_carries_error_code(
    client, twilio, sms_settings, received_events
) -> None:
    receipt = send_sms("+12025550123", ALERT, idempotency_key="att-6")
    callback = twilio.status_callback(
        receipt.provider_message_id, "undelivered", error_code="30003"
    )

    client.post(
        callback.url,
        data=callback.body,
        content_type=callback.content_type,
        **callback.headers,
    )

    (event,) = received_events
    assert event.kind is EventKind.FAILED
    assert event.code == "30003"


def test_twilio_callback_signed_with_wrong_token_is_forbidden(
    client, twilio, sms_settings, received_events
) -> None:
    receipt = send_sms("+12025550123", ALERT, idempotency_key="att-7")
    callback = twilio.status_callback(
        receipt.provider_message_id, "delivered", auth_token="not-the-token"
    )

    response = client.post(
        callback.url,
        data=callback.body,
        content_type=callback.content_type,
        **callback.headers,
    )

    assert response.status_code == 403
    assert received_events == []


def test_twilio_callback_for_unknown_provider_is_not_found(
    client, twilio, sms_settings
) -> None:
    receipt = send_sms("+12025550123", ALERT, idempotency_key="att-8")
    callback = twilio.status_callback(
        receipt.provider_message_id,
        "delivered",
        url=f"{CALLBACK_BASE}/other/?attempt=att-8",
    )

    response = client.post(
        callback.url,
        data=callback.body,
        content_type=callback.content_type,
        **callback.headers,
    )

    assert response.status_code == 404


def test_twilio_sent_callback_publishes_nothing(
    client, twilio, sms_settings, received_events
) -> None:
    receipt = send_sms("+12025550123", ALERT, idempotency_key="att-9")
    callback = twilio.status_callback(receipt.provider_message_id, "sent")

    client.post(
        callback.url,
        data=callback.body,
        content_type=callback.content_type,
        **callback.headers,
    )

    assert received_events == []

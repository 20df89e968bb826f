"""Provider webhooks: verified, normalized, and sent out as one signal.

Email providers post to anymail's tracking webhook views, subclassed here
so that each one fails closed: a request is rejected unless the view's
secret is configured, where anymail would only warn. Verification per
provider:

- SendGrid: ECDSA signature (anymail, ``SENDGRID_TRACKING_WEBHOOK_
  VERIFICATION_KEY``).
- Mailgun: HMAC-SHA256 signature (anymail, ``MAILGUN_WEBHOOK_SIGNING_KEY``).
- Postmark: no signature exists; HTTP basic auth (anymail,
  ``WEBHOOK_SECRET``).
- Amazon SES: SNS message signature, verified here against a local copy of
  Amazon's signing certificate (anymail does not verify it), plus basic
  auth. Tocsin never fetches the certificate while verifying.
- Twilio: ``X-Twilio-Signature`` via ``twilio.request_validator``.

Every event becomes a ``ProviderEvent`` sent with ``provider_event_received``;
delivery status code connects to that signal.
"""

import base64
import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import AnymailTrackingEvent
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.base import AnymailBaseWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from anymail.webhooks.sendgrid import SendGridTrackingWebhookView
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from twilio.request_validator import RequestValidator

from tocsin.delivery import conf
from tocsin.delivery.events import EventKind, ProviderEvent, event_from_anymail
from tocsin.delivery.metrics import METRICS

logger = logging.getLogger(__name__)

# Sent once per normalized event; keyword argument ``event``.
provider_event_received = Signal()

# anymail's esp_name to Tocsin's provider slug.
ESP_SLUGS = {
    "SendGrid": "sendgrid",
    "Postmark": "postmark",
    "Mailgun": "mailgun",
    "Amazon SES": "amazon_ses",
}


def publish_provider_event(event: ProviderEvent) -> None:
    """Send ``event`` to every receiver of ``provider_event_received``."""
    logger.info(
        "provider event received",
        extra={
            "provider": event.provider,
            "provider_message_id": event.provider_message_id,
            "kind": str(event.kind),
            "code": event.code,
            "attempt_key": event.attempt_key,
        },
    )
    METRICS.count_event(event)
    provider_event_received.send(sender=ProviderEvent, event=event)


def on_anymail_tracking(
    sender: Any, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any
) -> None:
    """Normalize an anymail tracking event and publish it (signal receiver)."""
    provider = ESP_SLUGS.get(esp_name, esp_name.lower().replace(" ", "_"))
    normalized = event_from_anymail(provider, event)
    if normalized is not None:
        publish_provider_event(normalized)


class _FailClosedMixin:
    """Reject every request while the view's secret is not configured."""

    secret_attribute = "basic_auth"
    secret_setting = "ANYMAIL['WEBHOOK_SECRET']"

    def validate_request(self, request: HttpRequest) -> None:
        if not getattr(self, self.secret_attribute, None):
            raise AnymailWebhookValidationFailure(
                f"webhook secret not configured: set {self.secret_setting}"
            )


class PostmarkWebhookView(_FailClosedMixin, PostmarkTrackingWebhookView):
    """Postmark tracking webhook; basic auth is its only protection."""


class SendGridWebhookView(_FailClosedMixin, SendGridTrackingWebhookView):
    """SendGrid tracking webhook with required ECDSA signature."""

    secret_attribute = "webhook_verification_key"
    secret_setting = "ANYMAIL['SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY']"


class MailgunWebhookView(_FailClosedMixin, MailgunTrackingWebhookView):
    """Mailgun tracking webhook with required HMAC signature."""

    secret_attribute = "webhook_signing_key"
    secret_setting = "ANYMAIL['MAILGUN_WEBHOOK_SIGNING_KEY']"


# Field names SNS signs, in order, per message type (AWS SNS developer
# guide, "Verifying the signatures of Amazon SNS messages").
_SNS_SIGNED_FIELDS = {
    "Notification": (
        "Message",
        "MessageId",
        "Subject",
        "Timestamp",
        "TopicArn",
        "Type",
    ),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
_SNS_SIGNED_FIELDS["UnsubscribeConfirmation"] = _SNS_SIGNED_FIELDS[
    "SubscriptionConfirmation"
]
_SNS_CERT_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")


def verify_sns_signature(message: dict[str, Any]) -> None:
    """Raise ``AnymailWebhookValidationFailure`` unless SNS signed ``message``.

    The certificate must be a local file named for its ``SigningCertURL`` in
    ``TOCSIN_SES_SNS_CERTIFICATES``: fetching it per request would let a
    forged message make the server fetch URLs, and the host may be offline.
    """
    cert_url = str(message.get("SigningCertURL", ""))
    parts = urlsplit(cert_url)
    if parts.scheme != "https" or not _SNS_CERT_HOST.fullmatch(parts.hostname or ""):
        raise AnymailWebhookValidationFailure("SNS SigningCertURL is not an SNS host")
    cert_path = conf.sns_certificates().get(cert_url)
    if not cert_path:
        raise AnymailWebhookValidationFailure(
            f"no local copy of SNS certificate {cert_url}; download it and add it "
            "to TOCSIN_SES_SNS_CERTIFICATES"
        )
    certificate = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    if certificate.not_valid_after_utc < datetime.now(UTC):
        raise AnymailWebhookValidationFailure(f"SNS certificate {cert_url} has expired")
    fields = _SNS_SIGNED_FIELDS.get(str(message.get("Type")))
    version = str(message.get("SignatureVersion"))
    if fields is None or version not in ("1", "2"):
        raise AnymailWebhookValidationFailure(
            "SNS message type or signature version unknown"
        )
    canonical = "".join(
        f"{name}\n{message[name]}\n" for name in fields if name in message
    )
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise AnymailWebhookValidationFailure("SNS certificate key is not RSA")
    try:
        signature = base64.b64decode(str(message.get("Signature", "")), validate=True)
        public_key.verify(signature, canonical.encode(), padding.PKCS1v15(), algorithm)
    except (InvalidSignature, ValueError) as error:
        raise AnymailWebhookValidationFailure(
            "SNS message signature is invalid"
        ) from error


class AmazonSesWebhookView(_FailClosedMixin, AmazonSESTrackingWebhookView):
    """SES tracking events through SNS, with SNS signatures verified.

    anymail's view needs boto3 only to confirm SNS subscriptions and read
    inbound mail from S3; this view does neither, so it runs without boto3.
    Subscriptions are confirmed once by hand, by opening the SubscribeURL
    that the logged SubscriptionConfirmation names.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.auto_confirm_enabled = False
        self.session_params, self.client_params = {}, {}
        AnymailBaseWebhookView.__init__(self, **kwargs)

    def validate_request(self, request: HttpRequest) -> None:
        message = self._parse_sns_message(request)
        verify_sns_signature(message)
        allowed_topics = conf.sns_topic_arns()
        if allowed_topics and message.get("TopicArn") not in allowed_topics:
            raise AnymailWebhookValidationFailure(
                "SNS topic is not in TOCSIN_SES_SNS_TOPIC_ARNS"
            )
        if message.get("Type") == "SubscriptionConfirmation":
            logger.warning(
                "sns subscription needs confirmation",
                extra={"topic_arn": message.get("TopicArn")},
            )


# Twilio MessageStatus values that settle an SMS; others (queued, sending,
# sent, accepted) are progress and produce no event.
_TWILIO_KINDS = {
    "delivered": EventKind.DELIVERED,
    "undelivered": EventKind.FAILED,
    "failed": EventKind.FAILED,
}


def event_from_twilio(
    provider: str, params: dict[str, str], attempt_key: str
) -> ProviderEvent | None:
    """Return the ``ProviderEvent`` for a Twilio status callback, or None."""
    kind = _TWILIO_KINDS.get(params.get("MessageStatus", ""))
    if kind is None:
        return None
    code = params.get("ErrorCode", "")
    if code == "21610":
        kind = EventKind.OPTED_OUT
    return ProviderEvent(
        provider=provider,
        provider_message_id=params.get("MessageSid", ""),
        kind=kind,
        occurred_at=datetime.now(UTC),
        code=code,
        attempt_key=attempt_key,
        channel="sms",
    )


@method_decorator(csrf_exempt, name="dispatch")
class TwilioStatusCallbackView(View):
    """Twilio's SMS status callbacks, verified by ``X-Twilio-Signature``."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, provider: str) -> HttpResponse:
        """Verify the callback and publish its event; 403 on bad signatures."""
        config = next(
            (p for p in conf.sms_providers() if p.get("name") == provider), None
        )
        if config is None:
            return HttpResponse(status=404)
        params = {key: request.POST[key] for key in request.POST}
        url = _signed_callback_url(request, provider)
        signature = request.headers.get("X-Twilio-Signature", "")
        if not RequestValidator(config["auth_token"]).validate(url, params, signature):
            logger.warning(
                "twilio callback signature invalid", extra={"provider": provider}
            )
            return HttpResponseForbidden("invalid X-Twilio-Signature")
        event = event_from_twilio(provider, params, request.GET.get("attempt", ""))
        if event is not None:
            publish_provider_event(event)
        return HttpResponse(status=204)


def _signed_callback_url(request: HttpRequest, provider: str) -> str:
    # Twilio signs the URL it was given. Behind a proxy the request's own
    # scheme and host differ, so rebuild it from the configured base.
    base = conf.sms_status_callback_url()
    if not base:
        return request.build_absolute_uri()
    query = request.META.get("QUERY_STRING", "")
    return f"{base.rstrip('/')}/{provider}/" + (f"?{query}" if query else "")

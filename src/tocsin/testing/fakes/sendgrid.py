"""A fake SendGrid: the v3 ``POST /v3/mail/send`` API and signed webhooks.

Send API as documented at docs.sendgrid.com (v3 Mail Send): a bearer API
key, a JSON body with ``personalizations``, and ``202 Accepted`` with an
``X-Message-Id`` header. Event webhooks are signed as SendGrid's "Signed
Event Webhook" does: ECDSA P-256 with SHA-256 over the timestamp header
followed by the raw body, sent base64 in
``X-Twilio-Email-Event-Webhook-Signature``.
"""

import base64
import json
import time
import uuid
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tocsin.testing.fakes import (
    FakeHttpServer,
    FakeResponse,
    RecordedRequest,
    WebhookRequest,
)


class FakeSendGrid(FakeHttpServer):
    """SendGrid's v3 send API on 127.0.0.1, with a webhook signing key."""

    def __init__(self, api_key: str = "SG.fake-sendgrid-key") -> None:
        super().__init__()
        self.api_key = api_key
        self.sent: list[dict[str, Any]] = []
        self._signing_key = ec.generate_private_key(ec.SECP256R1())

    @property
    def verification_key(self) -> str:
        """Return the public key as SendGrid shows it: base64 DER."""
        der = self._signing_key.public_key().public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        return base64.b64encode(der).decode()

    def respond(self, request: RecordedRequest) -> FakeResponse:
        """Return SendGrid's response to a send request."""
        if request.path != "/v3/mail/send" or request.method != "POST":
            return FakeResponse(404, {"errors": [{"message": "not found"}]})
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            errors = [
                {
                    "field": None,
                    "message": "The provided authorization grant is invalid",
                }
            ]
            return FakeResponse(401, {"errors": errors})
        message = request.json()
        if not message.get("personalizations"):
            errors = [{"field": "personalizations", "message": "required"}]
            return FakeResponse(400, {"errors": errors})
        self.sent.append(message)
        return FakeResponse(202, b"", {"X-Message-Id": uuid.uuid4().hex[:22]})

    def webhook(
        self, events: list[dict[str, Any]], *, tamper: bool = False
    ) -> WebhookRequest:
        """Return a signed event webhook call carrying ``events``."""
        body = json.dumps(events).encode()
        timestamp = str(int(time.time()))
        signature = self._signing_key.sign(
            timestamp.encode() + body, ec.ECDSA(hashes.SHA256())
        )
        if tamper:
            body = body.replace(b"delivered", b"bounce")
        return WebhookRequest(
            body=body,
            content_type="application/json",
            headers={
                "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_SIGNATURE": base64.b64encode(
                    signature
                ).decode(),
                "HTTP_X_TWILIO_EMAIL_EVENT_WEBHOOK_TIMESTAMP": timestamp,
            },
        )

    def event_for(self, index: int, event: str, **fields: Any) -> dict[str, Any]:
        """Return a SendGrid event for the ``index``-th sent message.

        Custom args (anymail's ``anymail_id`` and Tocsin's metadata) are
        merged into the event at top level, as SendGrid does.
        """
        message = self.sent[index]
        personalization = message["personalizations"][0]
        base = {
            "email": personalization["to"][0]["email"],
            "timestamp": int(time.time()),
            "event": event,
            "sg_event_id": uuid.uuid4().hex,
            "sg_message_id": uuid.uuid4().hex + ".filter0001",
        }
        custom_args = message.get("custom_args", {}) | personalization.get(
            "custom_args", {}
        )
        return base | custom_args | fields

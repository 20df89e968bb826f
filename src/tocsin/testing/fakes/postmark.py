"""A fake Postmark: the ``POST /email`` send API and signed webhooks.

Send API as documented at postmarkapp.com/developer/api/email-api: the
server token in ``X-Postmark-Server-Token``, a JSON body, and a JSON reply
with ``MessageID``, ``ErrorCode`` and ``Message``. Postmark does not sign
webhooks; it protects them with HTTP basic auth in the webhook URL, which
``webhook(...)`` reproduces.
"""

import base64
import json
import uuid
from datetime import UTC, datetime
from email.utils import getaddresses
from typing import Any

from tocsin.testing.fakes import (
    FakeHttpServer,
    FakeResponse,
    RecordedRequest,
    WebhookRequest,
)


class FakePostmark(FakeHttpServer):
    """Postmark's send API on 127.0.0.1; ``inactive`` addresses get 406."""

    def __init__(self, server_token: str = "fake-postmark-token") -> None:
        super().__init__()
        self.server_token = server_token
        self.inactive: set[str] = set()
        self.sent: list[dict[str, Any]] = []

    def respond(self, request: RecordedRequest) -> FakeResponse:
        """Return Postmark's response to a send request."""
        if request.path != "/email" or request.method != "POST":
            return FakeResponse(404, {"ErrorCode": 404, "Message": "Not found"})
        if request.headers.get("x-postmark-server-token") != self.server_token:
            return FakeResponse(
                401,
                {
                    "ErrorCode": 10,
                    "Message": "Request does not contain a valid Server token.",
                },
            )
        message = request.json()
        recipients = [addr for _, addr in getaddresses([message.get("To", "")])]
        inactive = [addr for addr in recipients if addr.lower() in self.inactive]
        if inactive:
            text = (
                "You tried to send to a recipient that has been marked as inactive.\n"
                f"Found inactive addresses: {', '.join(inactive)}.\n"
                "Inactive recipients are ones that have generated a hard bounce "
                "or a spam complaint. "
            )
            return FakeResponse(422, {"ErrorCode": 406, "Message": text})
        message_id = str(uuid.uuid4())
        self.sent.append(message | {"MessageID": message_id})
        return FakeResponse(
            200,
            {
                "To": message.get("To", ""),
                "SubmittedAt": datetime.now(UTC).isoformat(),
                "MessageID": message_id,
                "ErrorCode": 0,
                "Message": "OK",
            },
        )

    def webhook(
        self,
        record_type: str,
        *,
        message_id: str,
        recipient: str,
        metadata: dict[str, str] | None = None,
        bounce_type: str = "HardBounce",
        details: str = "smtp;550 5.1.1 The email account does not exist",
        basic_auth: str = "user:secret",
    ) -> WebhookRequest:
        """Return a Postmark webhook call (``Delivery``, ``Bounce``,
        ``SpamComplaint`` or ``SubscriptionChange``) for a sent message."""
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        body: dict[str, Any] = {
            "RecordType": record_type,
            "MessageStream": "outbound",
            "MessageID": message_id,
            "Metadata": metadata or {},
            "Tag": "",
        }
        if record_type == "Delivery":
            body |= {
                "Recipient": recipient,
                "DeliveredAt": now,
                "Details": "250 2.0.0 OK",
            }
        elif record_type in ("Bounce", "SpamComplaint"):
            body |= {
                "ID": 4323372036854775807,
                "Type": bounce_type if record_type == "Bounce" else "SpamComplaint",
                "TypeCode": 1 if bounce_type == "HardBounce" else 4096,
                "Email": recipient,
                "BouncedAt": now,
                "Details": details,
                "Inactive": record_type == "SpamComplaint"
                or bounce_type == "HardBounce",
            }
        elif record_type == "SubscriptionChange":
            body |= {
                "Recipient": recipient,
                "ChangedAt": now,
                "SuppressSending": True,
                "SuppressionReason": "ManualSuppression",
            }
        token = base64.b64encode(basic_auth.encode()).decode()
        return WebhookRequest(
            body=json.dumps(body).encode(),
            content_type="application/json",
            headers={"HTTP_AUTHORIZATION": f"Basic {token}"},
        )

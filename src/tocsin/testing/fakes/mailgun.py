"""A fake Mailgun: ``POST /v3/<domain>/messages`` and signed webhooks.

Send API as documented at documentation.mailgun.com (Messages): basic
auth ``api:<key>``, a multipart form, and a JSON reply with ``id`` (the
Message-ID in angle brackets) and ``message``. Webhooks carry a
``signature`` object whose ``signature`` is the hex HMAC-SHA256 of
``timestamp + token`` under the webhook signing key.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from tocsin.testing.fakes import (
    FakeHttpServer,
    FakeResponse,
    RecordedRequest,
    WebhookRequest,
)


class FakeMailgun(FakeHttpServer):
    """Mailgun's messages API on 127.0.0.1, with a webhook signing key."""

    def __init__(
        self, api_key: str = "fake-mailgun-key", signing_key: str = "fake-signing-key"
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.signing_key = signing_key
        self.sent: list[dict[str, Any]] = []

    def respond(self, request: RecordedRequest) -> FakeResponse:
        """Return Mailgun's response to a send request."""
        parts = request.path.strip("/").split("/")
        if request.method != "POST" or len(parts) != 3 or parts[2] != "messages":
            return FakeResponse(404, {"message": "Not Found"})
        expected = "Basic " + base64.b64encode(f"api:{self.api_key}".encode()).decode()
        if request.headers.get("authorization") != expected:
            return FakeResponse(401, b"Forbidden", {"Content-Type": "text/plain"})
        fields = _form_fields(request)
        domain = parts[1]
        message_id = f"{time.strftime('%Y%m%d%H%M%S')}.{uuid.uuid4().hex[:12]}@{domain}"
        self.sent.append(fields | {"id": message_id})
        return FakeResponse(
            200, {"id": f"<{message_id}>", "message": "Queued. Thank you."}
        )

    def webhook(
        self,
        event: str,
        *,
        index: int = 0,
        severity: str = "permanent",
        code: int = 550,
        user_variables: dict[str, str] | None = None,
        bad_signature: bool = False,
    ) -> WebhookRequest:
        """Return a signed Mailgun webhook call for sent message ``index``."""
        sent = self.sent[index]
        timestamp = str(int(time.time()))
        token = uuid.uuid4().hex
        digest = hmac.new(
            self.signing_key.encode(), (timestamp + token).encode(), hashlib.sha256
        ).hexdigest()
        if bad_signature:
            digest = "0" * 64
        variables = user_variables
        if variables is None:
            variables = {
                key[2:]: value for key, value in sent.items() if key.startswith("v:")
            }
        event_data: dict[str, Any] = {
            "event": event,
            "id": uuid.uuid4().hex[:22],
            "timestamp": time.time(),
            "recipient": sent.get("to", ""),
            "message": {"headers": {"message-id": sent["id"]}},
            "user-variables": variables,
            "delivery-status": {"code": code if event != "delivered" else 250},
        }
        if event == "failed":
            event_data["severity"] = severity
            event_data["reason"] = "bounce" if severity == "permanent" else "generic"
            event_data["delivery-status"]["message"] = (
                f"{code} 5.1.1 mailbox unavailable"
            )
        body = {
            "signature": {"timestamp": timestamp, "token": token, "signature": digest},
            "event-data": event_data,
        }
        return WebhookRequest(json.dumps(body).encode(), "application/json", {})


def _form_fields(request: RecordedRequest) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        return _multipart_fields(content_type, request.body)
    return {key: values[0] for key, values in request.form().items()}


def _multipart_fields(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename():
            continue
        fields[name] = part.get_content()
    return fields

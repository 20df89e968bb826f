"""A fake Twilio Programmable Messaging API and its status callbacks.

Send API as documented at twilio.com/docs/messaging/api/message-resource:
``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` with basic auth
``AccountSid:AuthToken`` and a form body. The reply is ``201`` with the
Message resource as JSON. Errors use Twilio's JSON error body with its
numeric ``code`` (21610 unsubscribed recipient, 21211 invalid 'To' number,
20429 too many requests).

Status callbacks are form posts signed as Twilio signs them: base64 of the
HMAC-SHA1, under the auth token, of the full callback URL followed by every
POST parameter name and value, sorted by name, in ``X-Twilio-Signature``.
The fake computes this itself rather than through the twilio library, so
tests check Tocsin's validation against an independent implementation.
"""

import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

from tocsin.testing.fakes import (
    FakeHttpServer,
    FakeResponse,
    RecordedRequest,
    WebhookRequest,
)

ACCOUNT_SID = "AC" + "0" * 30 + "fa"
AUTH_TOKEN = "fake-twilio-auth-token"


class FakeTwilio(FakeHttpServer):
    """Twilio's Messages API on 127.0.0.1.

    ``opted_out`` numbers get error 21610, ``invalid`` numbers 21211.
    """

    def __init__(
        self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN
    ) -> None:
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.opted_out: set[str] = set()
        self.invalid: set[str] = set()
        self.messages: list[dict[str, str]] = []

    def respond(self, request: RecordedRequest) -> FakeResponse:
        """Return Twilio's response to a Messages create request."""
        expected_path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        if request.path != expected_path or request.method != "POST":
            return _error(404, 20404, "The requested resource was not found")
        credentials = f"{self.account_sid}:{self.auth_token}".encode()
        if (
            request.headers.get("authorization")
            != "Basic " + base64.b64encode(credentials).decode()
        ):
            return _error(401, 20003, "Authenticate")
        form = {key: values[0] for key, values in request.form().items()}
        to = form.get("To", "")
        if to in self.opted_out:
            return _error(400, 21610, "Attempt to send to unsubscribed recipient")
        if to in self.invalid:
            return _error(
                400, 21211, f"The 'To' number {to} is not a valid phone number."
            )
        if not form.get("Body"):
            return _error(400, 21602, "Message body is required.")
        sid = "SM" + uuid.uuid4().hex
        self.messages.append(form | {"sid": sid})
        now = format_datetime(datetime.now(UTC), usegmt=True)
        return FakeResponse(
            201,
            {
                "sid": sid,
                "account_sid": self.account_sid,
                "to": to,
                "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "body": form["Body"],
                "status": "queued",
                "num_segments": "1",
                "num_media": "0",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "price": None,
                "price_unit": "USD",
                "error_code": None,
                "error_message": None,
                "date_created": now,
                "date_updated": now,
                "date_sent": None,
                "uri": f"{expected_path[:-5]}/{sid}.json",
                "subresource_uris": {},
            },
        )

    def status_callback(
        self,
        sid: str,
        status: str,
        *,
        error_code: str | None = None,
        url: str | None = None,
        auth_token: str | None = None,
    ) -> WebhookRequest:
        """Return Twilio's signed status callback for a sent message."""
        message = next(m for m in self.messages if m["sid"] == sid)
        callback_url = url or message["StatusCallback"]
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": "2010-04-01",
            "From": message.get("From", ""),
            "MessageSid": sid,
            "MessageStatus": status,
            "SmsSid": sid,
            "SmsStatus": status,
            "To": message["To"],
        }
        if error_code:
            params["ErrorCode"] = error_code
        signature = twilio_signature(
            auth_token or self.auth_token, callback_url, params
        )
        return WebhookRequest(
            urlencode(params).encode(),
            "application/x-www-form-urlencoded",
            {"HTTP_X_TWILIO_SIGNATURE": signature},
            url=callback_url,
        )


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    """Return the ``X-Twilio-Signature`` value for a form POST to ``url``."""
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _error(status: int, code: int, message: str) -> FakeResponse:
    body: dict[str, Any] = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return FakeResponse(status, body)

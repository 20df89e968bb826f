"""A fake Amazon SES (v2 API) and Amazon SNS notifications.

Send API: SES v2 ``POST /v2/email/outbound-emails`` with a JSON body and
the reply ``{"MessageId": ...}``, as boto3's ``sesv2`` client (used by
anymail's Amazon SES backend) expects. The fake does not check the SigV4
request signature.

Webhooks: SES publishes events through SNS, which signs each message with
RSA (``SignatureVersion`` 1 is SHA1, 2 is SHA256) over a canonical string
of its fields, and names the signing certificate in ``SigningCertURL``.
The fake signs with its own self-signed certificate and exposes it in
``certificate_pem`` so a test can configure it as the trusted local copy.
"""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from tocsin.testing.fakes import (
    FakeHttpServer,
    FakeResponse,
    RecordedRequest,
    WebhookRequest,
)

SIGNING_CERT_URL = (
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-fake0001.pem"
)
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:tocsin-ses-events"

# The fields SNS signs for a Notification, in this order (from AWS's
# "Verifying the signatures of Amazon SNS messages" page).
NOTIFICATION_SIGNED_FIELDS = (
    "Message",
    "MessageId",
    "Subject",
    "Timestamp",
    "TopicArn",
    "Type",
)


class FakeSes(FakeHttpServer):
    """SES v2's send API on 127.0.0.1, and an SNS signer for its events."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[dict[str, Any]] = []
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        now = datetime.now(UTC)
        self._certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .sign(self._key, hashes.SHA256())
        )

    @property
    def certificate_pem(self) -> bytes:
        """Return the SNS signing certificate in PEM."""
        return self._certificate.public_bytes(serialization.Encoding.PEM)

    def respond(self, request: RecordedRequest) -> FakeResponse:
        """Return SES v2's response to ``SendEmail``."""
        if request.path != "/v2/email/outbound-emails" or request.method != "POST":
            return FakeResponse(404, {"message": "Not Found"})
        message = request.json()
        message_id = f"0100{uuid.uuid4().hex}-000000"
        self.sent.append(message | {"MessageId": message_id})
        return FakeResponse(200, {"MessageId": message_id})

    def notification(
        self,
        ses_event: dict[str, Any],
        *,
        signature_version: str = "2",
        tamper: bool = False,
        basic_auth: str = "user:secret",
    ) -> WebhookRequest:
        """Return a signed SNS Notification that carries ``ses_event``."""
        message = {
            "Type": "Notification",
            "MessageId": str(uuid.uuid4()),
            "TopicArn": TOPIC_ARN,
            "Subject": "Amazon SES Email Event Notification",
            "Message": json.dumps(ses_event),
            "Timestamp": datetime.now(UTC).isoformat(timespec="milliseconds")[:-6]
            + "Z",
            "SignatureVersion": signature_version,
            "SigningCertURL": SIGNING_CERT_URL,
            "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
        }
        algorithm = hashes.SHA1() if signature_version == "1" else hashes.SHA256()
        signature = self._key.sign(
            canonical_sns_string(message), padding.PKCS1v15(), algorithm
        )
        message["Signature"] = base64.b64encode(signature).decode()
        if tamper:
            message["Message"] = message["Message"].replace("Delivery", "Bounce")
        token = base64.b64encode(basic_auth.encode()).decode()
        return WebhookRequest(
            json.dumps(message).encode(),
            "text/plain; charset=UTF-8",
            {
                "HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification",
                "HTTP_X_AMZ_SNS_MESSAGE_ID": message["MessageId"],
                "HTTP_X_AMZ_SNS_TOPIC_ARN": TOPIC_ARN,
                "HTTP_AUTHORIZATION": f"Basic {token}",
            },
        )


def canonical_sns_string(message: dict[str, Any]) -> bytes:
    """Return the bytes SNS signs: each present field's name and value, one
    per line, in the documented order."""
    lines = []
    for name in NOTIFICATION_SIGNED_FIELDS:
        if name in message:
            lines.append(f"{name}\n{message[name]}\n")
    return "".join(lines).encode()

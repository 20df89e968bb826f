"""Notice emails: headers, parts, and sending through email providers.

A notice email carries a Message-ID derived from the notice id, a plain-text
part beside the HTML, and no List-Unsubscribe header. A breach notice is a
legal notice that the person cannot opt out of, and mailbox providers show
an unsubscribe button wherever the header is present.

Providers are Django email backends, so anymail's HTTP providers (SES,
SendGrid, Postmark, Mailgun) and plain SMTP share one code path.
"""

import copy
import hashlib
import logging
import smtplib
from typing import Any

import requests
from anymail.exceptions import (
    AnymailError,
    AnymailImproperlyInstalled,
    AnymailRecipientsRefused,
    AnymailRequestsAPIError,
)
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection

from tocsin.delivery import conf
from tocsin.delivery.errors import (
    DeliveryPermanentError,
    InvalidRecipient,
    ProviderMisconfigured,
    ProviderThrottled,
    ProviderUnavailable,
    RecipientRejected,
)
from tocsin.delivery.events import ATTEMPT_METADATA_KEY
from tocsin.delivery.providers import ProviderChain, ProviderReceipt, guard

logger = logging.getLogger(__name__)

# Headers that must never appear on a legal notice; see the module docstring.
FORBIDDEN_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post")


def notice_message_id(notice_id: str, domain: str) -> str:
    """Return the RFC 5322 Message-ID for a notice, stable across retries.

    The same notice always gets the same Message-ID, so a resend after a
    crash is recognizable as a duplicate by mail systems and by auditors,
    and a bounce quoting the header maps back to the notice. The notice id
    is hashed so the header does not reveal internal ids.
    """
    if not notice_id:
        raise ValueError("notice_id must not be empty")
    if not domain or "@" in domain or any(c.isspace() for c in domain):
        raise ValueError(f"invalid Message-ID domain {domain!r}")
    digest = hashlib.sha256(f"tocsin-notice:{notice_id}".encode()).hexdigest()[:32]
    return f"<notice.{digest}@{domain}>"


def build_notice_email(
    *,
    notice_id: str,
    to: str,
    subject: str,
    text_body: str,
    html_body: str,
    from_email: str | None = None,
    reply_to: str | None = None,
) -> EmailMultiAlternatives:
    """Return a notice email with a text part, an HTML part and fixed headers.

    The text part comes first (multipart/alternative puts the preferred
    version last), so clients that cannot show HTML, and screen readers set
    to plain text, still get the whole notice.
    """
    from django.conf import settings

    if not text_body.strip():
        raise ValueError(f"notice '{notice_id}' has an empty plain-text part")
    message = EmailMultiAlternatives(
        subject=subject,
        body=text_body,
        from_email=from_email or settings.TOCSIN_NOTICE_SENDER,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={
            "Message-ID": notice_message_id(notice_id, conf.message_id_domain()),
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html_body, "text/html")
    return message


class EmailProvider:
    """One email provider: a Django email backend with its options."""

    channel = "email"

    def __init__(self, name: str, backend: str, options: dict[str, Any]) -> None:
        self.name = name
        self.backend = backend
        self.options = options

    def send(
        self, message: EmailMultiAlternatives, *, idempotency_key: str
    ) -> ProviderReceipt:
        """Send one message; return the provider's receipt.

        ``idempotency_key`` goes into the provider's metadata, which its
        webhooks echo back. None of these providers de-duplicate sends by
        key, so duplicates are prevented by the caller's attempt record.
        """
        for header in FORBIDDEN_HEADERS:
            if header.lower() in {name.lower() for name in message.extra_headers}:
                raise DeliveryPermanentError(
                    f"notice email for attempt '{idempotency_key}' carries a "
                    f"{header} header; legal notices must not offer one"
                )
        message.metadata = {ATTEMPT_METADATA_KEY: idempotency_key}
        try:
            connection = get_connection(
                self.backend, fail_silently=False, **self.options
            )
            sent = connection.send_messages([message])
        except (
            AnymailError,
            ImproperlyConfigured,
            smtplib.SMTPException,
            OSError,
        ) as error:
            raise self._map_error(error, idempotency_key) from error
        if not sent:
            raise ProviderUnavailable(
                f"provider '{self.name}' did not accept attempt '{idempotency_key}'"
            )
        return self._receipt(message, idempotency_key)

    def _receipt(
        self, message: EmailMultiAlternatives, idempotency_key: str
    ) -> ProviderReceipt:
        status = getattr(message, "anymail_status", None)
        if status is None:  # a non-anymail backend such as SMTP
            message_id = str(message.extra_headers.get("Message-ID", ""))
            return ProviderReceipt(self.name, "email", message_id, idempotency_key)
        (recipient_status,) = status.recipients.values()
        self._raise_for_recipient_status(recipient_status.status, idempotency_key)
        return ProviderReceipt(
            self.name,
            "email",
            str(recipient_status.message_id or status.message_id or ""),
            idempotency_key,
            status=str(recipient_status.status),
        )

    def _raise_for_recipient_status(self, status: str, idempotency_key: str) -> None:
        where = f"provider '{self.name}' attempt '{idempotency_key}'"
        if status == "rejected":
            raise RecipientRejected(f"{where}: recipient rejected (status rejected)")
        if status == "invalid":
            raise InvalidRecipient(f"{where}: recipient address invalid")
        if status == "failed":
            raise ProviderUnavailable(f"{where}: provider reported status failed")

    def _map_error(self, error: Exception, idempotency_key: str) -> Exception:
        # Provider error texts quote addresses; only codes go into messages.
        where = f"provider '{self.name}' attempt '{idempotency_key}'"
        if isinstance(error, AnymailImproperlyInstalled):
            return ProviderMisconfigured(f"provider '{self.name}': {error}")
        if isinstance(error, ImproperlyConfigured):
            # anymail's configuration messages name settings, never recipients.
            return ProviderMisconfigured(
                f"provider '{self.name}' is misconfigured: {error}; set it in "
                "the provider's options in TOCSIN_DELIVERY_EMAIL_PROVIDERS"
            )
        if isinstance(error, AnymailRecipientsRefused):
            status = getattr(error, "email_message", None)
            anymail_status = getattr(status, "anymail_status", None)
            states = set(anymail_status.status) if anymail_status else set()
            if states == {"invalid"}:
                return InvalidRecipient(f"{where}: recipient address invalid")
            return RecipientRejected(f"{where}: recipient rejected")
        if isinstance(error, AnymailRequestsAPIError):
            return _map_http_error(error, where)
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            return _map_smtp_refused(error, where)
        if isinstance(error, smtplib.SMTPResponseException):
            return _map_smtp_response(error, where)
        if isinstance(error, smtplib.SMTPServerDisconnected | TimeoutError):
            return ProviderUnavailable(
                f"{where}: connection lost during send", in_doubt=True
            )
        # Other anymail errors, refused connections, other SMTP failures.
        return ProviderUnavailable(f"{where}: {type(error).__name__}")


def _map_http_error(error: AnymailRequestsAPIError, where: str) -> Exception:
    code = error.status_code
    if code is None:
        # Raised with the requests exception as a base class: a read timeout
        # means the provider may have accepted the message.
        return ProviderUnavailable(
            f"{where}: {_requests_error_name(error)}",
            in_doubt=isinstance(error, requests.ReadTimeout),
        )
    if code == 429:
        retry_after = _retry_after(error)
        return ProviderThrottled(
            f"{where}: HTTP 429; retry in {retry_after:.0f} s", retry_after=retry_after
        )
    if code >= 500:
        return ProviderUnavailable(f"{where}: HTTP {code}")
    if code in (401, 403):
        return ProviderMisconfigured(
            f"{where}: HTTP {code}; check the provider's API key in "
            "TOCSIN_DELIVERY_EMAIL_PROVIDERS"
        )
    return DeliveryPermanentError(f"{where}: request rejected with HTTP {code}")


def _requests_error_name(error: Exception) -> str:
    for cls in type(error).__mro__:
        if cls.__module__.startswith("requests"):
            return cls.__name__
    return type(error).__name__


def _retry_after(error: AnymailRequestsAPIError) -> float:
    response = getattr(error, "response", None)
    header = response.headers.get("Retry-After", "") if response is not None else ""
    try:
        return float(header)
    except ValueError:
        return 60.0


def _map_smtp_refused(error: smtplib.SMTPRecipientsRefused, where: str) -> Exception:
    (code, _reply), *_ = error.recipients.values()
    if 400 <= code < 500:
        return ProviderUnavailable(f"{where}: SMTP {code} for the recipient")
    return RecipientRejected(f"{where}: SMTP {code} for the recipient")


def _map_smtp_response(error: smtplib.SMTPResponseException, where: str) -> Exception:
    code = error.smtp_code
    if code == 421 or 400 <= code < 500:
        return ProviderUnavailable(f"{where}: SMTP {code}")
    if isinstance(error, smtplib.SMTPDataError) and code in (550, 553):
        return RecipientRejected(f"{where}: SMTP {code}")
    return DeliveryPermanentError(f"{where}: SMTP {code}")


def email_chain() -> ProviderChain:
    """Return the configured email providers as a guarded failover chain."""
    providers = [
        guard(
            EmailProvider(entry["name"], entry["backend"], entry.get("options", {})),
            entry,
        )
        for entry in conf.email_providers()
    ]
    return ProviderChain("email", providers)


def send_notice_email(
    message: EmailMultiAlternatives,
    *,
    idempotency_key: str,
    chain: ProviderChain | None = None,
) -> ProviderReceipt:
    """Send a notice email through the provider chain; return the receipt.

    Each provider gets its own copy: anymail sets status attributes on the
    message it sends, and a half-sent copy must not leak into the next try.
    """
    chain = chain or email_chain()
    return chain.send(message, idempotency_key=idempotency_key, prepare=copy.copy)

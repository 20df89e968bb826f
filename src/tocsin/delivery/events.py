"""Provider events: what a provider reported about one message, normalized.

Email providers report through anymail's tracking webhooks, Twilio through
status callbacks, and mail houses through returned-mail files. Each source
is turned into a ``ProviderEvent`` here, so the code that updates delivery
attempts reads one shape whatever the provider.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType

# The metadata key Tocsin puts on every provider send. Providers echo it
# in their webhooks (SendGrid custom_args, Postmark Metadata, Mailgun
# user-variables, SES tags), so an event maps back to its delivery attempt
# even when the provider's message id was never stored (a crash after send).
ATTEMPT_METADATA_KEY = "tocsin_attempt"


class EventKind(StrEnum):
    """The outcome a provider reported for a message it accepted."""

    DELIVERED = "delivered"
    BOUNCED = "bounced"
    COMPLAINED = "complained"
    DEFERRED = "deferred"
    FAILED = "failed"
    OPTED_OUT = "opted_out"


class BounceType(StrEnum):
    """Whether a bounce is final (hard) or may clear on a retry (soft)."""

    HARD = "hard"
    SOFT = "soft"


@dataclass(frozen=True)
class ProviderEvent:
    """One normalized event for one message, free of contact details."""

    provider: str
    provider_message_id: str
    kind: EventKind
    occurred_at: datetime
    code: str = ""  # provider or SMTP status code, such as "5.1.1" or "30003"
    bounce: BounceType | None = None
    attempt_key: str = ""  # Tocsin's idempotency key, where the provider echoed it
    channel: str = "email"  # a DeliveryAttempt.Channel value: email, sms, letter


_ANYMAIL_KINDS = {
    EventType.DELIVERED: EventKind.DELIVERED,
    EventType.BOUNCED: EventKind.BOUNCED,
    EventType.DEFERRED: EventKind.DEFERRED,
    EventType.REJECTED: EventKind.FAILED,
    EventType.FAILED: EventKind.FAILED,
    EventType.COMPLAINED: EventKind.COMPLAINED,
    EventType.UNSUBSCRIBED: EventKind.OPTED_OUT,
}

# RFC 3463 enhanced status codes are more specific than three-digit reply
# codes, so they are preferred where an MTA response contains both.
_ENHANCED_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_REPLY_CODE = re.compile(r"\b([245]\d\d)\b")


def event_from_anymail(
    provider: str, event: AnymailTrackingEvent
) -> ProviderEvent | None:
    """Return the ``ProviderEvent`` for an anymail tracking event, or None.

    Opens, clicks and queue notices return None, because they do not show
    whether the legal obligation to notify was met.
    """
    kind = _ANYMAIL_KINDS.get(event.event_type)
    if kind is None:
        return None
    bounce = None
    if kind is EventKind.BOUNCED:
        bounce = BounceType.SOFT if _is_soft_bounce(event) else BounceType.HARD
    metadata = event.metadata or {}
    return ProviderEvent(
        provider=provider,
        provider_message_id=str(event.message_id or ""),
        kind=kind,
        occurred_at=event.timestamp or datetime.now(UTC),
        code=_event_code(event),
        bounce=bounce,
        attempt_key=str(metadata.get(ATTEMPT_METADATA_KEY, "")),
    )


def _event_code(event: AnymailTrackingEvent) -> str:
    response = event.mta_response or ""
    match = _ENHANCED_STATUS.search(response) or _REPLY_CODE.search(response)
    if match:
        return match.group(1)
    return str(event.reject_reason or "")


def _is_soft_bounce(event: AnymailTrackingEvent) -> bool:
    # anymail reports these as "bounced", so the raw event decides the type.
    raw: Any = event.esp_event
    if isinstance(raw, dict):
        if raw.get("Type") in ("SoftBounce", "Transient", "DnsError"):  # Postmark
            return True
        if raw.get("type") == "blocked":  # SendGrid
            return True
        ses_bounce = raw.get("bounce") or {}
        if ses_bounce.get("bounceType") == "Transient":  # SES
            return True
    code = _event_code(event)
    return code.startswith("4")

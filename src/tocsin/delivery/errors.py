"""Errors raised by delivery channels and providers.

TocsinError
 ├── RetryableError
 │    └── DeliveryRetryableError
 │         ├── ProviderUnavailable   provider down, timeout, 5xx, breaker open
 │         └── ProviderThrottled     provider or local rate limit hit (429)
 └── PermanentError
      ├── DeliveryPermanentError
      │    ├── RecipientRejected     provider refused this recipient
      │    ├── RecipientOptedOut     recipient unsubscribed (Twilio 21610)
      │    ├── InvalidRecipient      address or number cannot be used
      │    └── DeliveryTimedOut      a run's attempts did not end in time
      └── ConfigurationError
           └── ProviderMisconfigured settings or a package are missing

Messages name the provider, the provider's error code and Tocsin's ids.
They never quote an email address, phone number or postal address, because
provider error texts often do and these messages reach logs and the audit
trail.
"""

from tocsin.errors import ConfigurationError, PermanentError, RetryableError


class DeliveryRetryableError(RetryableError):
    """A delivery failure that a later attempt or another provider may fix."""

    default_message = "delivery failed; retry later"


class ProviderUnavailable(DeliveryRetryableError):
    """The provider could not be reached, failed, or its breaker is open."""

    default_message = "provider unavailable"

    def __init__(self, message: str | None = None, *, in_doubt: bool = False):
        super().__init__(message)
        # True when the request may have reached the provider (a read
        # timeout or a dropped connection after the message was sent).
        self.in_doubt = in_doubt


class ProviderThrottled(DeliveryRetryableError):
    """The provider, or Tocsin's own rate limit for it, asked us to wait."""

    default_message = "provider throttled the request"

    def __init__(self, message: str | None = None, *, retry_after: float = 0.0):
        super().__init__(message)
        self.retry_after = retry_after


class DeliveryPermanentError(PermanentError):
    """A delivery failure that repeating the same send cannot fix."""

    default_message = "delivery failed permanently"


class RecipientRejected(DeliveryPermanentError):
    """The provider refused this recipient (suppression list, hard bounce)."""

    default_message = "provider rejected the recipient"


class RecipientOptedOut(DeliveryPermanentError):
    """The recipient has opted out of messages from this sender."""

    default_message = "recipient opted out"


class InvalidRecipient(DeliveryPermanentError):
    """The address or number is malformed or not allowed for this channel."""

    default_message = "invalid recipient"


class DeliveryTimedOut(DeliveryPermanentError):
    """A run's attempts did not all end within the time an operator allowed."""

    default_message = "delivery timed out"


class ProviderMisconfigured(ConfigurationError):
    """A provider's settings are missing or a package it needs is absent."""

    default_message = "provider misconfigured"

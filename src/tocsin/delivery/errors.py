"""Errors raised while delivering notices."""

from tocsin.errors import PermanentError, RetryableError


class ProviderUnavailable(RetryableError):
    """A provider cannot take messages now: unreachable or deferring."""


class RecipientRejected(PermanentError):
    """A provider refused a recipient for good (for example SMTP 550)."""


class DeliveryTimedOut(PermanentError):
    """A run's attempts did not all end within the time an operator allowed."""

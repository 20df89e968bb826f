"""Root of Tocsin's exception hierarchy.

TocsinError
 ├── RetryableError   a later attempt may succeed (provider down, timeout)
 └── PermanentError   retrying cannot help (bad input, rejected recipient)

Each app's ``errors.py`` subclasses one of the two, so task retry policies can
name whole families. Messages name ids, codes and field names, never contact
details.
"""


class TocsinError(Exception):
    """Base class of every error Tocsin raises on purpose."""

    default_message = "Tocsin failed"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)


class RetryableError(TocsinError):
    """A failure that a later attempt may not meet (outage, throttling)."""


class PermanentError(TocsinError):
    """A failure that repeating the same call cannot fix."""


class ConfigurationError(PermanentError):
    """A setting, key file or environment variable is missing or invalid."""

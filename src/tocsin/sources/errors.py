"""Errors raised while extracting contacts from a source.

TocsinError
 ├── RetryableError
 │    └── SourceUnavailable       timeout, 5xx, connection refused
 │         └── SourceRateLimited  429, REQUEST_LIMIT_EXCEEDED, API budget spent
 └── PermanentError
      ├── SourceError             unexpected failure, stopped the source run
      ├── SourceAuthFailed        wrong password, revoked token
      ├── SourceDataError         malformed page, bad CSV header
      └── SourceConfigError       unknown kind, missing option

Every message names the source and the fix. None quotes a record's
values, because a CRM error body can echo an email address back.
"""

from tocsin.errors import ConfigurationError, PermanentError, RetryableError


class SourceUnavailable(RetryableError):
    """The source timed out or responded with a server error.

    ``retry_after`` is the wait in seconds that the source requested
    (Retry-After), or None.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SourceRateLimited(SourceUnavailable):
    """The source throttled us, or our share of its API budget is spent."""


class SourceError(PermanentError):
    """A source run stopped on an error that no other class describes."""


class SourceAuthFailed(PermanentError):
    """The source rejected the credentials: retrying cannot help."""


class SourceDataError(PermanentError):
    """A page or file from the source cannot be read as contacts."""


class SourceConfigError(ConfigurationError):
    """A source definition is missing an option or names an unknown kind."""


class UnknownExportLayout(SourceDataError):
    """A file's header is not the layout its importer expects."""

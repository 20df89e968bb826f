"""Errors raised while extracting contacts from a source.

TocsinError
 ├── RetryableError
 │    └── SourceUnavailable       timeout, 5xx, connection refused
 │         └── SourceRateLimited  429, REQUEST_LIMIT_EXCEEDED, API budget spent
 └── PermanentError
      ├── SourceAuthFailed        wrong password, revoked token
      ├── SourceDataError         malformed page, bad CSV header
      └── SourceConfigError       unknown kind, missing option

Every message names the source and says what to do. None quotes a record's
values, because a CRM error body can echo an email address back.
"""

from tocsin.errors import ConfigurationError, PermanentError, RetryableError


class SourceUnavailable(RetryableError):
    """The source did not answer in time or answered with a server error.

    ``retry_after`` carries the wait in seconds that the source asked for,
    when it asked for one.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SourceRateLimited(SourceUnavailable):
    """The source throttled us, or our share of its API budget is spent."""


class SourceAuthFailed(PermanentError):
    """The source rejected the credentials: retrying cannot help."""


class SourceDataError(PermanentError):
    """A page or file from the source cannot be read as contacts."""


class SourceConfigError(ConfigurationError):
    """A source definition is missing an option or names an unknown kind."""


class UnknownExportLayout(SourceDataError):
    """A file's header is not the layout its importer expects."""

"""Errors of the public notice app.

PublicError
 └── NoticeVersionConflict   retryable: reload and publish again
"""

from tocsin.errors import RetryableError, TocsinError


class PublicError(TocsinError):
    """Base class of the public notice app's errors."""


class NoticeVersionConflict(PublicError, RetryableError):
    """Two people published a notice for the same incident at once."""

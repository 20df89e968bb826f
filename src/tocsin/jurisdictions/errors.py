"""Errors raised by the jurisdiction engine.

PermanentError
 ├── LawFileError          a law file is unreadable or fails validation
 └── AssessmentInputError  incident facts or a person group are invalid

An overdue review is not an error: ``tocsin rules check`` reports it, so the
engine keeps working during a breach.

All are permanent: loading the same file or assessing the same facts again
gives the same result until someone edits the file or the input.
"""

from tocsin.errors import PermanentError


class LawFileError(PermanentError):
    """A law file is unreadable, malformed or fails schema validation."""

    default_message = "a law file is invalid; run 'tocsin rules check'"


class AssessmentInputError(PermanentError):
    """Incident facts or a person group cannot be assessed as given."""

    default_message = "the incident facts are invalid"

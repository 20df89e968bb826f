"""Errors raised by the jurisdiction engine.

PermanentError
 ├── LawFileError          a law file is unreadable or fails validation
 ├── LawReviewError        a law file is past its periodic review date
 └── AssessmentInputError  incident facts or a person group are invalid

All are permanent: loading the same file or assessing the same facts again
gives the same result until someone edits the file or the input.
"""

from tocsin.errors import PermanentError


class LawFileError(PermanentError):
    """A law file is unreadable, malformed or fails schema validation."""

    default_message = "a law file is invalid; run 'tocsin rules check'"


class LawReviewError(PermanentError):
    """A law file has not been reviewed within the review period."""

    default_message = "a law file is past its review date; run 'tocsin rules review'"


class AssessmentInputError(PermanentError):
    """Incident facts or a person group cannot be assessed as given."""

    default_message = "the incident facts are invalid"

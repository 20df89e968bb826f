"""Errors raised while creating and loading incidents."""

from tocsin.errors import PermanentError


class IncidentNotFound(PermanentError):
    """No incident has the given id."""


class InvalidIncident(PermanentError):
    """An incident's fields are missing or out of range."""


class CompanyProfileUnconfirmed(PermanentError):
    """Notices would go out with the company profile's example values."""


class AssessmentOutdated(PermanentError):
    """Inputs changed after the latest assessment, which may now be wrong."""


class JobFailed(PermanentError):
    """A background job ended in failure or did not finish in time."""

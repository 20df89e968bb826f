"""Errors raised while reading findings and matching them to contacts."""

from tocsin.errors import PermanentError


class UnknownFindingsLayout(PermanentError):
    """A findings file lacks the columns needed to match its rows."""


class ReviewDecisionError(PermanentError):
    """A review decision names a finding or key that cannot be used."""

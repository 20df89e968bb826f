"""Errors raised while reading contacts from sources."""

from tocsin.errors import PermanentError


class UnknownExportLayout(PermanentError):
    """A file's header is not the layout its importer expects."""

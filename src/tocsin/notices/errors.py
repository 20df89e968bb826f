"""Errors raised while managing and rendering notice templates."""

from tocsin.errors import PermanentError


class TemplateRenderError(PermanentError):
    """A template version fails to render; sending must not go on with it."""


class MissingContentBlock(PermanentError):
    """A law requires content that no content block provides."""


class TemplateNotApproved(PermanentError):
    """A template version is used before it has been approved."""

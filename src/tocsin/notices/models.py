"""Notice templates and their versions."""

import uuid

from django.db import models


class NoticeTemplate(models.Model):
    """A named notice template for one channel, edited as versions."""

    class Channel(models.TextChoices):
        EMAIL = "email"
        LETTER = "letter"
        SMS = "sms"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, unique=True)
    channel = models.CharField(max_length=10, choices=Channel)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class TemplateVersion(models.Model):
    """One version of a template's text, frozen once a notice used it.

    Template text is untrusted operator input and is only ever rendered in
    Jinja2's sandbox.
    """

    class Status(models.TextChoices):
        DRAFT = "draft"
        APPROVED = "approved"
        FROZEN = "frozen"  # used by at least one notice: never edited again

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    template = models.ForeignKey(
        NoticeTemplate, related_name="versions", on_delete=models.PROTECT
    )
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    created_by = models.CharField(max_length=150)
    approved_by = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="one_number_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

"""Published notice texts: what the shop's pages show about an incident."""

import uuid

from django.db import models

from tocsin.incidents.models import Incident


class PublishedNotice(models.Model):
    """One version of an incident's public notice text.

    Versions are never edited: publishing a correction adds a version, and
    the public page shows the highest one. The text is addressed to every
    customer, so it must never contain personal data.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        Incident, related_name="published_notices", on_delete=models.CASCADE
    )
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_by = models.CharField(max_length=150)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incident", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "version"], name="one_number_per_published_notice"
            )
        ]

    def __str__(self) -> str:
        return f"published notice v{self.version} of {self.incident_id}"

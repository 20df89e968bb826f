"""Incidents: what was exposed, when it was found, and the company involved."""

import uuid

from django.db import models

from tocsin.incidents.elements import ELEMENT_CODES


class CompanyProfile(models.Model):
    """Facts about the operating company that decide which federal rules apply.

    One row per installation. The Safeguards Rule reaches a retailer that is
    a financial institution under the Gramm-Leach-Bliley Act (for example
    one offering its own credit), and the Health Breach Notification Rule one
    that keeps personal health records.
    """

    legal_name = models.CharField(max_length=200, default="Example Retail Inc.")
    is_glba_financial_institution = models.BooleanField(default=False)
    keeps_personal_health_records = models.BooleanField(default=False)
    contact_phone = models.CharField(max_length=40, default="+1-555-0100")
    contact_website = models.URLField(default="https://www.example.com/security")
    contact_address = models.CharField(
        max_length=300, default="100 Example Street, Springfield, IL 62701"
    )

    def __str__(self) -> str:
        return self.legal_name


class Incident(models.Model):
    """A data breach being responded to.

    ``discovered_at`` is stored in UTC; ``timezone_name`` keeps the zone the
    responders gave, so reports show the time as they entered it.
    """

    class Status(models.TextChoices):
        OPEN = "open"
        NOTIFYING = "notifying"
        COMPLETE = "complete"
        PURGED = "purged"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    discovered_at = models.DateTimeField()
    determined_at = models.DateTimeField(null=True, blank=True)
    timezone_name = models.CharField(max_length=64, default="UTC")
    exposed_elements = models.JSONField(default=list)
    data_encrypted = models.BooleanField(default=False)
    key_compromised = models.BooleanField(default=False)
    data_redacted = models.BooleanField(default=False)
    law_enforcement_delay = models.BooleanField(default=False)
    retention_days = models.PositiveIntegerField(default=365)
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    notifications_completed_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"incident {self.id}"

    def unknown_elements(self) -> list[str]:
        """Return the stored element codes missing from the vocabulary."""
        return [code for code in self.exposed_elements if code not in ELEMENT_CODES]

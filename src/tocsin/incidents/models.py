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
    is_hipaa_covered_entity = models.BooleanField(default=False)
    follows_primary_federal_regulator_rules = models.BooleanField(default=False)
    # Australia's scheme exempts businesses with turnover of AU$3 million or
    # less, so the default assumes it applies until counsel decides otherwise.
    is_au_app_entity = models.BooleanField(default=True)
    contact_phone = models.CharField(max_length=40, default="+1-555-0100")
    contact_website = models.URLField(default="https://www.example.com/security")
    contact_address = models.CharField(
        max_length=300, default="100 Example Street, Springfield, IL 62701"
    )
    # Set when an operator reviews the profile: notices are not sent with
    # the example values above.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

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
    is_good_faith_employee_access = models.BooleanField(default=False)
    risk_finding = models.CharField(max_length=20, default="not_assessed")
    vendor_notified_at = models.DateTimeField(null=True, blank=True)
    law_enforcement_delay = models.BooleanField(default=False)
    law_enforcement_cleared_at = models.DateTimeField(null=True, blank=True)
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


class FileImport(models.Model):
    """One imported file and what became of its rows.

    Rejection reasons name row numbers, columns and codes only, never the
    cell values, so the record can be shown and kept after a purge.
    """

    class Kind(models.TextChoices):
        CUSTOMERS = "customers"
        FINDINGS = "findings"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        Incident, related_name="file_imports", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=20, choices=Kind)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    encoding = models.CharField(max_length=20)
    source = models.CharField(max_length=80)
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rejections = models.JSONField(default=list)  # [{"row": 12, "reason": "..."}]
    warnings = models.JSONField(default=list)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "kind", "file_sha256"],
                name="one_import_per_file_content",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} import {self.id}"


class BackgroundJob(models.Model):
    """A unit of background work an operator waits on: import, assess, notify.

    Tasks receive only the job id; parameters (file paths, options) stay in
    this row, so the broker never carries anything but ids.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        Incident, related_name="jobs", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    result = models.JSONField(default=dict)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} job {self.id}"

"""Compliance records: vendors, training, law reviews, hand-offs and drills.

Each record is created through a domain function that also writes an audit
event, so the trail shows who changed what. Free text (notes, drill
results) stays in these tables and never goes into audit payloads.
"""

from django.db import models

from tocsin.compliance.choices import AttestationType, HandoffItemCode, VendorKind
from tocsin.incidents.models import Incident


class Vendor(models.Model):
    """A third party that handles notification data for the company."""

    Kind = VendorKind

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind)
    service = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"vendor {self.name}"


class VendorAttestation(models.Model):
    """An attestation report or certificate covering a vendor.

    Only the document's file name and SHA-256 are stored: the reports are
    usually under NDA, and the hash is enough to prove which one was read.
    """

    Type = AttestationType

    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="attestations"
    )
    attestation_type = models.CharField(max_length=20, choices=Type)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    expires_on = models.DateField()
    document_name = models.CharField(max_length=255)
    document_sha256 = models.CharField(max_length=64)
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["vendor__name", "-expires_on"]

    def __str__(self) -> str:
        return f"{self.attestation_type} of {self.vendor_id} until {self.expires_on}"


class TrainingCompletion(models.Model):
    """One operator's completion of one training course."""

    operator = models.CharField(max_length=150, db_index=True)
    course = models.CharField(max_length=120)
    completed_on = models.DateField()
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["operator", "-completed_on"]

    def __str__(self) -> str:
        return f"training {self.course} by {self.operator} on {self.completed_on}"


class LawReview(models.Model):
    """A reviewer's sign-off that a law file still matches the law."""

    law_id = models.CharField(max_length=60, db_index=True)
    reviewed_on = models.DateField()
    reviewer = models.CharField(max_length=150)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["law_id", "-reviewed_on"]

    def __str__(self) -> str:
        return f"review of {self.law_id} on {self.reviewed_on}"


class IncidentHandoff(models.Model):
    """The hand-off of an incident from the incident response team.

    Stores the IR tool's own incident id, so the two records can be matched,
    and the SHA-256 of the export file the incident was opened from.
    """

    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, related_name="handoff"
    )
    source_system = models.CharField(max_length=80)
    external_id = models.CharField(max_length=120, blank=True)
    playbook_url = models.URLField(max_length=500, blank=True)
    contained_at = models.DateTimeField(null=True, blank=True)
    systems_affected = models.JSONField(default=list)
    source_sha256 = models.CharField(max_length=64, blank=True)
    opened_by = models.CharField(max_length=150)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"],
                condition=~models.Q(external_id=""),
                name="compliance_handoff_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"hand-off of {self.incident_id}"


class HandoffItem(models.Model):
    """One item of an incident's hand-off checklist."""

    Code = HandoffItemCode

    handoff = models.ForeignKey(
        IncidentHandoff, on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(max_length=40, choices=Code)
    decision = models.CharField(max_length=40, blank=True)
    note = models.TextField(blank=True)
    completed_by = models.CharField(max_length=150, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["handoff", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["handoff", "code"], name="compliance_handoff_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"hand-off item {self.code}"

    @property
    def is_complete(self) -> bool:
        """Whether someone has completed this item."""
        return self.completed_at is not None


class Drill(models.Model):
    """A breach-response drill: when, what was simulated, and what followed."""

    held_on = models.DateField()
    scenario = models.CharField(max_length=200)
    results = models.TextField()
    follow_ups = models.JSONField(default=list)
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"drill on {self.held_on}"

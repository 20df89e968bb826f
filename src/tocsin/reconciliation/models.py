"""Forensic findings, and the affected people they were matched to."""

import uuid

from django.db import models

from tocsin.incidents.models import FileImport, Incident
from tocsin.vault.models import Contact


class AffectedPerson(models.Model):
    """A customer whose data the findings show was exposed.

    ``exposed_elements`` is the union over all of the person's findings;
    ``residence`` is copied from the contact so assessments and counts work
    without decrypting anything and after the vault is purged.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        Incident, related_name="affected_people", on_delete=models.CASCADE
    )
    contact = models.ForeignKey(
        Contact, related_name="affected_as", null=True, on_delete=models.SET_NULL
    )
    exposed_elements = models.JSONField(default=list)
    residence = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "contact"], name="one_person_per_contact"
            )
        ]

    def __str__(self) -> str:
        return f"affected person {self.id}"


class Finding(models.Model):
    """One row of a forensic findings file, keyed by blind indexes only."""

    class Status(models.TextChoices):
        MATCHED = "matched"
        UNMATCHED = "unmatched"
        REVIEW = "review"  # keys point at different customers
        DISMISSED = "dismissed"  # an operator closed it without a person

    class Method(models.TextChoices):
        CUSTOMER_ID = "customer_id"
        EMAIL = "email"
        NONE = ""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        Incident, related_name="findings", on_delete=models.CASCADE
    )
    file_import = models.ForeignKey(
        FileImport, related_name="findings", on_delete=models.CASCADE
    )
    row_number = models.PositiveIntegerField()
    finding_ref = models.CharField(max_length=80, blank=True)
    source_system = models.CharField(max_length=80, blank=True)
    email_index = models.CharField(max_length=64, blank=True, db_index=True)
    customer_id_index = models.CharField(max_length=64, blank=True, db_index=True)
    exposed_elements = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status, default=Status.UNMATCHED)
    match_method = models.CharField(max_length=20, choices=Method, blank=True)
    person = models.ForeignKey(
        AffectedPerson,
        related_name="findings",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ["row_number"]

    def __str__(self) -> str:
        return f"finding {self.finding_ref or self.id}"

"""Obligations: who must be told, under which law, by when."""

import uuid

from django.db import models

from tocsin.incidents.models import Incident
from tocsin.reconciliation.models import AffectedPerson


class AssessmentRun(models.Model):
    """One run of the jurisdiction engine over an incident's people.

    ``rule_versions`` maps each law id to its version and the SHA-256 of its
    file, so an auditor can see which rules produced which decision.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        Incident, related_name="assessment_runs", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=150, default="system")
    people_count = models.PositiveIntegerField(default=0)
    rule_versions = models.JSONField(default=dict)
    changes_since_previous = models.JSONField(default=list)

    class Meta:
        ordering = ["created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"assessment run {self.id}"


class Obligation(models.Model):
    """Whether one person is owed a notice under one law, and by when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(
        AssessmentRun, related_name="obligations", on_delete=models.CASCADE
    )
    person = models.ForeignKey(
        AffectedPerson, related_name="obligations", on_delete=models.CASCADE
    )
    jurisdiction_id = models.CharField(max_length=32)
    law_id = models.CharField(max_length=40)
    is_owed = models.BooleanField()
    reason = models.TextField()
    deadline = models.DateTimeField(null=True, blank=True)
    deadline_text = models.CharField(max_length=200, blank=True)
    outer_limit = models.DateTimeField(null=True, blank=True)
    permitted_methods = models.JSONField(default=list)
    required_content = models.JSONField(default=list)
    forbidden_content = models.JSONField(default=list)
    citation = models.CharField(max_length=300)
    law_version = models.CharField(max_length=40)
    law_sha256 = models.CharField(max_length=64)
    residence_note = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["run", "law_id"])]

    def __str__(self) -> str:
        return f"obligation {self.law_id} for {self.person_id}"


class RegulatorNotice(models.Model):
    """A notice owed to a regulator, consumer reporting agencies or media."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(
        AssessmentRun, related_name="regulator_notices", on_delete=models.CASCADE
    )
    law_id = models.CharField(max_length=40)
    recipient_kind = models.CharField(max_length=40)
    recipient = models.CharField(max_length=200)
    affected_count = models.PositiveIntegerField()
    threshold = models.PositiveIntegerField(null=True, blank=True)
    is_owed = models.BooleanField()
    reason = models.TextField()
    deadline = models.DateTimeField(null=True, blank=True)
    deadline_text = models.CharField(max_length=200, blank=True)
    order_constraint = models.CharField(max_length=300, blank=True)
    citation = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"{self.recipient_kind} notice under {self.law_id}"

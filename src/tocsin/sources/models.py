"""Extraction jobs, their per-source checkpoints and the provenance ledger.

None of these tables contains contact details. The ledger keeps, per extracted
record, where it came from, how fresh it was and keyed hashes of its fields,
which is enough to tell which source supplied which person, to merge
sources by precedence and to record conflicts without storing the values.
"""

import uuid

from django.db import models

from tocsin.incidents.models import Incident


class Extraction(models.Model):
    """One pull of contacts for an incident, over its sources in order."""

    class Mode(models.TextChoices):
        FULL = "full"
        DELTA = "delta"

    class Status(models.TextChoices):
        RUNNING = "running"
        COMPLETE = "complete"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="extractions"
    )
    mode = models.CharField(max_length=10, choices=Mode, default=Mode.FULL)
    # Delta re-syncs read records changed after this time.
    since = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.RUNNING)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"extraction {self.id} ({self.mode}, {self.status})"


class SourceRun(models.Model):
    """The checkpoint and counters of one source within an extraction.

    ``cursor`` and ``pages_done`` change in the same transaction as the
    page's records, so they always describe what is stored.
    """

    class Status(models.TextChoices):
        WAITING = "waiting"  # a fallback source not needed (yet)
        RUNNING = "running"
        COMPLETE = "complete"
        FAILED_OVER = "failed_over"  # down past its deadline, next source took over
        FAILED = "failed"  # stopped by a permanent error such as a bad password

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    extraction = models.ForeignKey(
        Extraction, on_delete=models.CASCADE, related_name="runs"
    )
    position = models.PositiveIntegerField()
    # Lower wins when two sources disagree about the same person.
    precedence = models.PositiveIntegerField()
    source_name = models.CharField(max_length=100)
    spec = models.JSONField()
    status = models.CharField(max_length=12, choices=Status, default=Status.WAITING)
    cursor = models.JSONField(null=True, blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    records_stored = models.PositiveIntegerField(default=0)
    records_covered = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    retries = models.PositiveIntegerField(default=0)
    rate_limit_waits = models.PositiveIntegerField(default=0)
    rate_limit_wait_seconds = models.FloatField(default=0)
    total_estimate = models.PositiveIntegerField(null=True, blank=True)
    api_used = models.PositiveIntegerField(null=True, blank=True)
    api_limit = models.PositiveIntegerField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    outage_started_at = models.DateTimeField(null=True, blank=True)
    breaker_open_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    oldest_as_of = models.DateTimeField(null=True, blank=True)
    newest_as_of = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["extraction", "position"], name="sources_run_position_unique"
            )
        ]
        ordering = ["extraction", "position"]

    def __str__(self) -> str:
        return f"source run {self.source_name} ({self.status})"


class ExtractedRecord(models.Model):
    """Where one record came from, and whether it supplied a person.

    Unique per (incident, source, record id): a re-run page updates its rows
    instead of adding new ones. ``source_record_id`` contains the blind
    index of the record id, as ``Contact.source_record_id`` does, because
    sources use the customer's own id as the record id. ``identity`` is a
    keyed hash of the email (or phone when there is no email) that links one
    person across sources; ``field_digests`` contains keyed hashes of each
    field to detect conflicts.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE)
    source_name = models.CharField(max_length=100)
    source_object = models.CharField(max_length=100)
    source_record_id = models.CharField(max_length=100)
    as_of = models.DateTimeField()
    identity = models.CharField(max_length=64, blank=True, db_index=True)
    field_digests = models.JSONField(default=dict)
    precedence = models.PositiveIntegerField()
    # False when a source of higher precedence already supplied this person.
    is_primary = models.BooleanField(default=True)
    run = models.ForeignKey(SourceRun, on_delete=models.CASCADE)
    extracted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "source_name", "source_record_id"],
                name="sources_record_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_name}/{self.source_object}/{self.source_record_id}"


class FieldConflict(models.Model):
    """Two sources disagree on one field of the same person.

    The record of higher precedence wins; the other value stays in its own
    source (and in the vault, where stored) for a reviewer to compare.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE)
    identity = models.CharField(max_length=64)
    field_name = models.CharField(max_length=40)
    kept = models.ForeignKey(
        ExtractedRecord, on_delete=models.CASCADE, related_name="+"
    )
    other = models.ForeignKey(
        ExtractedRecord, on_delete=models.CASCADE, related_name="+"
    )
    detected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kept", "other", "field_name"], name="sources_conflict_unique"
            )
        ]

    def __str__(self) -> str:
        return f"conflict on {self.field_name}"


class RejectedRecord(models.Model):
    """A row or record a source returned that could not be read."""

    run = models.ForeignKey(SourceRun, on_delete=models.CASCADE, related_name="+")
    reference = models.CharField(max_length=100)
    reason = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "reference"], name="sources_rejected_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.reason}"

"""Notices to people and the attempts to deliver them."""

import uuid

from django.db import models

from tocsin.assessment.models import AssessmentRun
from tocsin.incidents.models import Incident
from tocsin.notices.models import TemplateVersion
from tocsin.reconciliation.models import AffectedPerson


class Notice(models.Model):
    """The one notice an affected person is owed for an incident.

    A person owed notice under several laws still gets one notice, carrying
    the union of the required content; its deadline is the earliest one.
    The rendered text is never stored, only its digest.
    """

    class Status(models.TextChoices):
        PLANNED = "planned"
        SENT = "sent"  # accepted by a provider
        DELIVERED = "delivered"
        FAILED = "failed"
        IN_DOUBT = "in_doubt"  # may have been sent; listed, never resent
        NO_CHANNEL = "no_channel"  # owed, but no permitted channel reaches it

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        Incident, related_name="notices", on_delete=models.CASCADE
    )
    person = models.ForeignKey(
        AffectedPerson, related_name="notices", on_delete=models.CASCADE
    )
    run = models.ForeignKey(
        AssessmentRun, related_name="notices", on_delete=models.PROTECT
    )
    template_version = models.ForeignKey(
        TemplateVersion, related_name="notices", on_delete=models.PROTECT
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.PLANNED)
    deadline = models.DateTimeField(null=True, blank=True)
    law_ids = models.JSONField(default=list)
    body_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person"], name="one_notice_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"notice {self.id}"

    @property
    def reference(self) -> str:
        """Return the short reference printed on the notice for support."""
        return self.id.hex[:10].upper()


class DeliveryAttempt(models.Model):
    """One try at delivering a notice over one channel.

    The attempt row is written before the provider is called, and its
    ``idempotency_key`` is unique, so a redelivered task finds the attempt
    already claimed or sent and never sends a second copy.
    """

    class Channel(models.TextChoices):
        EMAIL = "email"
        SMS = "sms"
        LETTER = "letter"

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"  # claimed by a worker, provider call under way
        SENT = "sent"
        DELIVERED = "delivered"
        BOUNCED = "bounced"
        FAILED = "failed"
        IN_DOUBT = "in_doubt"  # the worker died during the provider call

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    notice = models.ForeignKey(
        Notice, related_name="attempts", on_delete=models.CASCADE
    )
    channel = models.CharField(max_length=10, choices=Channel)
    provider = models.CharField(max_length=40, blank=True)
    sequence = models.PositiveSmallIntegerField(default=1)
    idempotency_key = models.CharField(max_length=80, unique=True)
    status = models.CharField(
        max_length=12, choices=Status, default=Status.PENDING, db_index=True
    )
    claim_token = models.CharField(max_length=32, blank=True, db_index=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_detail = models.CharField(max_length=300, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.channel} attempt {self.idempotency_key}"

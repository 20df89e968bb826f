"""The append-only, hash-chained audit trail."""

from django.db import models


class AuditEvent(models.Model):
    """One action, in a chain where each event stores its predecessor's hash.

    Payloads hold ids, counts, codes and keyed hashes only, never contact
    details, so the trail can outlive an incident's vault purge.
    """

    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=80)
    # A plain reference, not a foreign key: the audit app depends on no other
    # app, and events must survive the deletion of what they describe.
    incident_ref = models.CharField(max_length=80, blank=True, db_index=True)
    outcome = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    event_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"audit event {self.sequence} {self.action}"


class AuditChainHead(models.Model):
    """The single row that writers lock to append to the chain in order."""

    sequence = models.BigIntegerField(default=0)
    event_hash = models.CharField(max_length=64, default="0" * 64)


class AuditCheckpoint(models.Model):
    """A signed statement of the chain head at one moment.

    A copy of each checkpoint is also appended to a file in the data folder.
    Someone who rewrites the chain's tail and its head row cannot forge a
    matching checkpoint without the signing key, which lives elsewhere.
    """

    sequence = models.BigIntegerField()
    event_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=100)

    class Meta:
        ordering = ["sequence", "created_at"]

    def __str__(self) -> str:
        return f"audit checkpoint at {self.sequence}"

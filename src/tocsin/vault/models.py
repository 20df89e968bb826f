"""Vault tables: wrapped keys and encrypted contacts.

Only ciphertext, keyed hashes (blind indexes) and coarse non-personal
columns are stored. See ``tocsin.vault.crypto`` for the ciphertext layout.
"""

import uuid

from django.db import models

from tocsin.incidents.models import Incident


class DataKey(models.Model):
    """An incident's data key and blind-index key, wrapped by a master key.

    A purge sets both wrapped keys to NULL and records ``destroyed_at``
    (crypto-shredding): the row stays as evidence that the key is gone.
    """

    incident = models.OneToOneField(
        Incident, related_name="data_key", on_delete=models.CASCADE
    )
    wrapped_data_key = models.BinaryField(null=True)
    wrapped_index_key = models.BinaryField(null=True)
    master_key_id = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"data key of incident {self.incident_id}"

    @property
    def is_destroyed(self) -> bool:
        """True once a purge has destroyed the key."""
        return self.destroyed_at is not None


class InstallationKey(models.Model):
    """A wrapped installation-wide key, such as the person-reference key.

    These outlive purges: audit entries keep keyed hashes made with them.
    """

    name = models.CharField(max_length=64, unique=True)
    wrapped_key = models.BinaryField()
    master_key_id = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    rewrapped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"installation key {self.name}"


class Contact(models.Model):
    """One affected person's contact details, encrypted with the incident key.

    ``encrypted_fields`` contains one AES-256-GCM ciphertext per personal
    field, each bound to this row's id and the field name. The source record
    id is sealed there too, because sources use the customer's own id as the
    record id: ``source_record_id`` holds its blind index, so imports can
    still find the rows of a source record with
    ``blind_index(incident, "source_record_id", record_id)``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by the composite indexes in Meta, which lead with the incident.
    incident = models.ForeignKey(
        Incident, related_name="contacts", on_delete=models.CASCADE, db_index=False
    )
    source = models.CharField(max_length=100)
    source_object = models.CharField(max_length=100)
    source_record_id = models.CharField(max_length=200)
    as_of = models.DateTimeField()
    encrypted_fields = models.BinaryField()
    email_index = models.CharField(max_length=64, blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    customer_id_index = models.CharField(max_length=64, blank=True)
    has_email = models.BooleanField(default=False)
    has_phone = models.BooleanField(default=False)
    has_postal_address = models.BooleanField(default=False)
    residence = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Lookups filter by incident and one blind index. With separate
        # single-column indexes SQLite's planner picked the incident index and
        # scanned the incident's rows (about 6 ms per lookup at 20,000
        # contacts). A composite index makes each lookup one seek.
        indexes = [
            models.Index(
                fields=["incident", "email_index"], name="vault_contact_email"
            ),
            models.Index(
                fields=["incident", "phone_index"], name="vault_contact_phone"
            ),
            models.Index(
                fields=["incident", "customer_id_index"], name="vault_contact_customer"
            ),
        ]

    def __str__(self) -> str:
        return f"contact {self.id}"


class PurgeSummary(models.Model):
    """Summary of an incident's vault, written before a purge deletes it.

    Counts per residence let reports and regulators' questions about how many
    people in each jurisdiction were notified be answered after the purge.
    ``completed_at`` stays empty until the data key is destroyed, so an
    interrupted purge is visible and resumable.
    """

    incident = models.OneToOneField(
        Incident, related_name="vault_purge", on_delete=models.CASCADE
    )
    contact_count = models.PositiveIntegerField()
    counts_by_residence = models.JSONField(default=dict)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"vault purge of incident {self.incident_id}"

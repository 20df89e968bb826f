"""Errors raised by the encrypted contact vault.

TocsinError
 ├── RetryableError
 │    └── KeyProviderUnavailable   the KMS did not respond; retry later
 └── PermanentError
      ├── ConfigurationError
      │    └── VaultKeyMissing     no master key, or not the one that wraps
      ├── DataKeyUnwrapFailed      the master key does not open a data key
      ├── DecryptionFailed         a contact field failed authentication
      ├── DataKeyDestroyed         the incident's vault was purged
      └── VaultPurgeStarted        a purge is under way; nothing may be added

Messages name incident ids, contact ids, key ids and field names, never a
contact detail or key material.
"""

import uuid

from tocsin.errors import ConfigurationError, PermanentError, RetryableError


class VaultKeyMissing(ConfigurationError):
    """The master key needed to wrap or unwrap a data key is not available."""

    default_message = (
        "no master key is available; run `tocsin init` to create the key file "
        "or set TOCSIN_MASTER_KEY"
    )


class KeyProviderUnavailable(RetryableError):
    """The key management service did not respond or failed with a 5xx."""

    default_message = "the key management service is unavailable; retry later"


class DataKeyUnwrapFailed(PermanentError):
    """A wrapped data key failed authentication under its master key."""

    def __init__(self, incident_id: uuid.UUID, master_key_id: str) -> None:
        super().__init__(
            f"the data key of incident {incident_id} failed to unwrap under "
            f"master key '{master_key_id}': the master key is wrong or the "
            "wrapped key was altered; restore the master key file or the "
            "vault_datakey row from backup"
        )
        self.incident_id = incident_id
        self.master_key_id = master_key_id


class DecryptionFailed(PermanentError):
    """A contact's encrypted field is altered, moved or under another key."""

    def __init__(self, contact_id: uuid.UUID, field: str, reason: str) -> None:
        super().__init__(
            f"contact {contact_id} field '{field}' failed to decrypt: {reason}; "
            "restore the row from backup or extract the contact again"
        )
        self.contact_id = contact_id
        self.field = field


class DataKeyDestroyed(PermanentError):
    """The incident's data key was destroyed by a purge."""

    def __init__(self, incident_id: uuid.UUID) -> None:
        super().__init__(
            f"the vault of incident {incident_id} was purged and its data key "
            "destroyed; its contacts cannot be stored, searched or decrypted, "
            "so open a new incident for new contacts"
        )
        self.incident_id = incident_id


class VaultPurgeStarted(PermanentError):
    """A purge of the incident's vault has begun, so nothing may be added."""

    def __init__(self, incident_id: uuid.UUID) -> None:
        super().__init__(
            f"a purge of incident {incident_id}'s vault has started, so no "
            "contacts can be stored; finish it with `tocsin purge --incident "
            f"{incident_id}` and open a new incident for new contacts"
        )
        self.incident_id = incident_id

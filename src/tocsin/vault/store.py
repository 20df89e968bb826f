"""Storing, finding and opening encrypted contacts.

The public API of the vault. Plaintext exists only in the ``ContactRecord``
objects passed in and returned; the database receives ciphertext, blind
indexes and coarse non-personal columns only.
"""

import hmac
import logging
import secrets
import threading
import uuid
from collections.abc import Iterable, Iterator
from hashlib import sha256
from itertools import islice

from cryptography.exceptions import InvalidTag
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from tocsin.incidents.models import Incident
from tocsin.vault import crypto
from tocsin.vault.crypto import IncidentKeys
from tocsin.vault.errors import (
    DataKeyDestroyed,
    DataKeyUnwrapFailed,
    VaultKeyMissing,
    VaultPurgeStarted,
)
from tocsin.vault.keys import KEY_BYTES, KeyProvider, get_key_provider
from tocsin.vault.models import Contact, DataKey, InstallationKey, PurgeSummary
from tocsin.vault.records import PERSONAL_FIELDS, ContactRecord, Provenance

logger = logging.getLogger(__name__)

STORE_BATCH_SIZE = 2000
PERSON_REFERENCE_KEY = "person_reference"

# Unwrapped keys by (incident id, master key id, wrapped data key), so a
# rewrapped or destroyed key never matches a stale entry.
_key_cache: dict[tuple, IncidentKeys] = {}
# The most recently unwrapped keys per incident, for hot paths that skip the
# data key query (see _cached_keys).
_latest_keys: dict[uuid.UUID, IncidentKeys] = {}
_person_reference_mac: dict[str, hmac.HMAC] = {}
_cache_lock = threading.Lock()


def data_key_context(incident_id: uuid.UUID, purpose: bytes) -> bytes:
    """Return the associated data that binds a wrapped key to its incident."""
    return b"tocsin/data-key/" + purpose + b"/" + incident_id.bytes


def installation_key_context(name: str) -> bytes:
    """Return the associated data that binds a wrapped installation key."""
    return b"tocsin/installation-key/" + name.encode("ascii")


def forget_incident_keys(incident_id: uuid.UUID) -> None:
    """Drop an incident's unwrapped keys from this process's cache."""
    with _cache_lock:
        for cache_key in [k for k in _key_cache if k[0] == incident_id]:
            del _key_cache[cache_key]
        _latest_keys.pop(incident_id, None)


def _create_data_key(incident: Incident, provider: KeyProvider) -> DataKey:
    data_key = secrets.token_bytes(KEY_BYTES)
    index_key = secrets.token_bytes(KEY_BYTES)
    wrapped_data, key_id = provider.wrap(
        data_key, data_key_context(incident.pk, b"data")
    )
    wrapped_index, _ = provider.wrap(index_key, data_key_context(incident.pk, b"index"))
    try:
        with transaction.atomic():
            row = DataKey.objects.create(
                incident=incident,
                wrapped_data_key=wrapped_data,
                wrapped_index_key=wrapped_index,
                master_key_id=key_id,
            )
    except IntegrityError:
        # Another worker created the incident's key first: use that one.
        return DataKey.objects.get(incident=incident)
    logger.info(
        "incident data key created",
        extra={"incident_id": str(incident.pk), "master_key_id": key_id},
    )
    return row


def _unwrap(row: DataKey, provider: KeyProvider | None = None) -> IncidentKeys:
    cache_key = (row.incident_id, row.master_key_id, bytes(row.wrapped_data_key))
    cached = _key_cache.get(cache_key)
    if cached is not None:
        return cached
    provider = provider or get_key_provider()
    try:
        data_key, index_key = _unwrap_pair(row, provider)
    except VaultKeyMissing as missing:
        raise VaultKeyMissing(f"incident {row.incident_id}: {missing}") from None
    keys = crypto.make_incident_keys(row.incident_id, data_key, index_key)
    with _cache_lock:
        _key_cache[cache_key] = keys
        _latest_keys[row.incident_id] = keys
    return keys


def _unwrap_pair(row: DataKey, provider: KeyProvider) -> tuple[bytes, bytes]:
    try:
        data_key = provider.unwrap(
            bytes(row.wrapped_data_key),
            row.master_key_id,
            data_key_context(row.incident_id, b"data"),
        )
        index_key = provider.unwrap(
            bytes(row.wrapped_index_key),
            row.master_key_id,
            data_key_context(row.incident_id, b"index"),
        )
    except InvalidTag:
        raise DataKeyUnwrapFailed(row.incident_id, row.master_key_id) from None
    return data_key, index_key


def load_incident_keys(incident_id: uuid.UUID, *, create: bool) -> IncidentKeys | None:
    """Return an incident's unwrapped keys, creating them if ``create``.

    Returns None when the incident has no data key and ``create`` is false.
    Raises ``DataKeyDestroyed`` once the incident's vault has been purged.
    """
    row = DataKey.objects.filter(incident_id=incident_id).first()
    if row is None:
        if not create:
            return None
        incident = Incident.objects.get(pk=incident_id)
        if incident.status == Incident.Status.PURGED:
            raise DataKeyDestroyed(incident_id)
        row = _create_data_key(incident, get_key_provider())
    if row.is_destroyed:
        forget_incident_keys(incident_id)
        raise DataKeyDestroyed(incident_id)
    return _unwrap(row)


def _cached_keys(incident_id: uuid.UUID) -> IncidentKeys | None:
    # Opening and finding contacts many times in a row (sending notices)
    # should not cost a data key query each. A purge in this process drops
    # the cache entry. After a purge in another process the contacts are
    # gone, so a stale key finds and decrypts nothing.
    keys = _latest_keys.get(incident_id)
    if keys is not None:
        return keys
    return load_incident_keys(incident_id, create=False)


def _keys_for_opening(incident_id: uuid.UUID) -> IncidentKeys:
    keys = _cached_keys(incident_id)
    if keys is None:
        # Contacts exist only under a data key, so a missing key row means
        # the incident (and its key) were deleted under the contact.
        raise DataKeyDestroyed(incident_id)
    return keys


def _sealed_values(record: ContactRecord) -> dict[str, str]:
    values = {name: getattr(record, name) for name in PERSONAL_FIELDS}
    values = {name: value for name, value in values.items() if value}
    if record.extra:
        values["extra"] = crypto.encode_extra(record.extra)
    # Sources use the customer's own id as the record id (Shopify's
    # Customer ID, Salesforce's Contact Id), so it is sealed like one.
    values["source_record_id"] = record.provenance.source_record_id
    return values


def build_contact(
    keys: IncidentKeys, incident_id: uuid.UUID, record: ContactRecord
) -> Contact:
    """Return an unsaved Contact holding ``record`` encrypted."""
    contact_id = uuid.uuid4()
    provenance = record.provenance
    postal = bool(record.address1.strip()) and bool(
        record.city.strip() or record.postal_code.strip()
    )
    return Contact(
        id=contact_id,
        incident_id=incident_id,
        source=provenance.source,
        source_object=provenance.source_object,
        source_record_id=crypto.compute_blind_index(
            keys, "source_record_id", provenance.source_record_id
        ),
        as_of=provenance.as_of,
        encrypted_fields=crypto.seal_fields(keys, contact_id, _sealed_values(record)),
        email_index=crypto.compute_blind_index(
            keys, "email", crypto.normalize_email(record.email)
        ),
        phone_index=crypto.compute_blind_index(
            keys, "phone", crypto.normalize_phone(record.phone)
        ),
        customer_id_index=crypto.compute_blind_index(
            keys, "customer_id", crypto.normalize_customer_id(record.customer_id)
        ),
        has_email=bool(record.email.strip()),
        has_phone=bool(record.phone.strip()),
        has_postal_address=postal,
        residence=crypto.derive_residence(record.country_code, record.province_code),
    )


def _batches(records: Iterable[ContactRecord]) -> Iterator[list[ContactRecord]]:
    iterator = iter(records)
    while batch := list(islice(iterator, STORE_BATCH_SIZE)):
        yield batch


def store_contacts(
    incident: Incident, records: Iterable[ContactRecord]
) -> list[Contact]:
    """Encrypt and insert contacts for an incident; return the saved rows.

    Creates the incident's data key on first use. All rows are inserted in
    one transaction, in batches, so a failure stores none of them. Raises
    ``DataKeyDestroyed`` after the incident's vault has been purged, and
    ``VaultPurgeStarted`` while a purge runs: contacts stored then would
    outlive the retention the purge enforces.
    """
    purge = PurgeSummary.objects.filter(incident_id=incident.pk).first()
    if purge is not None and purge.completed_at is not None:
        raise DataKeyDestroyed(incident.pk)
    if purge is not None:
        raise VaultPurgeStarted(incident.pk)
    keys = load_incident_keys(incident.pk, create=True)
    stored: list[Contact] = []
    with transaction.atomic():
        for batch in _batches(records):
            contacts = [build_contact(keys, incident.pk, record) for record in batch]
            Contact.objects.bulk_create(contacts, batch_size=STORE_BATCH_SIZE)
            stored.extend(contacts)
    logger.info(
        "contacts stored",
        extra={"incident_id": str(incident.pk), "count": len(stored)},
    )
    return stored


def _record_from(contact: Contact, values: dict[str, str]) -> ContactRecord:
    extra = crypto.decode_extra(values.pop("extra")) if "extra" in values else {}
    # Rows stored before the record id was sealed keep it in the column.
    record_id = values.pop("source_record_id", contact.source_record_id)
    provenance = Provenance(
        source=contact.source,
        source_object=contact.source_object,
        source_record_id=record_id,
        as_of=contact.as_of,
    )
    return ContactRecord(provenance=provenance, extra=extra, **values)


def open_contact(contact: Contact) -> ContactRecord:
    """Return a contact's details decrypted in memory.

    Raises ``DecryptionFailed`` naming the contact and field when a
    ciphertext fails authentication, and ``DataKeyDestroyed`` after a purge.
    """
    keys = _keys_for_opening(contact.incident_id)
    values = crypto.open_fields(keys, contact.id, contact.encrypted_fields)
    return _record_from(contact, values)


def open_contacts(contacts: Iterable[Contact]) -> dict[uuid.UUID, ContactRecord]:
    """Return the decrypted details of many contacts, by contact id."""
    opened: dict[uuid.UUID, ContactRecord] = {}
    keys_by_incident: dict[uuid.UUID, IncidentKeys] = {}
    for contact in contacts:
        keys = keys_by_incident.get(contact.incident_id)
        if keys is None:
            keys = _keys_for_opening(contact.incident_id)
            keys_by_incident[contact.incident_id] = keys
        values = crypto.open_fields(keys, contact.id, contact.encrypted_fields)
        opened[contact.id] = _record_from(contact, values)
    return opened


def blind_index(incident: Incident, kind: str, value: str) -> str:
    """Return the blind index of a value for one incident's contacts.

    ``kind`` is "email", "phone", "customer_id" or "source_record_id"
    (compare with ``Contact.source_record_id``); the value is normalized
    first as stored contacts are. Returns "" for a value that normalizes to
    nothing. Creates the incident's data key if it has none yet.
    """
    if kind not in crypto.NORMALIZERS:
        raise ValueError(
            f"unknown blind index kind '{kind}'; use one of {crypto.INDEX_KINDS}"
        )
    keys = _cached_keys(incident.pk) or load_incident_keys(incident.pk, create=True)
    normalized = crypto.NORMALIZERS[kind](value)
    return crypto.compute_blind_index(keys, kind, normalized)


def find_contacts(
    incident: Incident,
    *,
    email: str | None = None,
    phone: str | None = None,
    customer_id: str | None = None,
) -> QuerySet[Contact]:
    """Return the incident's contacts matching every given value exactly.

    Matching uses the blind indexes of the normalized values, so no value is
    decrypted or sent to the database in plaintext. A given value that
    normalizes to nothing matches no contact.
    """
    criteria = {"email": email, "phone": phone, "customer_id": customer_id}
    requested = {kind: value for kind, value in criteria.items() if value is not None}
    if not requested:
        raise ValueError("find_contacts needs email, phone or customer_id")
    keys = _cached_keys(incident.pk)
    if keys is None:
        return Contact.objects.none()
    lookup: dict[str, object] = {"incident_id": incident.pk}
    for kind, value in requested.items():
        index = crypto.compute_blind_index(keys, kind, crypto.NORMALIZERS[kind](value))
        if not index:
            return Contact.objects.none()
        lookup[f"{kind}_index"] = index
    return Contact.objects.filter(**lookup)


def _person_reference_hmac() -> hmac.HMAC:
    cached = _person_reference_mac.get(PERSON_REFERENCE_KEY)
    if cached is not None:
        return cached
    provider = get_key_provider()
    context = installation_key_context(PERSON_REFERENCE_KEY)
    row = InstallationKey.objects.filter(name=PERSON_REFERENCE_KEY).first()
    if row is None:
        wrapped, key_id = provider.wrap(secrets.token_bytes(KEY_BYTES), context)
        try:
            with transaction.atomic():
                row = InstallationKey.objects.create(
                    name=PERSON_REFERENCE_KEY, wrapped_key=wrapped, master_key_id=key_id
                )
        except IntegrityError:
            row = InstallationKey.objects.get(name=PERSON_REFERENCE_KEY)
    key = provider.unwrap(bytes(row.wrapped_key), row.master_key_id, context)
    mac = hmac.new(key, None, sha256)
    with _cache_lock:
        _person_reference_mac[PERSON_REFERENCE_KEY] = mac
    return mac


def person_reference(value: str) -> str:
    """Return an installation-wide keyed hash of a contact detail.

    For audit payloads: the same email, phone or customer id gives the same
    reference in every incident and after every purge, without the audit
    trail holding the detail. The value is stripped and lower-cased first.
    The key is separate from incident keys, so purges do not destroy it.
    """
    mac = _person_reference_hmac().copy()
    mac.update(value.strip().lower().encode("utf-8", "surrogatepass"))
    return mac.hexdigest()


def clear_key_caches() -> None:
    """Drop every unwrapped key held by this process (tests, rotation)."""
    with _cache_lock:
        _key_cache.clear()
        _latest_keys.clear()
        _person_reference_mac.clear()

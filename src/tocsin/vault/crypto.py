"""Field encryption and blind indexes for contacts.

Layout of ``Contact.encrypted_fields`` (format 1)::

    version (1 byte, = 1)
    then per non-empty field, in any order:
        field code (1 byte)  length of nonce + ciphertext (4 bytes, big-endian)
        nonce (12 bytes)     AES-256-GCM ciphertext with its 16-byte tag

Each field's associated data is the contact id (16 bytes), a bit mask of the
field codes present in the blob (4 bytes) and the field name. So a
ciphertext moved to another row or field fails authentication, and so does a
blob with a field segment cut out, which would otherwise read back as an
empty field.
"""

import hmac
import json
import os
import struct
import uuid
from dataclasses import dataclass
from hashlib import sha256

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tocsin.vault.errors import DecryptionFailed
from tocsin.vault.keys import NONCE_BYTES

FORMAT_VERSION = 1

# Codes are stored in every blob: never renumber or reuse one.
FIELD_CODES: dict[str, int] = {
    "customer_id": 1,
    "first_name": 2,
    "last_name": 3,
    "email": 4,
    "phone": 5,
    "address1": 6,
    "address2": 7,
    "city": 8,
    "province_code": 9,
    "postal_code": 10,
    "country_code": 11,
    "company": 12,
    "extra": 13,  # ContactRecord.extra as JSON
    "source_record_id": 14,  # Provenance.source_record_id
}
FIELD_NAMES = {code: name for name, code in FIELD_CODES.items()}
_FIELD_NAME_BYTES = {name: name.encode("ascii") for name in FIELD_CODES}
_SEGMENT_HEADER = struct.Struct(">BI")
_MASK = struct.Struct(">I")
INDEX_KINDS = ("email", "phone", "customer_id", "source_record_id")

# Countries whose breach laws differ by state or province, so residence keeps
# the subdivision: "US-CA", "CA-ON". Elsewhere the country code alone.
SUBDIVISION_COUNTRIES = frozenset({"US", "CA"})


@dataclass(frozen=True)
class IncidentKeys:
    """An incident's unwrapped keys, held in memory only."""

    incident_id: uuid.UUID
    aead: AESGCM
    index_hmac: "hmac.HMAC"


def make_incident_keys(
    incident_id: uuid.UUID, data_key: bytes, index_key: bytes
) -> IncidentKeys:
    """Return the cipher and HMAC objects for an incident's raw keys."""
    return IncidentKeys(
        incident_id, AESGCM(data_key), hmac.new(index_key, None, sha256)
    )


def _presence_mask(codes: list[int]) -> bytes:
    mask = 0
    for code in codes:
        mask |= 1 << code
    return _MASK.pack(mask)


def seal_fields(keys: IncidentKeys, contact_id: uuid.UUID, values: dict) -> bytes:
    """Return the encrypted blob of a contact's non-empty personal fields.

    ``values`` maps field names of ``FIELD_CODES`` to strings.
    """
    names = list(values)
    prefix = contact_id.bytes + _presence_mask([FIELD_CODES[n] for n in names])
    nonces = os.urandom(NONCE_BYTES * len(names))
    encrypt = keys.aead.encrypt
    parts = [bytes([FORMAT_VERSION])]
    for position, name in enumerate(names):
        nonce = nonces[position * NONCE_BYTES : (position + 1) * NONCE_BYTES]
        plain = values[name].encode("utf-8", "surrogatepass")
        sealed = encrypt(nonce, plain, prefix + _FIELD_NAME_BYTES[name])
        parts.append(_SEGMENT_HEADER.pack(FIELD_CODES[name], NONCE_BYTES + len(sealed)))
        parts.append(nonce)
        parts.append(sealed)
    return b"".join(parts)


def _split_segments(contact_id: uuid.UUID, blob: bytes) -> list[tuple[int, bytes]]:
    if not blob or blob[0] != FORMAT_VERSION:
        version = blob[0] if blob else "none"
        raise DecryptionFailed(
            contact_id, "encrypted_fields", f"unknown format version {version}"
        )
    segments = []
    offset = 1
    while offset < len(blob):
        if offset + _SEGMENT_HEADER.size > len(blob):
            raise DecryptionFailed(contact_id, "encrypted_fields", "truncated header")
        code, length = _SEGMENT_HEADER.unpack_from(blob, offset)
        offset += _SEGMENT_HEADER.size
        name = FIELD_NAMES.get(code, f"code {code}")
        if code not in FIELD_NAMES or length <= NONCE_BYTES:
            raise DecryptionFailed(contact_id, name, "malformed segment")
        if offset + length > len(blob):
            raise DecryptionFailed(contact_id, name, "truncated ciphertext")
        segments.append((code, blob[offset : offset + length]))
        offset += length
    return segments


def open_fields(keys: IncidentKeys, contact_id: uuid.UUID, blob: bytes) -> dict:
    """Return the decrypted fields of a blob, by field name.

    Raises ``DecryptionFailed`` naming the contact and the first field that
    fails authentication.
    """
    segments = _split_segments(contact_id, bytes(blob))
    prefix = contact_id.bytes + _presence_mask([code for code, _ in segments])
    decrypt = keys.aead.decrypt
    values = {}
    for code, segment in segments:
        name = FIELD_NAMES[code]
        nonce, sealed = segment[:NONCE_BYTES], segment[NONCE_BYTES:]
        try:
            plain = decrypt(nonce, sealed, prefix + _FIELD_NAME_BYTES[name])
        except InvalidTag:
            raise DecryptionFailed(
                contact_id,
                name,
                "authentication failed because the ciphertext was altered, "
                "moved from another row or field, or the data key is wrong",
            ) from None
        values[name] = plain.decode("utf-8", "surrogatepass")
    return values


def encode_extra(extra: dict[str, str]) -> str:
    """Return ContactRecord.extra as the JSON text stored in field "extra"."""
    return json.dumps(extra, ensure_ascii=False, sort_keys=True)


def decode_extra(text: str) -> dict[str, str]:
    """Return the ContactRecord.extra dict stored as JSON text."""
    return json.loads(text)


def normalize_email(value: str) -> str:
    """Return an email address stripped and lower-cased for indexing."""
    return value.strip().lower()


def normalize_phone(value: str) -> str:
    """Return a phone number as ``+`` and digits (E.164 form) or digits only.

    A leading ``+`` or international ``00`` prefix keeps the number
    international. Without one the digits are kept as given, because the
    country is unknown here.
    """
    stripped = value.strip()
    digits = "".join(ch for ch in stripped if ch.isdigit() and ch.isascii())
    if stripped.startswith("+"):
        return "+" + digits if digits else ""
    if stripped.startswith("00") and len(digits) > 2:
        return "+" + digits[2:]
    return digits


def normalize_customer_id(value: str) -> str:
    """Return a customer id stripped of surrounding whitespace."""
    return value.strip()


def normalize_source_record_id(value: str) -> str:
    """Return a source record id unchanged: sources compare ids exactly."""
    return value


NORMALIZERS = {
    "email": normalize_email,
    "phone": normalize_phone,
    "customer_id": normalize_customer_id,
    "source_record_id": normalize_source_record_id,
}


def compute_blind_index(keys: IncidentKeys, kind: str, normalized: str) -> str:
    """Return the hex HMAC-SHA256 of a normalized value, or "" for no value.

    The kind is part of the hashed message, so an email and a customer id
    with the same text get different indexes.
    """
    if not normalized:
        return ""
    mac = keys.index_hmac.copy()
    mac.update(
        kind.encode("ascii") + b"\x00" + normalized.encode("utf-8", "surrogatepass")
    )
    return mac.hexdigest()


def derive_residence(country_code: str, province_code: str) -> str:
    """Return the coarse residence code: "US-CA", "CA-ON", "DE", or "".

    Accepts a province given as "CA" or as the full ISO 3166-2 "US-CA".
    """
    country = country_code.strip().upper()
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        return ""
    if country not in SUBDIVISION_COUNTRIES:
        return country
    province = province_code.strip().upper().rsplit("-", 1)[-1]
    if 1 <= len(province) <= 3 and province.isascii() and province.isalnum():
        return f"{country}-{province}"
    return country

"""Parsing of operator input: dates, date-times, files and text fields.

Each parser raises ``InvalidComplianceInput`` naming the field, the value
and the expected form, so a CLI user can fix the input on the first retry.
"""

import hashlib
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tocsin.compliance.errors import InvalidComplianceInput


def parse_date(value: str | date, field: str) -> date:
    """Return a date from ``YYYY-MM-DD`` text, or the date unchanged."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidComplianceInput(
            f"{field} '{value}' is not a date; write it as YYYY-MM-DD,"
            " for example 2026-12-04"
        ) from None


def parse_timezone(value: str, field: str = "timezone") -> ZoneInfo:
    """Return the IANA time zone with this name."""
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidComplianceInput(
            f"{field} '{value}' is not an IANA time zone name; use a name such"
            " as UTC or America/Chicago"
        ) from None


def parse_datetime(value: str, field: str, zone: ZoneInfo) -> datetime:
    """Return an aware date-time from ISO 8601 text.

    A time without an offset is read in ``zone``, the responders' time zone
    from the same record, because IR tools often export local times.
    """
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidComplianceInput(
            f"{field} '{value}' is not an ISO 8601 date-time; write it like"
            " 2026-11-30T14:05:00+00:00"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def require_text(value: str | None, field: str, max_length: int) -> str:
    """Return stripped text, rejecting empty or over-long values."""
    text = (value or "").strip()
    if not text:
        raise InvalidComplianceInput(f"{field} is empty; give a value")
    if len(text) > max_length:
        raise InvalidComplianceInput(
            f"{field} is {len(text)} characters long; shorten it to at most"
            f" {max_length}"
        )
    return text


def compute_document_sha256(path: Path, field: str = "document") -> str:
    """Return the hex SHA-256 of a file, or raise naming the missing path."""
    if not path.is_file():
        raise InvalidComplianceInput(
            f"{field} file {path} not found; pass the path of an existing file"
        )
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

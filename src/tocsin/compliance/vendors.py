"""Vendors that touch notification data, and their attestations.

A notification run hands contact data to email, SMS and mail-house vendors,
so SOC 2 (vendor risk) and ISO/IEC 27001 (supplier controls) auditors ask
for proof that each vendor's own attestation was current when it was used.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from tocsin.audit.trail import record_audit_event
from tocsin.compliance.conf import vendor_warning_days
from tocsin.compliance.errors import ComplianceRecordNotFound, InvalidComplianceInput
from tocsin.compliance.models import Vendor, VendorAttestation
from tocsin.compliance.parsing import (
    compute_document_sha256,
    parse_date,
    require_text,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VendorWarning:
    """A vendor whose attestation is missing, expired or about to expire.

    ``level`` is one of ``unregistered``, ``missing``, ``expired`` and
    ``expiring``.
    """

    vendor_name: str
    kind: str
    level: str
    expires_on: date | None
    message: str


def register_vendor(
    name: str, kind: str, *, service: str = "", actor: str = "system"
) -> Vendor:
    """Create a vendor record and write an audit event."""
    name = require_text(name, "vendor name", 120)
    if kind not in Vendor.Kind.values:
        raise InvalidComplianceInput(
            f"vendor kind '{kind}' is not known; use one of"
            f" {', '.join(Vendor.Kind.values)}"
        )
    if Vendor.objects.filter(name__iexact=name).exists():
        raise InvalidComplianceInput(
            f"vendor '{name}' is already registered; record a new attestation"
            " with `tocsin compliance vendor attest` instead"
        )
    with transaction.atomic():
        vendor = Vendor.objects.create(name=name, kind=kind, service=service.strip())
        record_audit_event(
            "compliance.vendor_registered",
            object_type="vendor",
            object_id=vendor.pk,
            actor=actor,
            payload={"vendor": vendor.name, "kind": kind},
        )
    return vendor


def find_vendor(name: str) -> Vendor:
    """Return the vendor with this name, ignoring letter case."""
    vendor = Vendor.objects.filter(name__iexact=name.strip()).first()
    if vendor is None:
        raise ComplianceRecordNotFound(
            f"vendor '{name}' not found; register it with"
            " `tocsin compliance vendor add NAME --kind KIND`"
        )
    return vendor


def record_vendor_attestation(
    vendor_name: str,
    attestation_type: str,
    *,
    expires_on: str | date,
    document_path: Path,
    period_start: str | date | None = None,
    period_end: str | date | None = None,
    actor: str = "system",
) -> VendorAttestation:
    """Store a vendor's attestation with its document's SHA-256.

    The document itself is not copied: only its file name and hash are
    kept, so the evidence bundle can prove which report was reviewed
    without redistributing a report shared under NDA.
    """
    vendor = find_vendor(vendor_name)
    if attestation_type not in VendorAttestation.Type.values:
        raise InvalidComplianceInput(
            f"attestation type '{attestation_type}' is not known; use one of"
            f" {', '.join(VendorAttestation.Type.values)}"
        )
    expires = parse_date(expires_on, "expires_on")
    start = parse_date(period_start, "period_start") if period_start else None
    end = parse_date(period_end, "period_end") if period_end else None
    if start and end and end < start:
        raise InvalidComplianceInput(
            f"period_end {end} is before period_start {start}; swap or fix them"
        )
    sha256 = compute_document_sha256(document_path, "attestation document")
    with transaction.atomic():
        attestation = VendorAttestation.objects.create(
            vendor=vendor,
            attestation_type=attestation_type,
            period_start=start,
            period_end=end,
            expires_on=expires,
            document_name=document_path.name,
            document_sha256=sha256,
            recorded_by=actor,
        )
        record_audit_event(
            "compliance.vendor_attestation_recorded",
            object_type="vendor_attestation",
            object_id=attestation.pk,
            actor=actor,
            payload={
                "vendor": vendor.name,
                "type": attestation_type,
                "expires_on": expires.isoformat(),
                "document_sha256": sha256,
            },
        )
    return attestation


def vendor_warnings(
    vendor_names_or_kinds: Iterable[str], today: date | None = None
) -> list[VendorWarning]:
    """Return a warning for each named vendor whose attestation is not current.

    Each entry may be a vendor name or a vendor kind (``email``, ``sms``,
    ``mail_house``, ``crm``, ``hosting``, ``other``); a kind covers every
    vendor of that kind. A run calls this with the providers it will use, so
    operators see by name which vendor's attestation has expired, is missing,
    or expires within the warning window (60 days by default).
    """
    today = today or timezone.localdate()
    warnings: list[VendorWarning] = []
    seen: set[int] = set()
    for entry in vendor_names_or_kinds:
        matched = _vendors_named_or_of_kind(entry)
        if not matched:
            warnings.append(_unregistered_warning(entry))
        for vendor in matched:
            if vendor.pk in seen:
                continue
            seen.add(vendor.pk)
            warning = _attestation_warning(vendor, today)
            if warning is not None:
                warnings.append(warning)
    for warning in warnings:
        logger.warning(
            "vendor attestation not current",
            extra={"vendor": warning.vendor_name, "warning": warning.level},
        )
    return warnings


def _vendors_named_or_of_kind(entry: str) -> list[Vendor]:
    entry = entry.strip()
    if entry.lower() in Vendor.Kind.values:
        return list(Vendor.objects.filter(kind=entry.lower()))
    return list(Vendor.objects.filter(name__iexact=entry))


def _unregistered_warning(entry: str) -> VendorWarning:
    return VendorWarning(
        vendor_name=entry,
        kind="",
        level="unregistered",
        expires_on=None,
        message=(
            f"no vendor named or of kind '{entry}' is registered; register it"
            " with `tocsin compliance vendor add NAME --kind KIND`"
        ),
    )


def _attestation_warning(vendor: Vendor, today: date) -> VendorWarning | None:
    latest = vendor.attestations.order_by("-expires_on").first()
    if latest is None:
        return VendorWarning(
            vendor.name,
            vendor.kind,
            "missing",
            None,
            f"vendor '{vendor.name}' ({vendor.kind}) has no attestation on"
            " record; record one with `tocsin compliance vendor attest`",
        )
    kind_label = VendorAttestation.Type(latest.attestation_type).label
    if latest.expires_on < today:
        return VendorWarning(
            vendor.name,
            vendor.kind,
            "expired",
            latest.expires_on,
            f"vendor '{vendor.name}' ({vendor.kind}): {kind_label} expired on"
            f" {latest.expires_on}; ask the vendor for a current one",
        )
    days_left = (latest.expires_on - today).days
    if latest.expires_on <= today + timedelta(days=vendor_warning_days()):
        return VendorWarning(
            vendor.name,
            vendor.kind,
            "expiring",
            latest.expires_on,
            f"vendor '{vendor.name}' ({vendor.kind}): {kind_label} expires on"
            f" {latest.expires_on}, in {days_left} days; request the next one",
        )
    return None

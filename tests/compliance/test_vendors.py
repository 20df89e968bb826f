import hashlib
from datetime import date
from pathlib import Path

import pytest

from tocsin.audit.models import AuditEvent
from tocsin.compliance.errors import ComplianceRecordNotFound, InvalidComplianceInput
from tocsin.compliance.vendors import (
    record_vendor_attestation,
    register_vendor,
    vendor_warnings,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "postmark-soc2.pdf"
    path.write_bytes(b"synthetic report")
    return path


def attest(report: Path, expires: str, name: str = "Postmark") -> None:
    record_vendor_attestation(
        name, "soc2_type2", expires_on=expires, document_path=report, actor="alice"
    )


def test_registering_vendor_writes_audit_event() -> None:
    register_vendor("Postmark", "email", actor="alice")

    event = AuditEvent.objects.get()
    assert event.action == "compliance.vendor_registered"
    assert event.actor == "alice"
    assert event.payload == {"vendor": "Postmark", "kind": "email"}


def test_unknown_vendor_kind_lists_valid_kinds() -> None:
    with pytest.raises(InvalidComplianceInput) as raised:
        register_vendor("Postmark", "fax")

    assert str(raised.value) == (
        "vendor kind 'fax' is not known; use one of email, sms, mail_house,"
        " crm, hosting, other"
    )


def test_duplicate_vendor_is_rejected() -> None:
    register_vendor("Postmark", "email")

    with pytest.raises(InvalidComplianceInput, match="already registered"):
        register_vendor("postmark", "email")


def test_attestation_stores_document_sha256(report: Path) -> None:
    register_vendor("Postmark", "email")

    attest(report, "2027-06-30")

    event = AuditEvent.objects.get(action="compliance.vendor_attestation_recorded")
    expected = hashlib.sha256(b"synthetic report").hexdigest()
    assert event.payload["document_sha256"] == expected


def test_missing_document_names_path(tmp_path: Path) -> None:
    register_vendor("Postmark", "email")
    missing = tmp_path / "none.pdf"

    with pytest.raises(InvalidComplianceInput) as raised:
        attest(missing, "2027-06-30")

    assert str(raised.value) == (
        f"attestation document file {missing} not found; pass the path of an"
        " existing file"
    )


def test_bad_expiry_date_names_value(report: Path) -> None:
    register_vendor("Postmark", "email")

    with pytest.raises(InvalidComplianceInput) as raised:
        attest(report, "2027-02-30")

    assert str(raised.value) == (
        "expires_on '2027-02-30' is not a date; write it as YYYY-MM-DD, for"
        " example 2026-12-04"
    )


def test_attesting_unknown_vendor_names_fix(report: Path) -> None:
    with pytest.raises(ComplianceRecordNotFound) as raised:
        attest(report, "2027-06-30", name="Nobody")

    assert str(raised.value) == (
        "vendor 'Nobody' not found; register it with"
        " `tocsin compliance vendor add NAME --kind KIND`"
    )


def test_period_end_before_start_is_rejected(report: Path) -> None:
    register_vendor("Postmark", "email")

    with pytest.raises(InvalidComplianceInput) as raised:
        record_vendor_attestation(
            "Postmark",
            "soc2_type2",
            expires_on="2027-06-30",
            document_path=report,
            period_start="2026-06-30",
            period_end="2026-01-01",
        )

    assert str(raised.value) == (
        "period_end 2026-01-01 is before period_start 2026-06-30; swap or fix them"
    )


def test_current_attestation_gives_no_warning(report: Path) -> None:
    register_vendor("Postmark", "email")
    attest(report, "2027-06-30")

    assert vendor_warnings(["Postmark"], TODAY) == []


def test_expired_attestation_warns_by_name(report: Path) -> None:
    register_vendor("Postmark", "email")
    attest(report, "2026-11-30")

    [warning] = vendor_warnings(["Postmark"], TODAY)

    assert warning.level == "expired"
    assert warning.message == (
        "vendor 'Postmark' (email): SOC 2 Type II report expired on 2026-11-30;"
        " ask the vendor for a current one"
    )


def test_attestation_within_sixty_days_warns(report: Path) -> None:
    register_vendor("Postmark", "email")
    attest(report, "2027-02-02")

    [warning] = vendor_warnings(["Postmark"], TODAY)

    assert warning.level == "expiring"
    assert warning.message.endswith("in 60 days; request the next one")


def test_attestation_sixty_one_days_out_is_quiet(report: Path) -> None:
    register_vendor("Postmark", "email")
    attest(report, "2027-02-03")

    assert vendor_warnings(["Postmark"], TODAY) == []


def test_kind_covers_every_vendor_of_kind(report: Path) -> None:
    register_vendor("Postmark", "email")
    register_vendor("Mailgun", "email")
    attest(report, "2027-06-30", name="Postmark")

    warnings = vendor_warnings(["email"], TODAY)

    assert [(w.vendor_name, w.level) for w in warnings] == [("Mailgun", "missing")]


def test_unregistered_name_is_warned() -> None:
    [warning] = vendor_warnings(["Twilio"], TODAY)

    assert warning.level == "unregistered"
    assert warning.message == (
        "no vendor named or of kind 'Twilio' is registered; register it with"
        " `tocsin compliance vendor add NAME --kind KIND`"
    )


def test_latest_attestation_decides(report: Path) -> None:
    register_vendor("Postmark", "email")
    attest(report, "2026-01-31")
    attest(report, "2027-06-30")

    assert vendor_warnings(["Postmark"], TODAY) == []

from datetime import date
from pathlib import Path

import pytest

from tocsin.audit.models import AuditEvent
from tocsin.compliance.errors import InvalidComplianceInput
from tocsin.compliance.lawfiles import LawFile, find_law_files
from tocsin.compliance.lawreviews import laws_due_for_review, record_law_review

pytestmark = pytest.mark.django_db

DECEMBER = date(2026, 12, 4)

BUNDLED_LAWS = (
    Path(__file__).resolve().parents[2] / "src" / "tocsin" / "jurisdictions" / "laws"
)


def law(law_id: str, review_date: date | None = None) -> LawFile:
    return LawFile(law_id, Path(f"{law_id}.yaml"), "bundled", review_date)


def test_never_reviewed_law_is_due() -> None:
    [due] = laws_due_for_review(DECEMBER, [law("US-CA")])

    assert due.law_id == "US-CA"
    assert due.last_reviewed_on is None


def test_recent_file_review_not_due() -> None:
    assert laws_due_for_review(DECEMBER, [law("US-CA", date(2026, 1, 1))]) == []


def test_review_falling_due_this_month_is_listed() -> None:
    [due] = laws_due_for_review(DECEMBER, [law("US-CA", date(2025, 12, 31))])

    assert due.due_on == date(2026, 12, 31)


def test_sign_off_clears_law_from_list() -> None:
    record_law_review(
        "US-TX", "counsel", reviewed_on="2026-12-01", known_law_ids=["US-TX"]
    )

    assert laws_due_for_review(DECEMBER, [law("US-TX")]) == []


def test_sign_off_writes_audit_event() -> None:
    record_law_review(
        "US-TX", "counsel", reviewed_on="2026-12-01", known_law_ids=["US-TX"]
    )

    event = AuditEvent.objects.get()
    assert event.action == "compliance.law_review_signed_off"
    assert event.actor == "counsel"
    assert event.payload == {"law_id": "US-TX", "reviewed_on": "2026-12-01"}


def test_sign_off_of_unknown_law_is_rejected() -> None:
    with pytest.raises(InvalidComplianceInput) as raised:
        record_law_review("US-ZZ", "counsel", known_law_ids=["US-TX"])

    assert str(raised.value) == (
        "law id 'US-ZZ' matches no law file; list the due ones with"
        " `tocsin compliance law-review due`"
    )


def test_operator_law_folder_is_read(tmp_path: Path, settings) -> None:
    bundled = BUNDLED_LAWS / "US-VT.yaml"
    text = bundled.read_text().replace(
        "last_reviewed: '2026-12-04'", "last_reviewed: 2026-03-01"
    )
    (tmp_path / "US-VT.yaml").write_text(text)
    settings.TOCSIN_LAWS_DIR = str(tmp_path)

    operator_files = [f for f in find_law_files() if f.origin == "operator"]

    assert [(f.law_id, f.review_date) for f in operator_files] == [
        ("US-VT", date(2026, 3, 1)),
    ]

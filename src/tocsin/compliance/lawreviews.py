"""Law reviews: sign-offs that each law file still matches the law.

Breach-notification statutes change every year, so each law file needs a
recorded review. Once a month a reviewer takes the list of law ids that
are due and signs each one off.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from tocsin.audit.trail import record_audit_event
from tocsin.compliance.conf import law_review_interval_days
from tocsin.compliance.errors import InvalidComplianceInput
from tocsin.compliance.lawfiles import LawFile, find_law_files
from tocsin.compliance.models import LawReview
from tocsin.compliance.parsing import parse_date, require_text


@dataclass(frozen=True)
class LawReviewDue:
    """A law file due for review, and when it was last reviewed."""

    law_id: str
    last_reviewed_on: date | None
    due_on: date | None


def record_law_review(
    law_id: str,
    reviewer: str,
    *,
    reviewed_on: str | date | None = None,
    notes: str = "",
    known_law_ids: Iterable[str] | None = None,
) -> LawReview:
    """Store a reviewer's sign-off of a law file and write an audit event.

    ``known_law_ids`` defaults to the ids of the law files on disk, so a
    mistyped id is rejected rather than signed off.
    """
    law_id = require_text(law_id, "law id", 60)
    reviewer = require_text(reviewer, "reviewer", 150)
    known = set(known_law_ids or (f.law_id for f in find_law_files()))
    if law_id not in known:
        raise InvalidComplianceInput(
            f"law id '{law_id}' matches no law file; list the due ones with"
            " `tocsin compliance law-review due`"
        )
    reviewed = parse_date(reviewed_on or timezone.localdate(), "reviewed_on")
    with transaction.atomic():
        review = LawReview.objects.create(
            law_id=law_id, reviewed_on=reviewed, reviewer=reviewer, notes=notes
        )
        record_audit_event(
            "compliance.law_review_signed_off",
            object_type="law_review",
            object_id=review.pk,
            actor=reviewer,
            payload={"law_id": law_id, "reviewed_on": reviewed.isoformat()},
        )
    return review


def laws_due_for_review(
    month: date | None = None, law_files: Iterable[LawFile] | None = None
) -> list[LawReviewDue]:
    """Return the law files whose review falls due by the end of ``month``.

    A law's last review is the later of its file's own ``review_date`` and
    the latest recorded sign-off. The law is due when that review is older
    than the review interval (365 days by default) on the month's last
    day, or when it was never reviewed.
    """
    month = month or timezone.localdate()
    last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    interval = timedelta(days=law_review_interval_days())
    files = list(law_files) if law_files is not None else find_law_files()
    due = []
    for law_file in files:
        last = _last_review(law_file)
        due_on = last + interval if last else None
        if due_on is None or due_on <= last_day:
            due.append(LawReviewDue(law_file.law_id, last, due_on))
    return due


def _last_review(law_file: LawFile) -> date | None:
    signed_off = (
        LawReview.objects.filter(law_id=law_file.law_id)
        .order_by("-reviewed_on")
        .values_list("reviewed_on", flat=True)
        .first()
    )
    candidates = [d for d in (law_file.review_date, signed_off) if d is not None]
    return max(candidates, default=None)

"""The deadline banner: owed notices whose deadline is near or has passed."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from tocsin.assessment.models import AssessmentRun, Obligation
from tocsin.delivery.models import Notice
from tocsin.incidents.models import Incident

# A notice in one of these states has reached the person or their provider,
# so its obligations no longer count towards the banner.
DONE_STATUSES = (Notice.Status.SENT, Notice.Status.DELIVERED)


@dataclass(frozen=True)
class DeadlineAlert:
    """Owed obligations of the latest assessment due soon or overdue.

    Counts are of people, not of obligations: a person owed notice under
    two laws counts once, at the earlier deadline.
    """

    overdue_people: int
    due_soon_people: int
    earliest_deadline: datetime
    margin_hours: int

    @property
    def is_overdue(self) -> bool:
        """Whether at least one owed notice is already past its deadline."""
        return self.overdue_people > 0


def deadline_margin_hours() -> int:
    """Return how many hours before a deadline the banner appears."""
    return int(getattr(settings, "TOCSIN_DEADLINE_WARNING_HOURS", 72))


def find_deadline_alert(
    incident: Incident, now: datetime | None = None, margin_hours: int | None = None
) -> DeadlineAlert | None:
    """Return the banner's counts, or None when nothing is due soon.

    An obligation counts while it is owed and the person's notice is not
    yet sent or delivered. Its deadline is the law's deadline, or the outer
    limit when the law gives only "without unreasonable delay".
    """
    now = now or timezone.now()
    margin_hours = deadline_margin_hours() if margin_hours is None else margin_hours
    runs = AssessmentRun.objects.filter(incident=incident).order_by("-created_at")
    run = runs.first()
    if run is None:
        return None
    done_people = Notice.objects.filter(
        incident=incident, status__in=DONE_STATUSES
    ).values("person_id")
    horizon = now + timedelta(hours=margin_hours)
    # A person's earliest deadline decides, so counting distinct people with
    # any deadline before a moment counts them at their earliest one.
    totals = (
        Obligation.objects.filter(run=run, is_owed=True)
        .exclude(person_id__in=done_people)
        .annotate(due=Coalesce("deadline", "outer_limit"))
        .filter(due__lte=horizon)
        .aggregate(
            near=Count("person_id", distinct=True),
            overdue=Count("person_id", distinct=True, filter=Q(due__lte=now)),
            earliest=Min("due"),
        )
    )
    if not totals["near"]:
        return None
    return DeadlineAlert(
        overdue_people=totals["overdue"],
        due_soon_people=totals["near"] - totals["overdue"],
        earliest_deadline=totals["earliest"],
        margin_hours=margin_hours,
    )

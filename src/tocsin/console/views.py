"""Views of incidents: the list, the summary, the run screen and people."""

import logging
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tocsin.audit.trail import record_audit_event
from tocsin.console import runscreen
from tocsin.console.deadlines import find_deadline_alert
from tocsin.console.pages import load_incident, page_context, paginate
from tocsin.console.roles import (
    OPERATOR,
    RESPONDER,
    ROLES,
    require_role,
)
from tocsin.delivery.models import Notice
from tocsin.delivery.tasks import start_notification_job
from tocsin.incidents.jobs import create_job
from tocsin.incidents.models import Incident
from tocsin.reports.summary import build_summary

logger = logging.getLogger(__name__)

INCIDENTS_PER_PAGE = 50
PEOPLE_PER_PAGE = 100


@never_cache
@require_role(*ROLES)
def incident_list(request: HttpRequest) -> HttpResponse:
    """Render the incidents, newest first, one page at a time."""
    page = paginate(request, Incident.objects.all(), INCIDENTS_PER_PAGE)
    context = page_context(request, page=page, nav="incidents")
    return render(request, "console/incident_list.html", context)


@never_cache
@require_role(*ROLES)
def incident_detail(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    """Render the incident's run summary and its deadline banner."""
    incident = load_incident(incident_id)
    context = page_context(
        request,
        incident=incident,
        summary=build_summary(incident),
        alert=find_deadline_alert(incident),
        section="summary",
    )
    return render(request, "console/incident_detail.html", context)


@never_cache
@require_role(RESPONDER, OPERATOR)
def run_screen(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    """Render what to check before starting a run, and the run's progress."""
    incident = load_incident(incident_id)
    summary = build_summary(incident)
    context = page_context(
        request,
        incident=incident,
        alert=find_deadline_alert(incident),
        untrained=runscreen.untrained_run_operators(),
        vendor_warnings=runscreen.current_vendor_warnings(),
        handoff=runscreen.load_handoff_state(incident),
        jobs=runscreen.recent_jobs(incident),
        notices=summary["notices"],
        attempts=summary["attempts"],
        section="run",
    )
    return render(request, "console/run.html", context)


@require_POST
@require_role(OPERATOR)
def notify(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    """Queue the incident's notification job, then return to the run screen.

    The job plans notices and enqueues sending; sending again is safe
    because delivery never sends a person the same notice twice. The job
    carries the operator's user name so that audit entries name them.
    """
    incident = load_incident(incident_id)
    if incident.status == Incident.Status.PURGED:
        logger.warning(
            "notification rejected for purged incident",
            extra={"incident_id": str(incident.pk)},
        )
        messages.error(
            request,
            "Error: this incident's vault was purged, so no notice can be sent.",
        )
        return redirect("console:run", incident_id=incident.pk)
    actor = request.user.get_username()
    job = create_job(incident, "notify", {"actor": actor}, start_notification_job)
    record_audit_event(
        "console.notify_requested",
        object_type="background_job",
        object_id=job.pk,
        actor=actor,
        incident_ref=incident.pk,
    )
    logger.info(
        "notification job requested",
        extra={"incident_id": str(incident.pk), "job_id": str(job.pk)},
    )
    messages.success(request, f"Notification job {job.pk} queued.")
    return redirect("console:run", incident_id=incident.pk)


@never_cache
@require_role(*ROLES)
def people(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    """Render the affected people without contact details, paginated."""
    incident = load_incident(incident_id)
    everyone = incident.affected_people.order_by("created_at", "id")
    page = paginate(request, everyone, PEOPLE_PER_PAGE)
    person_ids = [person.pk for person in page]
    statuses = dict(
        Notice.objects.filter(incident=incident, person_id__in=person_ids).values_list(
            "person_id", "status"
        )
    )
    rows = [
        {"person": person, "notice_status": statuses.get(person.pk, "")}
        for person in page
    ]
    context = page_context(
        request, incident=incident, page=page, rows=rows, section="people"
    )
    return render(request, "console/people.html", context)

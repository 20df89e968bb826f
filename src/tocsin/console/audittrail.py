"""The audit trail list for auditors."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from tocsin.audit.models import AuditEvent
from tocsin.console.pages import page_context, paginate
from tocsin.console.roles import AUDITOR, require_role

EVENTS_PER_PAGE = 50


@never_cache
@require_role(AUDITOR)
def audit_list(request: HttpRequest) -> HttpResponse:
    """Render audit entries newest first, optionally for one incident.

    The ``incident`` query parameter filters on the entry's incident
    reference, which is kept as text so entries outlive the incident.
    """
    events = AuditEvent.objects.order_by("-sequence")
    incident_ref = request.GET.get("incident", "").strip()
    if incident_ref:
        events = events.filter(incident_ref=incident_ref)
    page = paginate(request, events, EVENTS_PER_PAGE)
    context = page_context(request, page=page, incident_ref=incident_ref, nav="audit")
    return render(request, "console/audit_list.html", context)

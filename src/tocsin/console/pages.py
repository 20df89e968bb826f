"""Shared pieces of console pages: context, pagination and loading by id."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest

from tocsin.console.roles import (
    AUDITOR,
    CONTACT_VIEWER,
    OPERATOR,
    RESPONDER,
    user_roles,
)
from tocsin.incidents.models import Incident


def page_context(request: HttpRequest, **values: Any) -> dict[str, Any]:
    """Return a template context with the user's roles as booleans.

    Templates show a link or a button only to users whose role can use it,
    and every view checks the role again, so hiding is a courtesy only.
    """
    roles = user_roles(request.user)
    return {
        "is_responder": RESPONDER in roles,
        "is_operator": OPERATOR in roles,
        "is_auditor": AUDITOR in roles,
        "is_contact_viewer": CONTACT_VIEWER in roles,
        **values,
    }


def load_incident(incident_id: Any) -> Incident:
    """Return the incident with this id, or raise ``Http404``."""
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        raise Http404("incident not found")
    return incident


def paginate(request: HttpRequest, items: Any, per_page: int) -> Page:
    """Return the page of ``items`` named by the ``page`` query parameter.

    A page number that is missing, not a number or out of range gives the
    nearest valid page rather than an error, so a stale link still works.
    """
    paginator = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))

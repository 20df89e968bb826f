"""Views of the operator console."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tocsin.incidents.models import Incident


def incident_list(request: HttpRequest) -> HttpResponse:
    """Render the list of incidents with their status."""
    incidents = Incident.objects.all()[:100]
    return render(request, "console/incident_list.html", {"incidents": incidents})

"""JSON endpoints of extraction progress, for the console and monitoring."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from tocsin.sources.models import Extraction
from tocsin.sources.status import extraction_status, provenance_report


@require_GET
@login_required
def extraction_status_view(request: HttpRequest, extraction_id: str) -> JsonResponse:
    """Return an extraction's progress per source as JSON."""
    extraction = get_object_or_404(Extraction, pk=extraction_id)
    return JsonResponse(extraction_status(extraction))


@require_GET
@login_required
def extraction_report_view(request: HttpRequest, extraction_id: str) -> JsonResponse:
    """Return which source supplied which records, conflicts and rejections."""
    extraction = get_object_or_404(Extraction, pk=extraction_id)
    return JsonResponse(provenance_report(extraction))

"""The public notice page and its JSON variant, for the shop's pages.

No sign-in: the text is public. Responses carry ``Cache-Control`` and an
``ETag`` built from the incident and notice version, so a CDN or the
shop's server can cache them and revalidate cheaply.
"""

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_GET

from tocsin.incidents.models import Incident
from tocsin.public.publishing import PublicNotice, current_public_notice

# Five minutes: a correction reaches shop pages quickly, and a busy
# checkout page still costs one request per cache per five minutes.
CACHE_SECONDS = 300


def _load_notice(incident_id: UUID) -> PublicNotice:
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None or incident.status == Incident.Status.PURGED:
        raise Http404("no notice for this incident")
    return current_public_notice(incident)


def _etag(request: HttpRequest, incident_id: UUID) -> str:
    notice = _load_notice(incident_id)
    return f"{incident_id}-v{notice.version}-{notice.published_at.timestamp():.0f}"


def _make_public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_GET
@condition(etag_func=_etag)
def notice_page(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    """Render the incident's current public notice as an HTML page."""
    notice = _load_notice(incident_id)
    paragraphs = [part for part in notice.body.split("\n\n") if part.strip()]
    context = {"notice": notice, "paragraphs": paragraphs}
    return _make_public(render(request, "public/notice.html", context))


@require_GET
@condition(etag_func=_etag)
def notice_json(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    """Return the incident's current public notice as JSON.

    Any origin may read it: the text is public and the response carries no
    cookies, so a shop page on another domain can fetch it from a browser.
    """
    notice = _load_notice(incident_id)
    response = JsonResponse(
        {
            "incident_id": notice.incident_id,
            "version": notice.version,
            "title": notice.title,
            "body": notice.body,
            "published_at": notice.published_at.isoformat(),
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    return _make_public(response)

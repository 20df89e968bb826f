"""The public notice page and its JSON variant, for the shop's pages.

No sign-in: the text is public. Responses carry ``Cache-Control`` and an
``ETag`` built from the incident and notice version, so a CDN or the
shop's server can cache them and revalidate cheaply.
"""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET

from tocsin.incidents.models import Incident
from tocsin.public.forms import PublishNoticeForm
from tocsin.public.publishing import (
    PublicNotice,
    current_public_notice,
    publish_notice,
)

# The console's role group allowed to publish. Named here rather than
# imported, because tocsin.public and tocsin.console must not import each
# other.
PUBLISHER_GROUP = "responder"

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


def _can_publish(request: HttpRequest) -> bool:
    return request.user.groups.filter(name=PUBLISHER_GROUP).exists()


@never_cache
@login_required
def publish(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    """Show the publish form, or store a new notice version from it.

    Responders only; others get 403. The form starts from the text now
    shown, so a correction edits the current version.
    """
    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None:
        raise Http404("incident not found")
    if not _can_publish(request):
        context = {"needed_roles": (PUBLISHER_GROUP,)}
        return render(request, "console/forbidden.html", context, status=403)
    current = current_public_notice(incident)
    if request.method == "POST":
        form = PublishNoticeForm(request.POST)
        if form.is_valid():
            publish_notice(
                incident,
                form.cleaned_data["title"],
                form.cleaned_data["body"],
                actor=request.user.get_username(),
            )
            return redirect("public:notice", incident_id=incident.pk)
    else:
        form = PublishNoticeForm(initial={"title": current.title, "body": current.body})
    context = {"incident": incident, "current": current, "form": form}
    return render(request, "public/publish.html", context)

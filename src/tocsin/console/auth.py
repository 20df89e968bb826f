"""Sign-in, sign-out, the CSRF failure page and the console's stylesheet."""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

ASSETS = Path(__file__).resolve().parent / "assets"

login = auth_views.LoginView.as_view(
    template_name="console/login.html",
    redirect_authenticated_user=True,
    extra_context={"failure_limit": settings.AXES_FAILURE_LIMIT},
)
logout = auth_views.LogoutView.as_view()


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Render the 403 page shown when a form's CSRF token is missing or stale.

    Django's own page uses inline styles, which the Content-Security-Policy
    blocks, so the console renders its own.
    """
    return render(request, "console/csrf_failure.html", status=403)


@cache
def _read_stylesheet() -> bytes:
    return (ASSETS / "console.css").read_bytes()


@require_GET
def stylesheet(request: HttpRequest) -> HttpResponse:
    """Return the console's stylesheet.

    Served by a view rather than as a static file, so ``tocsin serve`` and
    any WSGI server deliver it with no static-files setup.
    """
    response = HttpResponse(_read_stylesheet(), content_type="text/css")
    response["Cache-Control"] = "public, max-age=3600"
    return response

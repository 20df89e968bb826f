"""URL routes: the console, the public notice and provider webhooks."""

from django.urls import include, path

urlpatterns = [
    path("notice/", include("tocsin.public.urls")),
    path("delivery/", include("tocsin.delivery.urls")),
    path("", include("tocsin.console.urls")),
]

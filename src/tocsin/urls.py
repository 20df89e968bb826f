"""URL routes of the console and the public notice page."""

from django.urls import include, path

urlpatterns = [
    path("notice/", include("tocsin.public.urls")),
    path("", include("tocsin.console.urls")),
]

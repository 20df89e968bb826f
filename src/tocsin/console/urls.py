"""Routes of the operator console."""

from django.urls import path

from tocsin.console import views

urlpatterns = [
    path("", views.incident_list, name="incident-list"),
]

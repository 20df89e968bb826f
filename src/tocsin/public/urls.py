"""Routes of the public notice, to include under ``notice/``."""

from django.urls import path

from tocsin.public import views

app_name = "public"
urlpatterns = [
    path("<uuid:incident_id>/", views.notice_page, name="notice"),
    path("<uuid:incident_id>.json", views.notice_json, name="notice-json"),
    path("<uuid:incident_id>/publish/", views.publish, name="publish"),
]

"""Routes of the operator console."""

from django.urls import path

from tocsin.console import audittrail, auth, contacts, views

app_name = "console"
urlpatterns = [
    path("", views.incident_list, name="incident-list"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("assets/console.css", auth.stylesheet, name="stylesheet"),
    path("audit/", audittrail.audit_list, name="audit-list"),
    path("incidents/<uuid:incident_id>/", views.incident_detail, name="incident"),
    path("incidents/<uuid:incident_id>/run/", views.run_screen, name="run"),
    path("incidents/<uuid:incident_id>/notify/", views.notify, name="notify"),
    path("incidents/<uuid:incident_id>/people/", views.people, name="people"),
    path(
        "incidents/<uuid:incident_id>/people/<uuid:person_id>/contact/",
        contacts.contact_detail,
        name="contact",
    ),
]

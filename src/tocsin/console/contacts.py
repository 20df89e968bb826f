"""The contact view: one affected person's decrypted contact details.

Only users in the ``contact_viewer`` group see decrypted details. Every
request is written to the audit trail, granted or not, so an auditor can
list who looked at a person's details, and when.
"""

import logging
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from tocsin.audit.trail import record_audit_event
from tocsin.console.pages import load_incident, page_context
from tocsin.console.roles import CONTACT_VIEWER, has_role, render_forbidden
from tocsin.reconciliation.models import AffectedPerson
from tocsin.vault.errors import DataKeyDestroyed
from tocsin.vault.store import open_contact

logger = logging.getLogger(__name__)


def _audit_contact_view(
    request: HttpRequest, person: AffectedPerson, outcome: str
) -> None:
    record_audit_event(
        "contact.viewed",
        object_type="contact",
        object_id=person.contact_id,
        actor=request.user.get_username(),
        outcome=outcome,
        incident_ref=person.incident_id,
        payload={"person_id": str(person.pk)},
    )
    logger.info(
        "contact view requested",
        extra={
            "contact_id": str(person.contact_id),
            "incident_id": str(person.incident_id),
            "outcome": outcome,
        },
    )


# never_cache sends "no-store": decrypted details must not stay in a browser
# or proxy cache.
@never_cache
@login_required
def contact_detail(
    request: HttpRequest, incident_id: UUID, person_id: UUID
) -> HttpResponse:
    """Render a person's decrypted contact details and audit the view.

    Outcomes in the audit entry: ``ok`` (shown), ``denied`` (the user is
    not a contact viewer, so the response is 403) and ``key_destroyed`` (the
    vault was purged, so nothing can be shown).
    """
    incident = load_incident(incident_id)
    person = AffectedPerson.objects.filter(pk=person_id, incident=incident).first()
    if person is None or person.contact is None:
        raise Http404("affected person or contact not found")
    if not has_role(request.user, CONTACT_VIEWER):
        _audit_contact_view(request, person, "denied")
        return render_forbidden(request, (CONTACT_VIEWER,))
    try:
        record = open_contact(person.contact)
    except DataKeyDestroyed:
        _audit_contact_view(request, person, "key_destroyed")
        context = page_context(request, incident=incident, person=person)
        return render(request, "console/contact_purged.html", context, status=410)
    _audit_contact_view(request, person, "ok")
    context = page_context(
        request, incident=incident, person=person, record=record, section="people"
    )
    return render(request, "console/contact.html", context)

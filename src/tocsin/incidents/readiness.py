"""Checks that must pass before the first notice of a run is decided."""

from datetime import datetime

from tocsin.incidents.errors import AssessmentOutdated, CompanyProfileUnconfirmed
from tocsin.incidents.models import CompanyProfile, FileImport, Incident


def require_confirmed_company() -> CompanyProfile:
    """Return the company profile, or raise if no operator has reviewed it.

    Every notice prints the company's name and contact details, and the
    profile decides whether federal rules apply, so the example values of a
    new installation must never reach a customer.
    """
    profile = CompanyProfile.objects.first()
    if profile is None or profile.confirmed_at is None:
        raise CompanyProfileUnconfirmed(
            "the company profile has not been reviewed, so notices would carry "
            "its example name and contact details; check it with 'tocsin "
            "company show', then run 'tocsin company set ...' or 'tocsin "
            "company confirm'"
        )
    return profile


def require_current_assessment(incident: Incident, assessed_at: datetime) -> None:
    """Raise ``AssessmentOutdated`` if inputs changed after ``assessed_at``.

    A new import or a change to the company profile can change who is owed a
    notice and by when, so notices wait for a fresh assessment.
    """
    profile = CompanyProfile.objects.first()
    latest_import = (
        FileImport.objects.filter(incident=incident).order_by("-imported_at").first()
    )
    changes = []
    if profile is not None and profile.updated_at > assessed_at:
        changes.append("the company profile")
    if latest_import is not None and latest_import.imported_at > assessed_at:
        changes.append(f"the {latest_import.kind} import {latest_import.pk}")
    if changes:
        raise AssessmentOutdated(
            f"{' and '.join(changes)} changed after incident {incident.pk} was "
            "last assessed; run 'tocsin assess' again before notifying"
        )

"""Previewing a notice before a run, without any real person's details."""

from tocsin.assessment.models import AssessmentRun, Obligation
from tocsin.incidents.models import CompanyProfile, Incident
from tocsin.notices.context import build_notice_context
from tocsin.notices.errors import TemplateRenderError
from tocsin.notices.rendering import RenderedNotice, render_notice
from tocsin.notices.templates import DEFAULT_EMAIL_TEMPLATE, approved_version
from tocsin.vault.records import ContactRecord, Provenance

SAMPLE_PERSON = {"first_name": "Jordan", "last_name": "Example"}


def preview_notice(
    incident: Incident, jurisdiction_id: str | None = None
) -> RenderedNotice:
    """Render the notice one owed person would get, with a sample name.

    The person's real exposed elements and laws decide the content, so the
    preview shows exactly which blocks and wording a jurisdiction gets,
    while the name and address stay made up.
    """
    run = (
        AssessmentRun.objects.filter(incident=incident).order_by("-created_at").first()
    )
    owed = Obligation.objects.filter(run=run, is_owed=True).select_related("person")
    if jurisdiction_id:
        owed = owed.filter(jurisdiction_id=jurisdiction_id)
    sample = owed.order_by("person_id").first()
    if sample is None:
        where = f" in {jurisdiction_id}" if jurisdiction_id else ""
        raise TemplateRenderError(
            f"no one is owed a notice{where} in the latest assessment of incident "
            f"{incident.pk}; run 'tocsin assess' or pick another jurisdiction"
        )
    obligations = list(
        Obligation.objects.filter(run=run, person=sample.person, is_owed=True)
    )
    contact = ContactRecord(
        provenance=Provenance("preview", "preview", "preview", incident.discovered_at),
        **SAMPLE_PERSON,
    )
    context = build_notice_context(
        contact,
        sample.person.exposed_elements,
        incident,
        CompanyProfile.objects.first() or CompanyProfile(),
        sorted({block for o in obligations for block in o.required_content}),
        sorted({block for o in obligations for block in o.forbidden_content}),
        "PREVIEW",
    )
    return render_notice(approved_version(DEFAULT_EMAIL_TEMPLATE), context)

"""Creating, approving and freezing notice template versions."""

import hashlib

from django.db import transaction
from django.utils import timezone

from tocsin.audit.trail import record_audit_event
from tocsin.notices.errors import TemplateNotApproved
from tocsin.notices.models import NoticeTemplate, TemplateVersion
from tocsin.notices.rendering import DEFAULTS_DIR

DEFAULT_EMAIL_TEMPLATE = "breach-notice-email"
BUNDLED_APPROVER = "bundled-default"


def version_sha256(subject: str, body_text: str, body_html: str) -> str:
    """Return the digest that names a version's text in the audit trail."""
    joined = "\x1f".join((subject, body_text, body_html))
    return hashlib.sha256(joined.encode()).hexdigest()


@transaction.atomic
def ensure_default_templates() -> TemplateVersion:
    """Create the bundled email template if missing; return its newest version.

    The bundled text is reviewed with the product, so its first version is
    stored as approved. Versions that operators write start as drafts.
    """
    template, _ = NoticeTemplate.objects.get_or_create(
        name=DEFAULT_EMAIL_TEMPLATE, defaults={"channel": NoticeTemplate.Channel.EMAIL}
    )
    newest = template.versions.order_by("-number").first()
    if newest:
        return newest
    subject = (DEFAULTS_DIR / "email_subject.j2").read_text(encoding="utf-8").strip()
    body_text = (DEFAULTS_DIR / "email_body.txt.j2").read_text(encoding="utf-8")
    body_html = (DEFAULTS_DIR / "email_body.html.j2").read_text(encoding="utf-8")
    version = TemplateVersion.objects.create(
        template=template,
        number=1,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        sha256=version_sha256(subject, body_text, body_html),
        status=TemplateVersion.Status.APPROVED,
        created_by=BUNDLED_APPROVER,
        approved_by=[BUNDLED_APPROVER],
    )
    record_audit_event(
        "template.created",
        object_type="template_version",
        object_id=version.pk,
        payload={"template": template.name, "number": 1, "sha256": version.sha256},
    )
    return version


def approved_version(template_name: str) -> TemplateVersion:
    """Return the newest approved or frozen version of a template.

    Raises ``TemplateNotApproved`` when only drafts exist, since a notice
    must never go out on unapproved text.
    """
    version = (
        TemplateVersion.objects.filter(
            template__name=template_name,
            status__in=[TemplateVersion.Status.APPROVED, TemplateVersion.Status.FROZEN],
        )
        .order_by("-number")
        .first()
    )
    if version is None:
        raise TemplateNotApproved(
            f"template {template_name!r} has no approved version; approve one "
            "before sending"
        )
    return version


def freeze_version(version: TemplateVersion) -> None:
    """Mark a version frozen the first time a notice uses it."""
    if version.status == TemplateVersion.Status.FROZEN:
        return
    updated = TemplateVersion.objects.filter(
        pk=version.pk, status=TemplateVersion.Status.APPROVED
    ).update(status=TemplateVersion.Status.FROZEN, frozen_at=timezone.now())
    if updated:
        version.status = TemplateVersion.Status.FROZEN
        record_audit_event(
            "template.frozen",
            object_type="template_version",
            object_id=version.pk,
            payload={"sha256": version.sha256},
        )

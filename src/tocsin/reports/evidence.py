"""CSV and text artifacts of a notification run for the evidence bundle.

Rows name notices, attempts, laws and digests by id; they never carry
contact details, so the bundle can go to auditors and regulators. Every cell
is defused against spreadsheet formula injection.
"""

import csv
import io
import json
from collections.abc import Iterable

from tocsin.assessment.models import AssessmentRun, Obligation
from tocsin.csvfiles import defuse_formula
from tocsin.delivery.models import DeliveryAttempt
from tocsin.incidents.models import Incident
from tocsin.notices.models import TemplateVersion


def _csv_bytes(header: list[str], rows: Iterable[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if cell is None else defuse_formula(str(cell)) for cell in row]
        )
    return buffer.getvalue().encode("utf-8")


def delivery_history_csv(incident: Incident) -> bytes:
    """Return one row per delivery attempt, with its notice's outcome."""
    attempts = (
        DeliveryAttempt.objects.filter(notice__incident=incident)
        .select_related("notice")
        .order_by("notice__created_at", "sequence", "queued_at")
    )
    header = [
        "notice_id", "person_id", "notice_status", "law_ids", "deadline",
        "template_version_id", "body_sha256", "attempt_id", "channel", "provider",
        "sequence", "idempotency_key", "attempt_status", "error_code",
        "queued_at", "started_at", "finished_at",
    ]  # fmt: skip
    rows = (
        [
            a.notice_id,
            a.notice.person_id,
            a.notice.status,
            ";".join(a.notice.law_ids),
            a.notice.deadline,
            a.notice.template_version_id,
            a.notice.body_sha256,
            a.pk,
            a.channel,
            a.provider,
            a.sequence,
            a.idempotency_key,
            a.status,
            a.error_code,
            a.queued_at,
            a.started_at,
            a.finished_at,
        ]  # fmt: skip
        for a in attempts.iterator(chunk_size=2000)
    )
    return _csv_bytes(header, rows)


def obligations_csv(incident: Incident) -> bytes:
    """Return the latest run's obligations, one row per person and law."""
    run = (
        AssessmentRun.objects.filter(incident=incident).order_by("-created_at").first()
    )
    header = [
        "run_id", "person_id", "jurisdiction_id", "law_id", "is_owed", "deadline",
        "deadline_text", "outer_limit", "permitted_methods", "citation",
        "law_version", "law_sha256", "reason",
    ]  # fmt: skip
    obligations = Obligation.objects.filter(run=run).order_by("person_id", "law_id")
    rows = (
        [
            o.run_id,
            o.person_id,
            o.jurisdiction_id,
            o.law_id,
            o.is_owed,
            o.deadline,
            o.deadline_text,
            o.outer_limit,
            ";".join(o.permitted_methods),
            o.citation,
            o.law_version,
            o.law_sha256,
            o.reason,
        ]  # fmt: skip
        for o in obligations.iterator(chunk_size=2000)
    )
    return _csv_bytes(header, rows)


def assessment_runs_csv(incident: Incident) -> bytes:
    """Return every assessment run with the law versions it used."""
    runs = AssessmentRun.objects.filter(incident=incident).order_by("created_at")
    header = ["run_id", "created_at", "actor", "people", "rule_versions", "changes"]
    rows = (
        [
            run.pk,
            run.created_at,
            run.actor,
            run.people_count,
            json.dumps(run.rule_versions, sort_keys=True),
            json.dumps(run.changes_since_previous, sort_keys=True),
        ]  # fmt: skip
        for run in runs
    )
    return _csv_bytes(header, rows)


def template_versions_used(incident: Incident) -> list[tuple[str, bytes]]:
    """Return (file name, JSON) for each template version the notices used."""
    versions = TemplateVersion.objects.filter(notices__incident=incident).distinct()
    files = []
    for version in versions.select_related("template"):
        document = {
            "template": version.template.name,
            "channel": version.template.channel,
            "version": version.number,
            "id": str(version.pk),
            "sha256": version.sha256,
            "status": version.status,
            "created_by": version.created_by,
            "approved_by": version.approved_by,
            "frozen_at": version.frozen_at.isoformat() if version.frozen_at else None,
            "subject": version.subject,
            "body_text": version.body_text,
            "body_html": version.body_html,
        }
        name = f"{version.template.name}-v{version.number}.json"
        files.append((name, json.dumps(document, indent=2).encode("utf-8")))
    return files

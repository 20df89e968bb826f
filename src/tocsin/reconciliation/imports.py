"""Importing a forensic findings file and matching it to contacts."""

import logging
from pathlib import Path

from django.db import transaction

from tocsin.audit.trail import record_audit_event
from tocsin.incidents.imports import (
    file_sha256,
    find_previous_import,
    rejections_as_json,
)
from tocsin.incidents.models import FileImport, Incident
from tocsin.reconciliation.findings import read_findings
from tocsin.reconciliation.matching import match_findings, store_findings

logger = logging.getLogger(__name__)


def import_findings(
    incident: Incident, path: Path, *, actor: str = "system"
) -> FileImport:
    """Import a findings file, then match all of the incident's findings.

    Matching runs over every finding of the incident, not only this file's,
    so findings that arrived before their customers match once the
    customers are imported.
    """
    sha256 = file_sha256(path)
    previous = find_previous_import(incident, FileImport.Kind.FINDINGS, sha256)
    if previous:
        match_findings(incident)
        return previous
    result = read_findings(path)
    with transaction.atomic():
        file_import = FileImport.objects.create(
            incident=incident,
            kind=FileImport.Kind.FINDINGS,
            file_name=path.name[:255],
            file_sha256=sha256,
            encoding=result.encoding,
            source="forensics",
            rows_accepted=len(result.rows),
            rows_rejected=len(result.rejected),
            rejections=rejections_as_json(result.rejected),
        )
        store_findings(incident, file_import, result.rows)
        record_audit_event(
            "findings.imported",
            object_type="file_import",
            object_id=file_import.pk,
            actor=actor,
            incident_ref=incident.pk,
            payload={
                "file_sha256": sha256,
                "rows_accepted": len(result.rows),
                "rows_rejected": len(result.rejected),
                "encoding": result.encoding,
            },
        )
    match_findings(incident)
    logger.info(
        "findings imported",
        extra={
            "incident_id": str(incident.pk),
            "file_import_id": str(file_import.pk),
            "rows": len(result.rows),
            "rejected": len(result.rejected),
        },
    )
    return file_import

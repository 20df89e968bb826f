"""Celery tasks of the reconciliation app."""

from pathlib import Path

from celery import shared_task

from tocsin.celery import TocsinTask
from tocsin.incidents.jobs import run_job
from tocsin.incidents.models import BackgroundJob
from tocsin.reconciliation.imports import import_findings


def _import(job: BackgroundJob) -> dict:
    path = Path(job.params["path"])
    file_import = import_findings(
        job.incident, path, actor=job.params.get("actor", "system")
    )
    return {"file_import_id": str(file_import.pk)}


@shared_task(base=TocsinTask)
def import_findings_job(job_id: str) -> None:
    """Import a findings file named in a background job and match it."""
    run_job(job_id, _import)

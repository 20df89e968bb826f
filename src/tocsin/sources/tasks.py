"""Celery tasks of the sources app."""

from datetime import datetime
from pathlib import Path

from celery import shared_task

from tocsin.celery import TocsinTask
from tocsin.incidents.jobs import run_job
from tocsin.incidents.models import BackgroundJob
from tocsin.sources.imports import import_customers


def _import(job: BackgroundJob) -> dict:
    params = job.params
    exported_at = params.get("exported_at")
    file_import = import_customers(
        job.incident,
        Path(params["path"]),
        source=params.get("source", "shopify-export"),
        exported_at=datetime.fromisoformat(exported_at) if exported_at else None,
        actor=params.get("actor", "system"),
    )
    return {"file_import_id": str(file_import.pk)}


@shared_task(base=TocsinTask)
def import_customers_job(job_id: str) -> None:
    """Import a customer export named in a background job."""
    run_job(job_id, _import)

"""Celery tasks of the assessment app."""

from celery import shared_task

from tocsin.assessment.service import assess_incident
from tocsin.celery import TocsinTask
from tocsin.incidents.jobs import run_job
from tocsin.incidents.models import BackgroundJob


def _assess(job: BackgroundJob) -> dict:
    run = assess_incident(job.incident, actor=job.params.get("actor", "system"))
    return {"run_id": str(run.pk)}


@shared_task(base=TocsinTask)
def assess_incident_job(job_id: str) -> None:
    """Assess the incident of a background job."""
    run_job(job_id, _assess)

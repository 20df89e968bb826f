"""Background jobs: queued by the CLI or console, run by a worker."""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from tocsin.errors import TocsinError
from tocsin.incidents.errors import JobFailed
from tocsin.incidents.models import BackgroundJob, Incident

logger = logging.getLogger(__name__)


def create_job(
    incident: Incident, kind: str, params: dict[str, Any], task: Any
) -> BackgroundJob:
    """Store a job and enqueue its task once the row is committed.

    Enqueuing after commit means a worker never receives an id it cannot
    load yet.
    """
    with transaction.atomic():
        job = BackgroundJob.objects.create(incident=incident, kind=kind, params=params)
        transaction.on_commit(lambda: task.delay(str(job.pk)))
    logger.info("job queued", extra={"job_id": str(job.pk), "kind": kind})
    return job


def run_job(job_id: str, work: Callable[[BackgroundJob], dict[str, Any]]) -> None:
    """Run a job's work and store its result or its error.

    A ``TocsinError`` is an expected failure: its message, which names ids
    and fixes but never personal data, is stored for the operator. Any other
    exception is stored by type only, since its text may quote input.
    """
    job = BackgroundJob.objects.select_related("incident").get(pk=job_id)
    if job.status == BackgroundJob.Status.DONE:
        logger.warning("job already done", extra={"job_id": job_id})
        return
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.RUNNING)
    try:
        result = work(job)
    except TocsinError as error:
        _finish(job, BackgroundJob.Status.FAILED, {}, str(error))
        raise
    except Exception as error:
        _finish(
            job,
            BackgroundJob.Status.FAILED,
            {},
            f"internal error ({type(error).__name__}); see the worker log",
        )
        raise
    _finish(job, BackgroundJob.Status.DONE, result, "")


def _finish(job: BackgroundJob, status: str, result: dict, error: str) -> None:
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=status, result=result, error=error[:500], finished_at=timezone.now()
    )


def wait_for_job(
    job: BackgroundJob, timeout_s: float = 600, poll_s: float = 0.25
) -> BackgroundJob:
    """Block until a job finishes; return it, or raise ``JobFailed``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == BackgroundJob.Status.DONE:
            return job
        if job.status == BackgroundJob.Status.FAILED:
            raise JobFailed(f"{job.kind} job {job.pk} failed: {job.error}")
        time.sleep(poll_s)
    raise JobFailed(
        f"{job.kind} job {job.pk} did not finish within {timeout_s:.0f} s; is a "
        "worker running? Start one with 'tocsin worker'"
    )

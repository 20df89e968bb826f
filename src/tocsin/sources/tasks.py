"""Celery tasks of an extraction: one page per task, ids as arguments."""

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from tocsin.celery import TocsinTask
from tocsin.errors import PermanentError
from tocsin.incidents.jobs import run_job
from tocsin.incidents.models import BackgroundJob
from tocsin.sources.errors import SourceError, SourceUnavailable
from tocsin.sources.imports import import_customers
from tocsin.sources.jobs import (
    PageRef,
    extract_page,
    record_permanent_failure,
    record_source_failure,
    resume_stalled_runs,
)

logger = logging.getLogger(__name__)


def queue_pages(pages: list[PageRef]) -> None:
    """Send one page task per (run id, page number)."""
    for run_id, page_no in pages:
        extract_page_task.delay(run_id, page_no)


# Retries are scheduled by hand, not with autoretry_for, because the wait
# must honour the source's Retry-After and the run's circuit breaker, and a
# source down past its deadline must fail over instead of retrying. Retries
# are unbounded here for the same reason: the deadline ends them.
@shared_task(base=TocsinTask, bind=True, max_retries=None)
def extract_page_task(self: Any, run_id: str, page_no: int) -> None:
    """Read and store one page of a source run, then queue the next."""
    try:
        pages = extract_page(run_id, page_no)
    except SourceUnavailable as error:
        wait, pages = record_source_failure(run_id, error)
        if wait is not None:
            raise self.retry(countdown=wait, exc=error) from None
    except PermanentError as error:
        pages = record_permanent_failure(run_id, error)
    except Exception as error:  # noqa: BLE001  the task boundary: stop the run
        # The message of an unexpected error may quote a record's values, so
        # only its type is kept with the run.
        logger.error(
            "unexpected error in page task",
            extra={"run_id": run_id, "page": page_no, "error": type(error).__name__},
            exc_info=True,
        )
        stopped = SourceError(
            f"source run stopped by an unexpected {type(error).__name__}; "
            "see the worker log, then run 'tocsin extract resync' once fixed"
        )
        pages = record_permanent_failure(run_id, stopped)
    queue_pages(pages)


@shared_task(base=TocsinTask, bind=True)
def resume_stalled_runs_task(self: Any) -> None:
    """Queue again the next page of every source run that stopped moving."""
    queue_pages(resume_stalled_runs())


@worker_ready.connect
def _resume_on_worker_start(**_kwargs: Any) -> None:
    # A worker starting after a crash picks up what the dead one held.
    resume_stalled_runs_task.delay()


def _import_customers(job: BackgroundJob) -> dict:
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
    run_job(job_id, _import_customers)

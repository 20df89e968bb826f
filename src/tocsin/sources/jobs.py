"""Extraction jobs: pages, checkpoints, retries, circuit breakers, failover.

An extraction reads its sources in the configured order, one page per Celery
task. Each page's records and the cursor of the next page are committed in
one transaction, guarded by the page number. A task that runs twice (a
redelivery after a worker was killed) therefore stores nothing twice, and
``resume_stalled_runs`` finds and queues again a task that never ran.

The functions here never enqueue anything. Each returns the pages to queue
next as (run id, page number) pairs, and the caller queues them after the
transaction has committed: the Celery tasks in ``tasks.py``, or
``run_extraction_inline`` in tests and scripts.
"""

import logging
import random
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from tocsin.audit.trail import record_audit_event
from tocsin.incidents.models import Incident
from tocsin.sources import conf
from tocsin.sources.connectors.base import (
    Connector,
    Page,
    SourceSpec,
    build_connector,
)
from tocsin.sources.errors import SourceRateLimited, SourceUnavailable
from tocsin.sources.ledger import store_page
from tocsin.sources.models import Extraction, RejectedRecord, SourceRun

logger = logging.getLogger(__name__)

PageRef = tuple[str, int]

# Connectors keep logins and HTTP sessions between pages of the same run.
_connectors: dict[str, Connector] = {}


class BreakerOpen(SourceUnavailable):
    """The source's circuit breaker is open: no request was sent."""


def start_extraction(
    incident: Incident,
    specs: Iterable[SourceSpec],
    *,
    mode: str = Extraction.Mode.FULL,
    since: datetime | None = None,
) -> tuple[Extraction, list[PageRef]]:
    """Create an extraction over the sources in order; return it and the
    first page to queue.

    The first source that is not ``fallback_only`` starts; the others wait
    for their turn, and fallback sources for an earlier source to fail.
    Precedence follows the order: when two sources hold the same person, the
    earlier one supplies the contact.
    """
    specs = list(specs)
    if not specs:
        raise ValueError("an extraction needs at least one source")
    with transaction.atomic():
        extraction = Extraction.objects.create(
            incident=incident, mode=mode, since=since
        )
        for position, spec in enumerate(specs):
            SourceRun.objects.create(
                extraction=extraction,
                position=position,
                precedence=position,
                source_name=spec.name,
                spec=spec.to_dict(),
            )
        record_audit_event(
            "extraction.started",
            object_type="extraction",
            object_id=extraction.pk,
            incident_ref=incident.pk,
            payload={"mode": mode, "sources": [spec.name for spec in specs]},
        )
        pages = _start_next_run(extraction, after_failure=False)
    logger.info(
        "extraction started",
        extra={"extraction_id": str(extraction.pk), "sources": len(specs)},
    )
    return extraction, pages


def start_delta_resync(previous: Extraction) -> tuple[Extraction, list[PageRef]]:
    """Start an extraction of the contacts changed since ``previous`` began.

    Contacts edited after the first pull (an email changed after the breach)
    replace their earlier version in the vault; unchanged ones are not read.
    """
    specs = [SourceSpec.from_dict(run.spec) for run in previous.runs.all()]
    # The sources stamp changes with their own clocks, some to the second:
    # reading a few minutes too many is harmless because pages upsert.
    since = previous.created_at - timedelta(seconds=conf.delta_overlap_seconds())
    return start_extraction(
        previous.incident, specs, mode=Extraction.Mode.DELTA, since=since
    )


def _start_next_run(extraction: Extraction, *, after_failure: bool) -> list[PageRef]:
    """Start the next waiting source; finish the extraction if none is left.

    After a failure any waiting source may take over. After a success only
    regular sources start, unless an earlier failure still needs a fallback.
    """
    runs = list(extraction.runs.select_for_update().order_by("position"))
    failed = sum(run.status in _FAILED_STATUSES for run in runs)
    fallbacks_started = sum(
        run.spec.get("fallback_only") and run.status != SourceRun.Status.WAITING
        for run in runs
    )
    owes_fallback = after_failure or failed > fallbacks_started
    for run in runs:
        if run.status != SourceRun.Status.WAITING:
            continue
        if run.spec.get("fallback_only") and not owes_fallback:
            continue
        now = timezone.now()
        run.status = SourceRun.Status.RUNNING
        run.started_at = run.heartbeat_at = now
        run.save(update_fields=["status", "started_at", "heartbeat_at"])
        return [(str(run.pk), 0)]
    _finish_extraction(extraction, runs)
    return []


_FAILED_STATUSES = (SourceRun.Status.FAILED, SourceRun.Status.FAILED_OVER)


def _finish_extraction(extraction: Extraction, runs: list[SourceRun]) -> None:
    if any(run.status == SourceRun.Status.RUNNING for run in runs):
        return
    complete = any(run.status == SourceRun.Status.COMPLETE for run in runs)
    extraction.status = (
        Extraction.Status.COMPLETE if complete else Extraction.Status.FAILED
    )
    extraction.finished_at = timezone.now()
    extraction.save(update_fields=["status", "finished_at"])
    record_audit_event(
        "extraction.finished",
        object_type="extraction",
        object_id=extraction.pk,
        incident_ref=extraction.incident_id,
        outcome="ok" if complete else "failed",
        payload={run.source_name: run.status for run in runs},
    )
    logger.info(
        "extraction finished",
        extra={"extraction_id": str(extraction.pk), "status": extraction.status},
    )


def _connector_for(run: SourceRun) -> Connector:
    connector = _connectors.get(str(run.pk))
    if connector is None:
        connector = build_connector(SourceSpec.from_dict(run.spec))
        _connectors[str(run.pk)] = connector
    return connector


def forget_connector(run_id: str) -> None:
    """Close and drop the cached connector of a run, if cached."""
    connector = _connectors.pop(run_id, None)
    if connector is not None:
        connector.close()


def _check_guards(run: SourceRun) -> None:
    """Raise instead of calling a source whose breaker is open or whose API
    budget is spent."""
    now = timezone.now()
    if run.breaker_open_until and run.breaker_open_until > now:
        wait = (run.breaker_open_until - now).total_seconds()
        raise BreakerOpen(
            f"source {run.source_name!r}: circuit breaker open for {wait:.0f} s "
            "after repeated failures",
            retry_after=wait,
        )
    share = conf.salesforce_api_share()
    if run.api_limit and run.api_used is not None:
        if run.api_used >= share * run.api_limit:
            raise SourceRateLimited(
                f"source {run.source_name!r} has used {run.api_used} of "
                f"{run.api_limit} daily API requests, the configured share "
                f"({share:.0%}); wait for the daily reset or raise "
                "TOCSIN_SALESFORCE_API_SHARE",
                retry_after=conf.breaker_cooldown_seconds(),
            )


def extract_page(run_id: str, page_no: int) -> list[PageRef]:
    """Read and store page ``page_no`` of a run; return the pages to queue.

    Returns [] without reading anything when the run has moved past this
    page or stopped, which is how a duplicate or late task ends. Raises the
    connector's ``SourceUnavailable`` (retry) or ``PermanentError`` (stop);
    the caller passes them to ``record_source_failure``.
    """
    run = SourceRun.objects.select_related("extraction").get(pk=run_id)
    if run.status != SourceRun.Status.RUNNING or run.pages_done != page_no:
        return []
    _check_guards(run)
    connector = _connector_for(run)
    page = connector.fetch_page(run.cursor, run.extraction.since)
    with transaction.atomic():
        run = (
            SourceRun.objects.select_for_update()
            .select_related("extraction")
            .get(pk=run_id)
        )
        if run.status != SourceRun.Status.RUNNING or run.pages_done != page_no:
            logger.warning(
                "page already stored by another task",
                extra={"run_id": run_id, "page": page_no},
            )
            return []
        stored = store_page(run, page.records)
        RejectedRecord.objects.bulk_create(
            [
                RejectedRecord(run=run, reference=row.reference, reason=row.reason)
                for row in page.rejected
            ],
            ignore_conflicts=True,
        )
        _advance_checkpoint(run, page, stored.stored, stored.covered)
        if page.next_cursor is not None:
            return [(run_id, page_no + 1)]
        run.status = SourceRun.Status.COMPLETE
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        transaction.on_commit(lambda: forget_connector(run_id))
        logger.info(
            "source run complete",
            extra={"run_id": run_id, "source": run.source_name, "pages": page_no + 1},
        )
        return _start_next_run(run.extraction, after_failure=False)


def _advance_checkpoint(run: SourceRun, page: Page, stored: int, covered: int) -> None:
    run.cursor = page.next_cursor
    run.pages_done += 1
    run.records_stored += stored
    run.records_covered += covered
    run.rows_rejected += len(page.rejected)
    run.heartbeat_at = timezone.now()
    run.consecutive_failures = 0
    run.outage_started_at = None
    run.breaker_open_until = None
    if page.total is not None:
        run.total_estimate = page.total
    if page.api_usage is not None:
        run.api_used, run.api_limit = page.api_usage
    as_ofs = [record.provenance.as_of for record in page.records]
    if as_ofs:
        oldest, newest = min(as_ofs), max(as_ofs)
        run.oldest_as_of = min(filter(None, [run.oldest_as_of, oldest]))
        run.newest_as_of = max(filter(None, [run.newest_as_of, newest]))
    run.save()


def compute_backoff(attempt: int, retry_after: float | None = None) -> float:
    """Return the wait in seconds before retry number ``attempt`` (from 1).

    Exponential backoff with full jitter, as Celery's ``retry_jitter``: a
    random wait up to base * 2^(attempt - 1), capped, so workers that failed
    together do not retry together. A Retry-After from the source is a
    minimum: retrying sooner only spends API budget on another refusal.
    """
    ceiling = min(
        conf.backoff_max_seconds(), conf.backoff_base_seconds() * 2 ** (attempt - 1)
    )
    wait = random.uniform(0, ceiling)
    return max(wait, retry_after or 0.0)


def record_source_failure(
    run_id: str, error: SourceUnavailable
) -> tuple[float | None, list[PageRef]]:
    """Count a failed page; return (seconds to wait before retrying, pages).

    Opens the run's circuit breaker after ``breaker_threshold`` failures in
    a row. When the source has been failing for longer than its deadline,
    the run is marked failed over, the next source starts and the wait is
    None: the caller stops retrying and queues the returned pages instead.
    """
    with transaction.atomic():
        run = (
            SourceRun.objects.select_for_update()
            .select_related("extraction")
            .get(pk=run_id)
        )
        if run.status != SourceRun.Status.RUNNING:
            return None, []
        now = timezone.now()
        if not isinstance(error, BreakerOpen):
            run.consecutive_failures += 1
            run.retries += 1
            run.outage_started_at = run.outage_started_at or now
        run.last_error = str(error)[:1000]
        run.heartbeat_at = now
        outage = (now - (run.outage_started_at or now)).total_seconds()
        if outage > conf.source_deadline_seconds():
            return None, _fail_over(run, now)
        wait = compute_backoff(run.consecutive_failures, error.retry_after)
        if run.consecutive_failures >= conf.breaker_threshold():
            wait = max(wait, conf.breaker_cooldown_seconds())
            run.breaker_open_until = now + timedelta(seconds=wait)
        if isinstance(error, SourceRateLimited):
            run.rate_limit_waits += 1
            run.rate_limit_wait_seconds += wait
        run.save()
    logger.warning(
        "source page failed, retrying",
        extra={
            "run_id": run_id,
            "source": run.source_name,
            "error": type(error).__name__,
            "attempt": run.consecutive_failures,
            "wait_s": round(wait, 3),
        },
    )
    return wait, []


def _fail_over(run: SourceRun, now: datetime) -> list[PageRef]:
    run.status = SourceRun.Status.FAILED_OVER
    run.finished_at = now
    run.save()
    record_audit_event(
        "extraction.source_failed_over",
        object_type="source_run",
        object_id=run.pk,
        incident_ref=run.extraction.incident_id,
        outcome="failed",
        payload={"source": run.source_name, "pages_done": run.pages_done},
    )
    logger.error(
        "source down past its deadline, failing over",
        extra={"run_id": str(run.pk), "source": run.source_name},
    )
    return _start_next_run(run.extraction, after_failure=True)


def record_permanent_failure(run_id: str, error: Exception) -> list[PageRef]:
    """Stop a run on an error retrying cannot fix; return the pages to queue.

    Everything stored before the error stays stored. The next source in the
    order takes over for the records still missing.
    """
    with transaction.atomic():
        run = (
            SourceRun.objects.select_for_update()
            .select_related("extraction")
            .get(pk=run_id)
        )
        if run.status != SourceRun.Status.RUNNING:
            return []
        run.status = SourceRun.Status.FAILED
        run.last_error = str(error)[:1000]
        run.finished_at = timezone.now()
        run.save()
        record_audit_event(
            "extraction.source_failed",
            object_type="source_run",
            object_id=run.pk,
            incident_ref=run.extraction.incident_id,
            outcome="failed",
            payload={"source": run.source_name, "error": type(error).__name__},
        )
        pages = _start_next_run(run.extraction, after_failure=True)
    forget_connector(run_id)
    logger.error(
        "source failed",
        extra={
            "run_id": run_id,
            "source": run.source_name,
            "error": type(error).__name__,
        },
    )
    return pages


def resume_stalled_runs(extraction: Extraction | None = None) -> list[PageRef]:
    """Return the next page of every running source that made no progress
    for ``TOCSIN_SOURCE_STALLED_AFTER`` seconds, and mark them touched.

    A worker killed while holding a page task loses the task on brokers
    without redelivery (such as the embedded SQLite broker). Queuing the
    page again is safe: the page guard drops a duplicate.
    """
    # Limitation: only worker start, the CLI's watch loop and `tocsin extract
    # resume` call this; no periodic task does. Effect: on the SQLite broker a
    # run whose worker died stays idle until one of them runs.
    cutoff = timezone.now() - timedelta(seconds=conf.stalled_after_seconds())
    runs = SourceRun.objects.filter(
        status=SourceRun.Status.RUNNING, heartbeat_at__lt=cutoff
    )
    if extraction is not None:
        runs = runs.filter(extraction=extraction)
    pages = []
    for run in runs:
        updated = SourceRun.objects.filter(
            pk=run.pk, heartbeat_at=run.heartbeat_at, status=SourceRun.Status.RUNNING
        ).update(heartbeat_at=timezone.now())
        if updated:
            pages.append((str(run.pk), run.pages_done))
            logger.warning(
                "stalled source run queued again",
                extra={"run_id": str(run.pk), "page": run.pages_done},
            )
    return pages


def run_extraction_inline(pages: list[PageRef], *, max_sleep: float = 5.0) -> None:
    """Run queued pages in this process until none is left.

    For tests, scripts and small pulls without a worker. Waits are slept,
    capped at ``max_sleep`` seconds each.
    """
    from tocsin.errors import PermanentError

    queue = list(pages)
    while queue:
        run_id, page_no = queue.pop(0)
        try:
            queue += extract_page(run_id, page_no)
        except SourceUnavailable as error:
            wait, next_pages = record_source_failure(run_id, error)
            if wait is None:
                queue += next_pages
                continue
            time.sleep(min(wait, max_sleep))
            queue.append((run_id, page_no))
        except PermanentError as error:
            queue += record_permanent_failure(run_id, error)

"""Progress and provenance reports of an extraction, as plain dicts.

The CLI, the JSON status view and the console all read these, so they show
the same numbers. No report contains contact details: counts, ids, source
names, times and error messages (which name fields, never values).
"""

from datetime import datetime
from typing import Any

from django.db.models import Count
from django.utils import timezone

from tocsin.sources.models import (
    ExtractedRecord,
    Extraction,
    FieldConflict,
    RejectedRecord,
    SourceRun,
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _rate_and_eta(run: SourceRun, now: datetime) -> tuple[float | None, float | None]:
    """Return records per second so far and the estimated seconds left."""
    if not run.started_at:
        return None, None
    end = run.finished_at or now
    elapsed = (end - run.started_at).total_seconds()
    done = run.records_stored + run.records_covered + run.rows_rejected
    if elapsed <= 0 or done == 0:
        return None, None
    rate = done / elapsed
    if run.status != SourceRun.Status.RUNNING:
        return rate, 0.0
    if not run.total_estimate:
        return rate, None
    return rate, max(0.0, (run.total_estimate - done) / rate)


def source_run_status(run: SourceRun, now: datetime | None = None) -> dict[str, Any]:
    """Return the progress, retries, staleness and last error of one run."""
    now = now or timezone.now()
    rate, eta = _rate_and_eta(run, now)
    breaker_open = bool(run.breaker_open_until and run.breaker_open_until > now)
    oldest_age = (now - run.oldest_as_of).total_seconds() if run.oldest_as_of else None
    return {
        "source": run.source_name,
        "kind": run.spec.get("kind"),
        "fallback_only": bool(run.spec.get("fallback_only")),
        "status": run.status,
        "pages_done": run.pages_done,
        "records_stored": run.records_stored,
        "records_covered": run.records_covered,
        "rows_rejected": run.rows_rejected,
        "total_estimate": run.total_estimate,
        "records_per_second": round(rate, 1) if rate else None,
        "eta_seconds": round(eta) if eta is not None else None,
        "retries": run.retries,
        "rate_limit_waits": run.rate_limit_waits,
        "rate_limit_wait_seconds": round(run.rate_limit_wait_seconds, 1),
        "api_usage": (
            {"used": run.api_used, "limit": run.api_limit} if run.api_limit else None
        ),
        "breaker": "open" if breaker_open else "closed",
        "last_error": run.last_error or None,
        "oldest_as_of": _iso(run.oldest_as_of),
        "newest_as_of": _iso(run.newest_as_of),
        "oldest_age_seconds": round(oldest_age) if oldest_age is not None else None,
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
    }


def extraction_status(extraction: Extraction) -> dict[str, Any]:
    """Return an extraction's progress per source, with totals."""
    now = timezone.now()
    runs = [source_run_status(run, now) for run in extraction.runs.order_by("position")]
    keys = ("pages_done", "records_stored", "records_covered", "rows_rejected",
            "retries", "rate_limit_waits")  # fmt: skip
    etas = [r["eta_seconds"] for r in runs if r["status"] == "running"]
    if etas:
        eta = etas[0]
    elif extraction.finished_at:
        eta = 0
    else:
        eta = None
    return {
        "extraction": str(extraction.pk),
        "incident": str(extraction.incident_id),
        "mode": extraction.mode,
        "since": _iso(extraction.since),
        "status": extraction.status,
        "created_at": _iso(extraction.created_at),
        "finished_at": _iso(extraction.finished_at),
        "eta_seconds": eta,
        "totals": {key: sum(r[key] for r in runs) for key in keys},
        "sources": runs,
    }


def provenance_report(extraction: Extraction) -> dict[str, Any]:
    """Return which source supplied how many people, by object, and the
    conflicts and rejected rows found.

    ``supplied`` counts records that supplied a person; ``covered`` counts
    records of people a source of higher precedence had already supplied.
    """
    counts = (
        ExtractedRecord.objects.filter(run__extraction=extraction)
        .values("source_name", "source_object", "is_primary")
        .annotate(records=Count("id"))
        .order_by("source_name", "source_object")
    )
    by_source: dict[str, dict[str, dict[str, int]]] = {}
    for row in counts:
        objects = by_source.setdefault(row["source_name"], {})
        entry = objects.setdefault(row["source_object"], {"supplied": 0, "covered": 0})
        entry["supplied" if row["is_primary"] else "covered"] += row["records"]
    conflicts = (
        FieldConflict.objects.filter(other__run__extraction=extraction)
        .values("field_name", "kept__source_name", "other__source_name")
        .annotate(count=Count("id"))
        .order_by("field_name")
    )
    rejected = RejectedRecord.objects.filter(run__extraction=extraction).order_by("id")
    return {
        "extraction": str(extraction.pk),
        "sources": by_source,
        "conflicts": [
            {
                "field": row["field_name"],
                "kept_from": row["kept__source_name"],
                "other_from": row["other__source_name"],
                "count": row["count"],
            }
            for row in conflicts
        ],
        "rejected": [
            {"source": r.run.source_name, "reference": r.reference, "reason": r.reason}
            for r in rejected.select_related("run")[:1000]
        ],
    }

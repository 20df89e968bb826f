"""The ``tocsin extract`` group: pull contacts from the sources, watch it."""

import json
import sys
import time

import click

COMMANDS: list[click.Command] = []

BAR_WIDTH = 24


def _format_progress(status: dict) -> str:
    """Return one line per running or finished source: bar, counts, ETA."""
    lines = []
    for run in status["sources"]:
        if run["status"] == "waiting":
            continue
        done = run["records_stored"] + run["records_covered"] + run["rows_rejected"]
        total = run["total_estimate"]
        share = min(1.0, done / total) if total else 0.0
        if run["status"] == "complete":
            share = 1.0
        filled = int(share * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        eta = run["eta_seconds"]
        eta_text = f"ETA {eta} s" if eta is not None else "ETA unknown"
        total_text = f"{total:,}" if total else "?"
        lines.append(
            f"{run['source']:<16} [{bar}] {done:>9,}/{total_text:>9} records "
            f"{run['pages_done']:>5} pages {run['retries']:>4} retries "
            f"{run['rate_limit_waits']:>3} rate-limit waits  {run['status']}, "
            f"{eta_text}"
        )
    return "\n".join(lines)


def _load_specs(sources_path: str | None) -> list:
    from tocsin.sources import conf
    from tocsin.sources.connectors.base import load_source_specs

    path = sources_path or conf.sources_file()
    if not path:
        raise click.UsageError(
            "no sources file: pass --sources or set TOCSIN_SOURCES_FILE"
        )
    return load_source_specs(path)


def _watch(extraction_id: str, interval: float) -> dict:
    """Print progress until the extraction ends; return its last status."""
    from tocsin.sources.jobs import resume_stalled_runs
    from tocsin.sources.models import Extraction
    from tocsin.sources.status import extraction_status
    from tocsin.sources.tasks import queue_pages

    is_tty = sys.stdout.isatty()
    printed_lines = 0
    while True:
        extraction = Extraction.objects.get(pk=extraction_id)
        status = extraction_status(extraction)
        text = _format_progress(status)
        if is_tty and printed_lines:
            click.echo(f"\x1b[{printed_lines}F\x1b[J", nl=False)
        click.echo(text)
        printed_lines = text.count("\n") + 1
        if extraction.finished_at:
            return status
        # A worker killed while holding a page leaves its run idle.
        queue_pages(resume_stalled_runs(extraction))
        time.sleep(interval)


@click.group("extract")
def extract() -> None:
    """Extract customer contacts from the configured sources."""


@extract.command("run")
@click.option("--incident", "incident_id", required=True, help="Incident id (UUID).")
@click.option(
    "--sources",
    "sources_path",
    help="JSON file listing the sources in failover order "
    "(default: TOCSIN_SOURCES_FILE).",
)
@click.option(
    "--inline",
    is_flag=True,
    help="Run the pages in this process instead of on Celery workers.",
)
@click.option("--wait/--no-wait", default=True, help="Show progress until done.")
@click.option(
    "--interval", default=1.0, show_default=True, help="Seconds between updates."
)
def run_extraction(
    incident_id: str,
    sources_path: str | None,
    inline: bool,
    wait: bool,
    interval: float,
) -> None:
    """Start an extraction for an incident and show its progress."""
    from tocsin.incidents.models import Incident
    from tocsin.sources.jobs import run_extraction_inline, start_extraction
    from tocsin.sources.status import extraction_status
    from tocsin.sources.tasks import queue_pages

    incident = Incident.objects.get(pk=incident_id)
    extraction, pages = start_extraction(incident, _load_specs(sources_path))
    click.echo(f"extraction {extraction.pk} started")
    if inline:
        run_extraction_inline(pages)
        extraction.refresh_from_db()
        click.echo(_format_progress(extraction_status(extraction)))
    else:
        queue_pages(pages)
        if wait:
            _watch(str(extraction.pk), interval)
    extraction.refresh_from_db()
    if extraction.status == extraction.Status.FAILED:
        raise click.ClickException(f"extraction {extraction.pk} failed: see status")


@extract.command("status")
@click.argument("extraction_id")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def show_status(extraction_id: str, as_json: bool) -> None:
    """Show an extraction's progress per source."""
    from tocsin.sources.models import Extraction
    from tocsin.sources.status import extraction_status

    status = extraction_status(Extraction.objects.get(pk=extraction_id))
    if as_json:
        click.echo(json.dumps(status, indent=2))
        return
    click.echo(f"extraction {status['extraction']}: {status['status']}")
    click.echo(_format_progress(status))
    for run in status["sources"]:
        if run["oldest_as_of"]:
            days = run["oldest_age_seconds"] / 86400
            click.echo(
                f"{run['source']}: records as of {run['oldest_as_of']} to "
                f"{run['newest_as_of']} (oldest {days:.1f} days old)"
            )
        if run["last_error"]:
            click.echo(f"{run['source']}: last error: {run['last_error']}")


@extract.command("report")
@click.argument("extraction_id")
def show_report(extraction_id: str) -> None:
    """Print, as JSON, which source supplied which records, the field
    conflicts between sources and the rejected rows."""
    from tocsin.sources.models import Extraction
    from tocsin.sources.status import provenance_report

    report = provenance_report(Extraction.objects.get(pk=extraction_id))
    click.echo(json.dumps(report, indent=2))


@extract.command("resync")
@click.argument("extraction_id")
@click.option("--wait/--no-wait", default=True, help="Show progress until done.")
def resync(extraction_id: str, wait: bool) -> None:
    """Read again the contacts changed since an extraction started."""
    from tocsin.sources.jobs import start_delta_resync
    from tocsin.sources.models import Extraction
    from tocsin.sources.tasks import queue_pages

    delta, pages = start_delta_resync(Extraction.objects.get(pk=extraction_id))
    click.echo(f"extraction {delta.pk} started (delta since {delta.since})")
    queue_pages(pages)
    if wait:
        _watch(str(delta.pk), 1.0)


@extract.command("resume")
def resume() -> None:
    """Queue again the next page of every source run that stopped moving."""
    from tocsin.sources.jobs import resume_stalled_runs
    from tocsin.sources.tasks import queue_pages

    pages = resume_stalled_runs()
    queue_pages(pages)
    click.echo(f"{len(pages)} stalled source runs queued again")


COMMANDS.append(extract)

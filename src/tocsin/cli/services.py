"""Long-running commands: the worker, the console server and status."""

import subprocess
import sys
from pathlib import Path

import click

from tocsin.cli.run import load_incident

QUEUES = "celery,email,sms,postal,extraction"


@click.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Worker processes.",
)
@click.option(
    "--queues",
    default=QUEUES,
    show_default=True,
    help="Queues to consume, comma-separated.",
)
@click.option(
    "--pool",
    type=click.Choice(["prefork", "solo", "threads"]),
    default="prefork",
    show_default=True,
    help="Celery execution pool.",
)
@click.option(
    "--beat",
    is_flag=True,
    help="Also run periodic tasks (one worker per installation).",
)
def worker(concurrency: int, queues: str, pool: str, beat: bool) -> None:
    """Run a Celery worker that imports, assesses and sends."""
    from django.conf import settings

    from tocsin.celery import app

    beat_args = (
        ["--beat", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME] if beat else []
    )
    app.worker_main(
        [
            "worker",
            "--loglevel",
            "INFO",
            "--queues",
            queues,
            "--concurrency",
            str(concurrency),
            "--pool",
            pool,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *beat_args,
        ]
    )


@click.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="TCP port.",
)
@click.option("--no-worker", is_flag=True, help="Serve the console only.")
def serve(port: int, no_worker: bool) -> None:
    """Serve the console on 127.0.0.1 and run a worker beside it."""
    from django.core.servers.basehttp import run

    from tocsin.wsgi import application

    worker_process = None
    if not no_worker:
        worker_process = subprocess.Popen(
            [sys.executable, "-m", "tocsin.cli", "worker", "--beat"]
        )
    click.echo(f"console on http://127.0.0.1:{port}/")
    try:
        run("127.0.0.1", port, application, threading=True)
    finally:
        if worker_process:
            worker_process.terminate()
            worker_process.wait(timeout=30)


@click.command()
@click.option(
    "--incident", "incident_id", help="Incident id; without it, list incidents."
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the summary as an HTML report to this file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def status(incident_id: str | None, report: Path | None, as_json: bool) -> None:
    """Print an incident's obligations, deadlines and delivery counts."""
    import json

    from tocsin.incidents.models import Incident
    from tocsin.reports.summary import (
        build_summary,
        render_summary_html,
        render_summary_text,
    )

    if not incident_id:
        for item in Incident.objects.all():
            click.echo(f"{item.pk}  {item.status:<10} {item.name}")
        return
    summary = build_summary(load_incident(incident_id))
    click.echo(
        json.dumps(summary, indent=2, default=str)
        if as_json
        else render_summary_text(summary)
    )
    if report:
        report.write_text(render_summary_html(summary), encoding="utf-8")
        click.echo(f"report written to {report}")


COMMANDS: list[click.Command] = [worker, serve, status]

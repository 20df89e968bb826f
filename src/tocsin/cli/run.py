"""Commands that drive a notification run: init, import, assess, notify."""

import getpass
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from tocsin.errors import TocsinError

if TYPE_CHECKING:
    from tocsin.incidents.models import BackgroundJob, Incident


def fail(error: TocsinError) -> None:
    """Print an expected error without a traceback and exit with status 1."""
    click.echo(f"error: {error}", err=True)
    sys.exit(1)


def load_incident(incident_id: str) -> "Incident":
    """Return the incident with this id, or exit with a clear message."""
    from django.core.exceptions import ValidationError

    from tocsin.incidents.models import Incident

    try:
        return Incident.objects.get(pk=incident_id)
    except (Incident.DoesNotExist, ValidationError):
        click.echo(
            f"error: no incident with id {incident_id!r}; "
            "list them with 'tocsin status'",
            err=True,
        )
        sys.exit(1)


@click.command()
def init() -> None:
    """Create the data folder, database tables, keys and default templates."""
    from django.conf import settings
    from django.core.management import call_command

    from tocsin.audit.signing import ensure_signing_key
    from tocsin.incidents.models import CompanyProfile
    from tocsin.notices.templates import ensure_default_templates
    from tocsin.vault.keys import ensure_master_key

    # The data folder holds the database and broker: only its owner may
    # read them, even though their contact details are encrypted.
    settings.TOCSIN_HOME.mkdir(parents=True, exist_ok=True)
    settings.TOCSIN_HOME.chmod(0o700)
    call_command("migrate", interactive=False, verbosity=0)
    key_path = ensure_master_key()
    signing_key_path = ensure_signing_key()
    if not CompanyProfile.objects.exists():
        CompanyProfile.objects.create()
    ensure_default_templates()
    click.echo(f"data folder: {settings.TOCSIN_HOME}")
    click.echo(f"master key:  {key_path}")
    click.echo(f"audit key:   {signing_key_path}")


def parse_discovery(value: str, zone_name: str) -> datetime:
    """Return an aware datetime from ISO text, read in the given zone."""
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(
            f"unknown time zone {zone_name!r}; use an IANA name such as America/Chicago"
        ) from None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date-time; write it like 2026-11-20T14:30"
        ) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    # A day of slack covers clocks and zones; later than that is a typo.
    if moment > datetime.now(zone) + timedelta(days=1):
        raise click.BadParameter(
            f"{value!r} is in the future; give the time the breach was discovered"
        )
    return moment


@click.group()
def incident() -> None:
    """Create and inspect incidents."""


@incident.command("create")
@click.option("--name", required=True, help="A short name for the incident.")
@click.option(
    "--discovered-at", required=True, help="ISO date-time the breach was discovered."
)
@click.option(
    "--timezone",
    "zone_name",
    default="UTC",
    show_default=True,
    help="IANA zone of --discovered-at.",
)
@click.option(
    "--elements", required=True, help="Exposed data element codes, separated by ';'."
)
@click.option(
    "--encrypted/--not-encrypted",
    default=False,
    help="Whether the exposed data was encrypted.",
)
@click.option(
    "--key-compromised", is_flag=True, help="The encryption key was taken too."
)
@click.option(
    "--retention-days",
    type=click.IntRange(1, 3650),
    default=365,
    show_default=True,
    help="Days to keep contact data after notifications complete.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the new incident as JSON.")
def create_incident(
    name: str,
    discovered_at: str,
    zone_name: str,
    elements: str,
    encrypted: bool,
    key_compromised: bool,
    retention_days: int,
    as_json: bool,
) -> None:
    """Open an incident: what was exposed and when it was discovered."""
    from tocsin.audit.trail import record_audit_event
    from tocsin.compliance.handoff import start_handoff
    from tocsin.incidents.elements import parse_elements
    from tocsin.incidents.models import Incident

    discovered = parse_discovery(discovered_at, zone_name)
    known, unknown = parse_elements(elements)
    if unknown or not known:
        raise click.BadParameter(
            f"unknown data element codes {unknown}; run 'tocsin elements' for the list"
            if unknown
            else "name at least one exposed data element",
            param_hint="--elements",
        )
    created = Incident.objects.create(
        name=name[:200],
        discovered_at=discovered,
        timezone_name=zone_name,
        exposed_elements=sorted(known),
        data_encrypted=encrypted,
        key_compromised=key_compromised,
        retention_days=retention_days,
    )
    start_handoff(str(created.pk), actor=getpass.getuser())
    record_audit_event(
        "incident.created",
        object_type="incident",
        object_id=created.pk,
        incident_ref=created.pk,
        payload={"elements": sorted(known)},
    )
    if as_json:
        click.echo(json.dumps({"id": str(created.pk), "name": created.name}))
    else:
        click.echo(f"incident {created.pk} created")


@click.command()
def elements() -> None:
    """List the data element codes findings and law files use."""
    from tocsin.incidents.elements import DataElement

    for element in DataElement:
        click.echo(element.value)


def wait_or_report(job: "BackgroundJob", wait: bool) -> None:
    """Wait for a job and print its result, or print its id."""
    from tocsin.incidents.jobs import wait_for_job

    if not wait:
        click.echo(f"job {job.pk} queued")
        return
    try:
        finished = wait_for_job(job)
    except TocsinError as error:
        fail(error)
    click.echo(json.dumps(finished.result))


@click.command("import")
@click.argument("kind", type=click.Choice(["customers", "findings"]))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--incident", "incident_id", required=True, help="Incident id.")
@click.option(
    "--source",
    default="shopify-export",
    show_default=True,
    help="Source name for customers.",
)
@click.option("--wait/--no-wait", default=True, help="Wait for the worker to finish.")
def import_file(
    kind: str, path: Path, incident_id: str, source: str, wait: bool
) -> None:
    """Import a Shopify customer export or a forensic findings CSV."""
    from tocsin.incidents.jobs import create_job
    from tocsin.reconciliation.tasks import import_findings_job
    from tocsin.sources.tasks import import_customers_job

    target = load_incident(incident_id)
    if not path.is_file():
        fail(TocsinError(f"file '{path}' not found; check the path"))
    task = import_customers_job if kind == "customers" else import_findings_job
    params = {"path": str(path.resolve()), "source": source}
    wait_or_report(create_job(target, f"import-{kind}", params, task), wait)


@click.command()
@click.option("--incident", "incident_id", required=True, help="Incident id.")
@click.option("--wait/--no-wait", default=True, help="Wait for the worker to finish.")
def assess(incident_id: str, wait: bool) -> None:
    """Work out every affected person's obligations and deadlines."""
    from tocsin.assessment.tasks import assess_incident_job
    from tocsin.incidents.jobs import create_job

    target = load_incident(incident_id)
    wait_or_report(create_job(target, "assess", {}, assess_incident_job), wait)


@click.command()
@click.option("--incident", "incident_id", required=True, help="Incident id.")
@click.option(
    "--wait/--no-wait", default=True, help="Wait until every email attempt ends."
)
@click.option(
    "--timeout", type=float, default=1800, show_default=True, help="Seconds to wait."
)
def notify(incident_id: str, wait: bool, timeout: float) -> None:
    """Plan notices for everyone owed one and send them by email."""
    from tocsin.delivery.preflight import run_warnings
    from tocsin.delivery.progress import wait_for_delivery
    from tocsin.delivery.tasks import start_notification_job
    from tocsin.incidents.jobs import create_job, wait_for_job

    target = load_incident(incident_id)
    for warning in run_warnings():
        click.echo(f"warning: {warning.message}", err=True)
    job = create_job(target, "notify", {}, start_notification_job)
    if not wait:
        click.echo(f"job {job.pk} queued")
        return
    try:
        planned = wait_for_job(job)
        progress = wait_for_delivery(target, timeout_s=timeout)
    except TocsinError as error:
        fail(error)
    click.echo(json.dumps(planned.result | {"delivery": progress}))


COMMANDS: list[click.Command] = [init, incident, elements, import_file, assess, notify]

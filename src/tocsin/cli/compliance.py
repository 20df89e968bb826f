"""The ``tocsin compliance`` group: vendors, training, law reviews,
IR hand-offs and drills.

Every command that changes a record writes an audit event through the
compliance domain functions. ``--by`` names the person acting and defaults
to the operating-system user. Commands import the domain modules when they
run, because this module is imported before Django is set up.
"""

import getpass
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any

import click

from tocsin.compliance.choices import AttestationType, HandoffItemCode, VendorKind
from tocsin.errors import TocsinError


def reports_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Turn Tocsin errors into a one-line message and exit status 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except TocsinError as error:
            raise click.ClickException(str(error)) from None

    return wrapper


by_option = click.option(
    "--by",
    "actor",
    default=getpass.getuser,
    show_default="the operating-system user",
    help="Name of the person recording this.",
)


def _date_or_today(value: str | None, field: str) -> date | None:
    from tocsin.compliance.parsing import parse_date

    return parse_date(value, field) if value else None


@click.group("compliance")
def compliance_group() -> None:
    """Keep the compliance records that auditors ask for."""


# --- vendors ----------------------------------------------------------------


@compliance_group.group("vendor")
def vendor_group() -> None:
    """Vendors that touch notification data, and their attestations."""


@vendor_group.command("add")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(VendorKind.values))
@click.option("--service", default="", help="What the vendor does for Tocsin.")
@by_option
@reports_errors
def vendor_add(name: str, kind: str, service: str, actor: str) -> None:
    """Register a vendor."""
    from tocsin.compliance.vendors import register_vendor

    vendor = register_vendor(name, kind, service=service, actor=actor)
    click.echo(f"vendor '{vendor.name}' ({vendor.kind}) registered")


@vendor_group.command("attest")
@click.argument("name")
@click.option(
    "--type",
    "attestation_type",
    required=True,
    type=click.Choice(AttestationType.values),
)
@click.option("--expires", required=True, help="Expiry date, YYYY-MM-DD.")
@click.option(
    "--document",
    required=True,
    type=click.Path(path_type=Path),
    help="The report or certificate file; only its SHA-256 is stored.",
)
@click.option("--period-start", help="First day the report covers, YYYY-MM-DD.")
@click.option("--period-end", help="Last day the report covers, YYYY-MM-DD.")
@by_option
@reports_errors
def vendor_attest(
    name: str,
    attestation_type: str,
    expires: str,
    document: Path,
    period_start: str | None,
    period_end: str | None,
    actor: str,
) -> None:
    """Record a vendor's SOC 2 Type II report or ISO/IEC 27001 certificate."""
    from tocsin.compliance.vendors import record_vendor_attestation

    attestation = record_vendor_attestation(
        name,
        attestation_type,
        expires_on=expires,
        document_path=document,
        period_start=period_start,
        period_end=period_end,
        actor=actor,
    )
    click.echo(
        f"{attestation.attestation_type} of '{name}' recorded, expires"
        f" {attestation.expires_on}, SHA-256 {attestation.document_sha256}"
    )


@vendor_group.command("list")
def vendor_list() -> None:
    """List vendors with their latest attestation's expiry date."""
    from tocsin.compliance.models import Vendor

    for vendor in Vendor.objects.all():
        latest = vendor.attestations.order_by("-expires_on").first()
        expiry = f"expires {latest.expires_on}" if latest else "no attestation"
        click.echo(f"{vendor.name}\t{vendor.kind}\t{expiry}")


@vendor_group.command("warnings")
@click.argument("names_or_kinds", nargs=-1)
@click.option("--today", help="Check as of this date, YYYY-MM-DD.")
@reports_errors
def vendor_warnings_command(names_or_kinds: tuple[str, ...], today: str | None) -> None:
    """Warn about missing, expired or expiring attestations (all vendors
    unless names or kinds are given)."""
    from tocsin.compliance.models import Vendor
    from tocsin.compliance.vendors import vendor_warnings

    entries = names_or_kinds or tuple(Vendor.objects.values_list("name", flat=True))
    warnings = vendor_warnings(entries, _date_or_today(today, "--today"))
    for warning in warnings:
        click.echo(warning.message)
    if not warnings:
        click.echo("all vendor attestations are current")


# --- training ---------------------------------------------------------------


@compliance_group.group("training")
def training_group() -> None:
    """Operator training records."""


@training_group.command("record")
@click.argument("operator")
@click.option("--course", required=True, help="Course name.")
@click.option("--completed-on", required=True, help="Completion date, YYYY-MM-DD.")
@by_option
@reports_errors
def training_record(operator: str, course: str, completed_on: str, actor: str) -> None:
    """Record that an operator completed a training course."""
    from tocsin.compliance.training import record_training

    completion = record_training(operator, course, completed_on, actor=actor)
    click.echo(
        f"training '{completion.course}' of {completion.operator} on"
        f" {completion.completed_on} recorded"
    )


@training_group.command("status")
@click.argument("operators", nargs=-1)
@click.option("--course", help="Only count this course.")
@reports_errors
def training_status_command(operators: tuple[str, ...], course: str | None) -> None:
    """Show each operator's latest training; flags those not current."""
    from tocsin.compliance.training import training_status

    for status in training_status(operators or None, course=course):
        when = status.completed_on or "never"
        flag = "current" if status.is_current else "NOT CURRENT"
        click.echo(f"{status.operator}\t{status.course or '-'}\t{when}\t{flag}")


# --- law reviews ------------------------------------------------------------


@compliance_group.group("law-review")
def law_review_group() -> None:
    """Monthly reviews of the law files."""


@law_review_group.command("due")
@click.option("--month", help="Any date in the month to list, YYYY-MM-DD.")
@reports_errors
def law_review_due(month: str | None) -> None:
    """List the law ids due for review by the end of the month."""
    from tocsin.compliance.lawreviews import laws_due_for_review

    due = laws_due_for_review(_date_or_today(month, "--month"))
    for entry in due:
        last = entry.last_reviewed_on or "never"
        click.echo(f"{entry.law_id}\tlast reviewed {last}")
    if not due:
        click.echo("no law file is due for review this month")


@law_review_group.command("sign-off")
@click.argument("law_id")
@click.option("--reviewer", required=True, help="Name of the reviewer.")
@click.option("--on", "reviewed_on", help="Review date, YYYY-MM-DD; default today.")
@click.option("--notes", default="", help="What was checked or changed.")
@reports_errors
def law_review_sign_off(
    law_id: str, reviewer: str, reviewed_on: str | None, notes: str
) -> None:
    """Record a reviewer's sign-off of one law file."""
    from tocsin.compliance.lawreviews import record_law_review

    review = record_law_review(law_id, reviewer, reviewed_on=reviewed_on, notes=notes)
    click.echo(f"review of {review.law_id} on {review.reviewed_on} recorded")


# --- IR hand-off ------------------------------------------------------------


@compliance_group.group("handoff")
def handoff_group() -> None:
    """Open incidents from IR exports and complete the hand-off checklist."""


@handoff_group.command("import")
@click.argument("export_file", type=click.Path(path_type=Path))
@click.option("--source", default="ir-export", help="Name of the IR tool.")
@by_option
@reports_errors
def handoff_import(export_file: Path, source: str, actor: str) -> None:
    """Open one incident per record of an IR tool export (JSON or CSV)."""
    from tocsin.compliance.handoff import import_ir_export

    for handoff in import_ir_export(export_file, actor=actor, source_system=source):
        click.echo(f"incident {handoff.incident_id} opened from {handoff.external_id}")


@handoff_group.command("start")
@click.argument("incident_id")
@by_option
@reports_errors
def handoff_start(incident_id: str, actor: str) -> None:
    """Open a hand-off checklist for an incident not imported from IR."""
    from tocsin.compliance.handoff import start_handoff

    handoff = start_handoff(incident_id, actor=actor)
    click.echo(f"hand-off checklist opened for incident {handoff.incident_id}")


@handoff_group.command("complete")
@click.argument("incident_id")
@click.argument("item", type=click.Choice(HandoffItemCode.values))
@click.option("--decision", default="", help="requested or not_requested.")
@click.option("--note", default="", help="Reference, such as the counsel's name.")
@by_option
@reports_errors
def handoff_complete(
    incident_id: str, item: str, decision: str, note: str, actor: str
) -> None:
    """Mark one hand-off checklist item complete."""
    from tocsin.compliance.handoff import complete_handoff_item

    complete_handoff_item(incident_id, item, actor=actor, decision=decision, note=note)
    click.echo(f"hand-off item {item} of incident {incident_id} completed")


@handoff_group.command("status")
@click.argument("incident_id")
@reports_errors
def handoff_status(incident_id: str) -> None:
    """Show the hand-off checklist of an incident."""
    from tocsin.compliance.handoff import load_handoff

    handoff = load_handoff(incident_id)
    for item in handoff.items.all():
        state = f"done by {item.completed_by}" if item.is_complete else "OPEN"
        decision = f" ({item.decision})" if item.decision else ""
        click.echo(f"{item.code}\t{state}{decision}")


# --- drills -----------------------------------------------------------------


@compliance_group.group("drill")
def drill_group() -> None:
    """Quarterly breach-response drills."""


@drill_group.command("record")
@click.option("--held-on", required=True, help="Drill date, YYYY-MM-DD.")
@click.option("--scenario", required=True, help="What the drill simulated.")
@click.option("--results", required=True, help="What happened and was learned.")
@click.option("--follow-up", "follow_ups", multiple=True, help="Repeatable.")
@by_option
@reports_errors
def drill_record(
    held_on: str,
    scenario: str,
    results: str,
    follow_ups: tuple[str, ...],
    actor: str,
) -> None:
    """Record a drill with its results and follow-up actions."""
    from tocsin.compliance.drills import record_drill

    drill = record_drill(held_on, scenario, results, follow_ups, actor=actor)
    click.echo(f"drill of {drill.held_on} recorded")


@drill_group.command("list")
def drill_list() -> None:
    """List drills, newest first, and when the next one is due."""
    from tocsin.compliance.drills import is_drill_overdue, next_drill_due
    from tocsin.compliance.models import Drill

    for drill in Drill.objects.all():
        click.echo(f"{drill.held_on}\t{drill.scenario}\t{len(drill.follow_ups)}")
    overdue = " (overdue)" if is_drill_overdue() else ""
    click.echo(f"next drill due by {next_drill_due()}{overdue}")


COMMANDS: list[click.Command] = [compliance_group]

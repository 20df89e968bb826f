"""The ``tocsin purge`` command: delete an incident's vault on demand."""

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from tocsin.vault.purge import PurgeReport


def _describe(report: "PurgeReport") -> list[str]:
    lines = [f"contacts: {report.contact_count}"]
    for residence, count in sorted(report.counts_by_residence.items()):
        lines.append(f"  {residence or 'unknown'}: {count}")
    return lines


@click.command()
@click.option("--incident", "incident_id", required=True, help="Incident id (UUID).")
@click.option(
    "--dry-run", is_flag=True, help="Show what would be purged; change nothing."
)
@click.option("--yes", is_flag=True, help="Purge without asking for confirmation.")
def purge(incident_id: str, dry_run: bool, yes: bool) -> None:
    """Delete an incident's contacts and destroy its data key.

    Counts per residence are kept. The contacts cannot be recovered
    afterwards, even from a database backup, because the key is destroyed.
    An interrupted purge resumes when run again.
    """
    from django.core.exceptions import ValidationError

    from tocsin.incidents.models import Incident
    from tocsin.vault.purge import purge_incident_vault, retention_ends_at

    try:
        incident = Incident.objects.get(pk=incident_id)
    except (Incident.DoesNotExist, ValidationError):
        raise click.ClickException(
            f"incident {incident_id} not found; list incidents in the console"
        ) from None
    preview = purge_incident_vault(incident, dry_run=True)
    if preview.already_purged:
        click.echo(f"incident {incident.pk} was already purged")
        click.echo("\n".join(_describe(preview)))
        return
    click.echo(f"incident {incident.pk}: {incident.name}")
    click.echo("\n".join(_describe(preview)))
    ends = retention_ends_at(incident)
    if ends is None:
        click.echo("warning: notifications are not complete for this incident")
    else:
        click.echo(f"retention ends: {ends.isoformat()}")
    if dry_run:
        click.echo("dry run: nothing was purged")
        return
    if not yes:
        click.confirm("Purge this incident's vault? This cannot be undone", abort=True)
    report = purge_incident_vault(incident)
    state = "resumed and purged" if report.resumed else "purged"
    click.echo(
        f"{state}: {report.contacts_deleted} contacts deleted, data key destroyed"
    )


COMMANDS: list[click.Command] = [purge]

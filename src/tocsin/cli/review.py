"""The ``tocsin review`` group: findings that need an operator's decision."""

import getpass

import click

from tocsin.cli.run import load_incident


@click.group("review")
def review_group() -> None:
    """List and settle findings whose keys point at different customers."""


@review_group.command("list")
@click.option("--incident", "incident_id", required=True, help="Incident id.")
def list_review(incident_id: str) -> None:
    """List findings waiting for review, by id and row, without their keys."""
    from tocsin.reconciliation.review import findings_for_review

    findings = findings_for_review(load_incident(incident_id))
    for finding in findings:
        click.echo(
            f"{finding.pk}  row {finding.row_number}  {finding.finding_ref or '-'}  "
            f"elements {';'.join(finding.exposed_elements)}"
        )
    noun = "finding" if len(findings) == 1 else "findings"
    click.echo(f"{len(findings)} {noun} waiting for review")


@review_group.command("assign")
@click.argument("finding_id")
@click.option("--incident", "incident_id", required=True, help="Incident id.")
@click.option(
    "--key",
    type=click.Choice(["customer_id", "email"]),
    required=True,
    help="The finding's key that names the right customer.",
)
def assign(finding_id: str, incident_id: str, key: str) -> None:
    """Settle a finding on the customer one of its keys names."""
    from tocsin.reconciliation.review import assign_finding

    finding = assign_finding(
        load_incident(incident_id), finding_id, key, getpass.getuser()
    )
    click.echo(
        f"finding {finding.pk} is now {finding.status}; run 'tocsin assess' again"
    )


@review_group.command("dismiss")
@click.argument("finding_id")
@click.option("--incident", "incident_id", required=True, help="Incident id.")
@click.option("--reason", required=True, help="Why, without contact details.")
def dismiss(finding_id: str, incident_id: str, reason: str) -> None:
    """Close a finding without notifying anyone, with the reason on record."""
    from tocsin.reconciliation.review import dismiss_finding

    dismiss_finding(load_incident(incident_id), finding_id, reason, getpass.getuser())
    click.echo(f"finding {finding_id} dismissed")


COMMANDS: list[click.Command] = [review_group]

"""The ``tocsin notices`` group: look at a notice before it goes out."""

import click

from tocsin.cli.run import load_incident


@click.group("notices")
def notices_group() -> None:
    """Preview notices."""


@notices_group.command("preview")
@click.option("--incident", "incident_id", required=True, help="Incident id.")
@click.option(
    "--jurisdiction", help="Preview for someone owed notice here, e.g. US-MA."
)
@click.option("--html", "as_html", is_flag=True, help="Print the HTML part instead.")
def preview(incident_id: str, jurisdiction: str | None, as_html: bool) -> None:
    """Print the notice an owed person would get, with a sample name."""
    from tocsin.notices.preview import preview_notice

    rendered = preview_notice(load_incident(incident_id), jurisdiction)
    click.echo(f"Subject: {rendered.subject}\n")
    click.echo(rendered.html if as_html else rendered.text)


COMMANDS: list[click.Command] = [notices_group]

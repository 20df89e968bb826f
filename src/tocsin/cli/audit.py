"""The ``tocsin audit`` group: verify the trail and export evidence."""

import sys
from pathlib import Path

import click

from tocsin.audit.checkpoints import write_audit_checkpoint
from tocsin.audit.signing import compute_key_id, ensure_signing_key, export_public_key
from tocsin.audit.verify import verify_trail


@click.group("audit")
def audit_group() -> None:
    """Verify the audit trail, sign checkpoints and export evidence."""


@audit_group.command("init-key")
def init_key_command() -> None:
    """Create the checkpoint signing key if it does not exist yet."""
    path = ensure_signing_key()
    click.echo(f"audit signing key: {path} (key id {compute_key_id()})")


@audit_group.command("public-key")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write the PEM public key to; prints it when omitted.",
)
def public_key_command(out_path: Path | None) -> None:
    """Print or save the public key that auditors verify signatures with."""
    pem = export_public_key()
    if out_path is None:
        click.echo(pem, nl=False)
        return
    out_path.write_text(pem)
    click.echo(f"public key {compute_key_id()} written to {out_path}")


@audit_group.command("checkpoint")
@click.option("--force", is_flag=True, help="Sign even if the head has not moved.")
def checkpoint_command(force: bool) -> None:
    """Sign the current chain head and append it to the checkpoint file."""
    checkpoint = write_audit_checkpoint(force=force)
    if checkpoint is None:
        click.echo("no checkpoint written: the chain is empty or already signed")
        return
    click.echo(
        f"checkpoint written at sequence {checkpoint.sequence}"
        f" (hash {checkpoint.event_hash})"
    )


@audit_group.command("verify")
@click.option(
    "--checkpoint-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Checkpoint file to check against; defaults to the data folder's.",
)
def verify_command(checkpoint_file: Path | None) -> None:
    """Check all events and checkpoints; exit 1 naming the first broken one.

    Streams the events, so it runs in constant memory on long trails.
    """
    report = verify_trail(checkpoint_file=checkpoint_file)
    if report.is_valid:
        click.echo(
            f"audit trail verified: {report.events_checked} events,"
            f" {report.checkpoints_checked} checkpoints, last sequence"
            f" {report.last_sequence}"
        )
        return
    click.echo(
        f"audit trail verification failed at event {report.first_broken_sequence}",
        err=True,
    )
    for problem in report.problems:
        click.echo(f"  {problem.message}", err=True)
    sys.exit(1)


COMMANDS: list[click.Command] = [audit_group]

"""The ``tocsin keys`` group: master key and data key management."""

import secrets

import click


@click.group()
def keys() -> None:
    """Show, rotate and generate the vault's master keys."""


@keys.command()
def status() -> None:
    """Print the current master key id and what each master key wraps."""
    from tocsin.vault.rotation import key_status

    report = key_status()
    click.echo(f"provider: {report.provider}")
    click.echo(f"current master key: {report.current_key_id}")
    for key_id, count in sorted(report.data_keys_by_master_key.items()):
        marker = "" if key_id == report.current_key_id else "  (needs rewrap)"
        click.echo(f"data keys under {key_id}: {count}{marker}")
    for key_id, count in sorted(report.installation_keys_by_master_key.items()):
        marker = "" if key_id == report.current_key_id else "  (needs rewrap)"
        click.echo(f"installation keys under {key_id}: {count}{marker}")
    click.echo(f"destroyed data keys: {report.destroyed_data_keys}")
    if report.stale_count:
        click.echo(
            f"{report.stale_count} keys wait for `tocsin keys rotate` to rewrap them"
        )


@keys.command()
def rotate() -> None:
    """Make a new master key current and rewrap every data key under it.

    Run it again after an interruption: it continues with the keys still
    wrapped under the old master key instead of making another one.
    """
    from tocsin.vault.rotation import rotate_master_key

    report = rotate_master_key()
    verb = "rotated to" if report.started_new_key else "resumed rotation to"
    click.echo(f"{verb} master key {report.master_key_id}")
    click.echo(f"rewrapped {report.rewrapped} keys, {report.remaining} remaining")
    for key_id in report.discarded_key_ids:
        click.echo(f"deleted retired master key {key_id}")
    if report.remaining:
        raise click.ClickException(
            f"{report.remaining} keys are still wrapped under an older master key; "
            "run `tocsin keys rotate` again"
        )


@keys.command()
def generate() -> None:
    """Print a new random master key in base64, for TOCSIN_MASTER_KEY.

    The key goes to standard output only: store it in the secret store that
    sets the environment, never in the data folder.
    """
    from tocsin.vault.keys import KEY_BYTES, encode_key

    click.echo(encode_key(secrets.token_bytes(KEY_BYTES)))


COMMANDS: list[click.Command] = [keys]

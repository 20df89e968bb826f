"""The ``tocsin`` console command.

Each command group lives in its own module of this package; this module
sets up Django and attaches them.
"""

import os

import click

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings")


def _setup_django() -> None:
    import django

    django.setup()


@click.group()
@click.version_option(package_name="tocsin")
def main() -> None:
    """Run the customer-notification side of a data-breach response."""
    _setup_django()


def _attach_groups() -> None:
    from tocsin.cli import audit, extract, keys, rules, run, vault

    for module in (run, rules, audit, keys, vault, extract):
        for command in module.COMMANDS:
            main.add_command(command)


_attach_groups()

"""The ``tocsin`` console command.

Each command group lives in its own module of this package; this module
sets up Django and attaches them.
"""

import logging
import os
from functools import partial

import click

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings")


def _setup_django() -> None:
    import django

    django.setup()


class TocsinGroup(click.Group):
    """The top-level group: expected errors print one line, not a traceback.

    A ``TocsinError`` message names the value and the fix, so it is all an
    operator needs; anything else is a bug and keeps its traceback.
    """

    def invoke(self, ctx: click.Context) -> object:
        from tocsin.errors import TocsinError

        try:
            return super().invoke(ctx)
        except TocsinError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=TocsinGroup)
@click.version_option(package_name="tocsin")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Run the customer-notification side of a data-breach response."""
    _setup_django()
    # Short commands print their results and warnings as text; log lines
    # would only repeat them. Long-running services keep the configured level.
    if "TOCSIN_LOG_LEVEL" not in os.environ and ctx.invoked_subcommand not in (
        "worker",
        "serve",
    ):
        tocsin_logger = logging.getLogger("tocsin")
        ctx.call_on_close(partial(tocsin_logger.setLevel, tocsin_logger.level))
        tocsin_logger.setLevel(logging.ERROR)


def _attach_groups() -> None:
    from tocsin.cli import (
        audit,
        company,
        compliance,
        demo,
        extract,
        keys,
        notices,
        review,
        rules,
        run,
        services,
        users,
        vault,
    )

    groups = (
        run,
        services,
        demo,
        company,
        notices,
        extract,
        review,
        rules,
        audit,
        compliance,
        keys,
        users,
        vault,
    )
    for module in groups:
        for command in module.COMMANDS:
            main.add_command(command)


_attach_groups()

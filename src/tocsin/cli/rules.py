"""The ``tocsin rules`` group: list, show, check, review and assess laws."""

import click

COMMANDS: list[click.Command] = []

"""The ``tocsin rules`` group: list, show, check, review and assess law files."""

import click

COMMANDS: list[click.Command] = []

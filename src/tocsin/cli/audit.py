"""The ``tocsin audit`` group: verify the trail and export evidence."""

import click

COMMANDS: list[click.Command] = []

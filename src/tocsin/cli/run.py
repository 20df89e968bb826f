"""Commands that drive a notification run: init, import, assess, notify."""

import click

COMMANDS: list[click.Command] = []

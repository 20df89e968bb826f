"""The ``tocsin keys`` group: master key and data key management."""

import click

COMMANDS: list[click.Command] = []

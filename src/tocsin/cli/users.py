"""The ``tocsin user`` group: console accounts and their roles."""

import getpass
import sys

import click


def _role_groups(roles: tuple[str, ...]) -> list:
    from django.contrib.auth.models import Group

    groups = list(Group.objects.filter(name__in=roles))
    missing = sorted(set(roles) - {group.name for group in groups})
    if missing:
        known = ", ".join(Group.objects.order_by("name").values_list("name", flat=True))
        raise click.BadParameter(
            f"unknown role {missing[0]!r}; use one of: {known}", param_hint="--role"
        )
    return groups


@click.group("user")
def user_group() -> None:
    """Add console users and set their roles."""


@user_group.command("add")
@click.argument("username")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="Role to grant: responder, operator, auditor or contact_viewer. "
    "Repeat for several.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of prompting.",
)
def add_user(username: str, roles: tuple[str, ...], password_stdin: bool) -> None:
    """Create a console user with the given roles."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from tocsin.audit.trail import record_audit_event

    groups = _role_groups(roles)
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise click.BadParameter(f"user {username!r} already exists; pick another name")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        validate_password(password)
    except ValidationError as error:
        raise click.BadParameter(
            " ".join(error.messages), param_hint="password"
        ) from None
    with transaction.atomic():
        user = user_model.objects.create_user(username=username, password=password)
        user.groups.set(groups)
        record_audit_event(
            "user.created",
            object_type="user",
            object_id=user.pk,
            actor=getpass.getuser(),
            payload={"username": username, "roles": sorted(roles)},
        )
    click.echo(f"user {username} created with roles {', '.join(sorted(roles))}")


@user_group.command("roles")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="Roles to keep.")
def set_roles(username: str, roles: tuple[str, ...]) -> None:
    """Replace a user's roles."""
    from django.contrib.auth import get_user_model

    from tocsin.audit.trail import record_audit_event

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.BadParameter(f"user {username!r} not found", param_hint="USERNAME")
    user.groups.set(_role_groups(roles))
    record_audit_event(
        "user.roles_changed",
        object_type="user",
        object_id=user.pk,
        actor=getpass.getuser(),
        payload={"username": username, "roles": sorted(roles)},
    )
    click.echo(f"user {username} now has roles {', '.join(sorted(roles))}")


COMMANDS: list[click.Command] = [user_group]

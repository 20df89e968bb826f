"""The ``tocsin company`` group: the company profile the laws depend on."""

import getpass
import json

import click

# Flags of the profile, as CLI option names, with what each decides.
PROFILE_FLAGS = {
    "is_glba_financial_institution": "Whether the company is a financial "
    "institution under GLBA (for example it offers its own credit), so the FTC "
    "Safeguards Rule applies.",
    "keeps_personal_health_records": "Whether the company keeps personal "
    "health records, so the FTC Health Breach Notification Rule applies.",
    "is_hipaa_covered_entity": "Whether the company is a HIPAA covered entity "
    "or business associate.",
    "follows_primary_federal_regulator_rules": "Whether the company follows "
    "the breach rules of a primary federal regulator, which some states "
    "accept in place of theirs.",
    "is_au_app_entity": "Whether Australia's Privacy Act covers the company "
    "(annual turnover over AU$3 million).",
}
TEXT_FIELDS = ("legal_name", "contact_phone", "contact_website", "contact_address")


@click.group("company")
def company_group() -> None:
    """Show or change the company profile."""


@company_group.command("show")
def show_company() -> None:
    """Print the company profile as JSON."""
    from tocsin.incidents.models import CompanyProfile

    profile = CompanyProfile.objects.first() or CompanyProfile()
    fields = (*TEXT_FIELDS, *PROFILE_FLAGS)
    click.echo(json.dumps({name: getattr(profile, name) for name in fields}, indent=2))


def _flag_options(command: click.Command) -> click.Command:
    for name, meaning in reversed(PROFILE_FLAGS.items()):
        option = name.replace("_", "-")
        command = click.option(
            f"--{option}/--not-{option}",
            name,
            default=None,
            help=meaning,
        )(command)
    for name in reversed(TEXT_FIELDS):
        command = click.option(
            f"--{name.replace('_', '-')}", name, help=f"Set the {name}."
        )(command)
    return command


@company_group.command("set")
@_flag_options
def set_company(**changes: object) -> None:
    """Change the company profile; each change is an audit event."""
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils import timezone

    from tocsin.audit.trail import record_audit_event
    from tocsin.incidents.models import CompanyProfile

    changes = {name: value for name, value in changes.items() if value is not None}
    if not changes:
        raise click.UsageError("name at least one setting to change; see --help")
    with transaction.atomic():
        profile = CompanyProfile.objects.select_for_update().first() or CompanyProfile()
        before = {name: getattr(profile, name) for name in changes}
        for name, value in changes.items():
            setattr(profile, name, value)
        profile.confirmed_at = timezone.now()
        try:
            profile.full_clean()
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise click.BadParameter(
                f"{field}: {messages[0]}", param_hint=f"--{field.replace('_', '-')}"
            ) from None
        profile.save()
        record_audit_event(
            "company.profile_changed",
            object_type="company_profile",
            object_id=profile.pk,
            actor=getpass.getuser(),
            payload={"before": before, "after": changes},
        )
    click.echo("company profile updated; run 'tocsin assess' again for open incidents")


@company_group.command("confirm")
def confirm_company() -> None:
    """Confirm the profile as shown by 'tocsin company show'."""
    from django.utils import timezone

    from tocsin.audit.trail import record_audit_event
    from tocsin.incidents.models import CompanyProfile

    profile = CompanyProfile.objects.first() or CompanyProfile()
    profile.confirmed_at = timezone.now()
    profile.save()
    record_audit_event(
        "company.profile_confirmed",
        object_type="company_profile",
        object_id=profile.pk,
        actor=getpass.getuser(),
    )
    click.echo("company profile confirmed")


COMMANDS: list[click.Command] = [company_group]

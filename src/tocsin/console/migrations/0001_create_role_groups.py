"""Create the console's role groups.

Data only: the groups carry no model permissions, because the console
checks group membership by name (see ``tocsin.console.roles``).
"""

from django.db import migrations

ROLES = ("responder", "operator", "auditor", "contact_viewer")


def create_groups(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for name in ROLES:
        group_model.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    group_model.objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, delete_groups)]

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tocsin.console.roles import ROLES

ROLE_MIGRATION = ("console", "0001_create_role_groups")


def test_migration_creates_role_groups(db: None) -> None:
    names = set(Group.objects.values_list("name", flat=True))
    assert set(ROLES) <= names


def test_role_migration_reverses_to_no_groups(transactional_db: None) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("console", None)])
    try:
        assert not Group.objects.filter(name__in=ROLES).exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate([ROLE_MIGRATION])
    assert Group.objects.filter(name__in=ROLES).count() == len(ROLES)

"""Django's ``flush``, made to work with the audit app's SQLite triggers.

On SQLite, ``flush`` empties tables with DELETE, which the append-only
triggers on the audit tables reject. This command saves those triggers,
drops them, runs the stock ``flush`` and restores them, so test cases that
flush the database (pytest-django's ``transactional_db``) keep working.
PostgreSQL flushes with TRUNCATE, which its triggers allow, so nothing
changes there.
"""

from typing import Any

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections

AUDIT_TABLES = ("audit_auditevent", "audit_auditcheckpoint")


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        placeholders = ", ".join("%s" for _ in AUDIT_TABLES)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                f" AND tbl_name IN ({placeholders})",
                AUDIT_TABLES,
            )
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        try:
            super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for _, sql in triggers:
                    cursor.execute(sql)

"""Reject UPDATE and DELETE on audit events and checkpoints in the database.

The hash chain detects changes after the fact; these triggers stop them
happening by accident or through a careless script. Each vendor has its own
SQL, and each operation runs only on its vendor.

PostgreSQL TRUNCATE is not rejected, because Django's ``flush`` (used by the
test suite) truncates every table. On SQLite, where ``flush`` deletes rows,
the audit app's ``flush`` command drops and restores these triggers around
the flush.
"""

from django.db import migrations

TABLES = ["audit_auditevent", "audit_auditcheckpoint"]
MESSAGE = "audit trail is append-only: {op} on {table} rejected; record a new audit event instead"


class VendorRunSQL(migrations.RunSQL):
    """RunSQL that runs only when the database vendor matches."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.vendor, self.sql, self.reverse_sql], {})

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only: % on % rejected; record a new audit event instead', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""

postgres_forwards = [POSTGRES_FUNCTION] + [
    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION audit_reject_change();"
    for table in TABLES
]
postgres_backwards = [
    f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in TABLES
] + ["DROP FUNCTION IF EXISTS audit_reject_change();"]

sqlite_forwards = [
    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(op=op, table=table)}'); END;"
    for table in TABLES
    for op in ("UPDATE", "DELETE")
]
sqlite_backwards = [
    f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()};"
    for table in TABLES
    for op in ("UPDATE", "DELETE")
]


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_add_audit_checkpoint"),
    ]

    operations = [
        VendorRunSQL("postgresql", postgres_forwards, postgres_backwards),
        VendorRunSQL("sqlite", sqlite_forwards, sqlite_backwards),
    ]

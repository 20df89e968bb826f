import pytest
from django.db import IntegrityError, connection, transaction

from tocsin.audit.checkpoints import write_audit_checkpoint
from tocsin.audit.signing import ensure_signing_key
from tocsin.audit.trail import record_audit_event

pytestmark = pytest.mark.django_db


def rejected(op: str, table: str) -> str:
    return (
        f"audit trail is append-only: {op} on {table} rejected;"
        " record a new audit event instead"
    )


def run_sql(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_direct_update_of_event_is_rejected() -> None:
    record_audit_event("incident.created", object_type="incident", object_id="i-1")

    with pytest.raises(IntegrityError, match=rejected("UPDATE", "audit_auditevent")):
        run_sql("UPDATE audit_auditevent SET actor = 'someone-else'")


def test_direct_delete_of_event_is_rejected() -> None:
    record_audit_event("incident.created", object_type="incident", object_id="i-1")

    with pytest.raises(IntegrityError, match=rejected("DELETE", "audit_auditevent")):
        run_sql("DELETE FROM audit_auditevent")


def test_direct_update_of_checkpoint_is_rejected() -> None:
    ensure_signing_key()
    record_audit_event("incident.created", object_type="incident", object_id="i-1")
    write_audit_checkpoint()

    expected = rejected("UPDATE", "audit_auditcheckpoint")
    with pytest.raises(IntegrityError, match=expected):
        run_sql("UPDATE audit_auditcheckpoint SET sequence = 99")


def test_direct_delete_of_checkpoint_is_rejected() -> None:
    ensure_signing_key()
    record_audit_event("incident.created", object_type="incident", object_id="i-1")
    write_audit_checkpoint()

    expected = rejected("DELETE", "audit_auditcheckpoint")
    with pytest.raises(IntegrityError, match=expected):
        run_sql("DELETE FROM audit_auditcheckpoint")


@pytest.mark.django_db(transaction=True)
def test_flush_keeps_triggers_after_emptying_tables() -> None:
    from django.core.management import call_command

    record_audit_event("incident.created", object_type="incident", object_id="i-1")
    call_command("flush", interactive=False, verbosity=0)
    record_audit_event("incident.created", object_type="incident", object_id="i-2")

    with pytest.raises(IntegrityError, match=rejected("DELETE", "audit_auditevent")):
        run_sql("DELETE FROM audit_auditevent")

"""Direct database edits that bypass the audit app, for tamper tests.

``disable_append_only_triggers`` removes the triggers inside the test's
transaction, so the removal is rolled back with the test. The edits then go
straight to the tables with queryset ``update``/``delete``, which skip the
audit app's code exactly as a raw SQL statement would.
"""

from typing import Any

from django.db import connection

from tocsin.audit.models import AuditChainHead, AuditEvent
from tocsin.audit.trail import compute_event_hash, hashed_fields

TABLES = ("audit_auditevent", "audit_auditcheckpoint")


def disable_append_only_triggers() -> None:
    """Remove the append-only triggers for the rest of the test."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            return
        for table in TABLES:
            for op in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER {table}_no_{op}")


def swap_sequences(first: int, second: int) -> None:
    """Exchange the sequence numbers of two events, reordering the chain."""
    AuditEvent.objects.filter(sequence=first).update(sequence=-1)
    AuditEvent.objects.filter(sequence=second).update(sequence=first)
    AuditEvent.objects.filter(sequence=-1).update(sequence=second)


def rewrite_chain_from(sequence: int, payload: dict[str, Any]) -> None:
    """Change one event's payload and recompute every later hash and the head.

    This is the rewrite that the chain alone cannot detect: every stored
    hash matches its fields again afterwards.
    """
    AuditEvent.objects.filter(sequence=sequence).update(payload=payload)
    previous = AuditEvent.objects.get(sequence=sequence - 1).event_hash
    later = AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence")
    for event in later:
        new_hash = compute_event_hash(previous, hashed_fields(event))
        AuditEvent.objects.filter(pk=event.pk).update(
            previous_hash=previous, event_hash=new_hash
        )
        previous = new_hash
    AuditChainHead.objects.update(event_hash=previous)

import pytest

from tocsin.audit.models import AuditEvent
from tocsin.audit.trail import (
    GENESIS_HASH,
    audit_batch,
    compute_event_hash,
    hashed_fields,
    record_audit_event,
)

pytestmark = pytest.mark.django_db


def test_first_event_chains_to_genesis() -> None:
    record_audit_event("incident.created", object_type="incident", object_id="i-1")

    event = AuditEvent.objects.get()
    assert event.previous_hash == GENESIS_HASH


def test_event_hash_covers_its_fields() -> None:
    record_audit_event("incident.created", object_type="incident", object_id="i-1")

    event = AuditEvent.objects.get()
    assert event.event_hash == compute_event_hash(GENESIS_HASH, hashed_fields(event))


def test_batch_writes_events_in_order_at_exit() -> None:
    with audit_batch():
        record_audit_event("a", object_type="t", object_id="1")
        record_audit_event("b", object_type="t", object_id="2")
        assert AuditEvent.objects.count() == 0

    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["a", "b"]


def test_batch_events_chain_to_each_other() -> None:
    with audit_batch():
        record_audit_event("a", object_type="t", object_id="1")
        record_audit_event("b", object_type="t", object_id="2")

    first, second = AuditEvent.objects.all()
    assert second.previous_hash == first.event_hash

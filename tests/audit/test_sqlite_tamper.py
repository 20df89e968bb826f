"""Tampering through a second, raw SQLite connection, as an intruder would."""

import sqlite3

import pytest
from django.db import connection

from tocsin.audit.signing import ensure_signing_key
from tocsin.audit.trail import audit_batch, record_audit_event
from tocsin.audit.verify import verify_trail


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_raw_connection_edit_is_named() -> None:
    ensure_signing_key()
    with audit_batch():
        for number in range(4):
            record_audit_event("test.event", object_type="t", object_id=str(number))
    database_file = connection.settings_dict["NAME"]
    raw = sqlite3.connect(database_file)
    [trigger_sql] = raw.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'audit_auditevent_no_update'"
    ).fetchone()
    try:
        raw.execute("DROP TRIGGER audit_auditevent_no_update")
        raw.execute("UPDATE audit_auditevent SET outcome = 'failed' WHERE sequence = 2")
        raw.commit()

        report = verify_trail()
    finally:
        raw.execute(trigger_sql)
        raw.commit()
        raw.close()

    assert report.first_broken_sequence == 2
    assert report.problems[0].message.startswith("audit event 2 was altered:")

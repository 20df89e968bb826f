"""Celery beat entries of the audit app, merged into ``CELERY_BEAT_SCHEDULE``.

A checkpoint every five minutes bounds how much of the trail's tail could be
rewritten without contradicting a signed checkpoint; the task skips a head
that has not moved, so an idle system adds no lines to the file.
"""

BEAT_SCHEDULE = {
    "audit-write-checkpoint": {
        "task": "tocsin.audit.write_audit_checkpoint",
        "schedule": 300.0,
    },
}

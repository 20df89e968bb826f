"""Celery tasks of the audit app."""

from celery import shared_task

from tocsin.audit.checkpoints import write_audit_checkpoint
from tocsin.celery import TocsinTask


@shared_task(base=TocsinTask, name="tocsin.audit.write_audit_checkpoint")
def write_audit_checkpoint_task() -> int | None:
    """Sign the chain head if it moved since the last checkpoint.

    Takes no arguments and skips an unchanged head, so a redelivered or
    overlapping run writes at most one extra checkpoint.
    """
    checkpoint = write_audit_checkpoint()
    return checkpoint.sequence if checkpoint else None

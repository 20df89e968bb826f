"""Recovering attempts that a dead worker left in ``sending``.

A worker claims an attempt (``pending`` to ``sending``) before it calls the
provider and records the result right after. If the worker dies in
between, there is no record of whether the message went out, so the
attempt must be marked in doubt and listed for an operator, never sent
again.

The claim token names the claiming process: an 8-hex-digit hash of the
host name, the process id in 8 hex digits, and 16 random hex digits. When
a worker starts, and whenever ``notify`` runs, attempts claimed by a
process on this host that no longer exists are marked in doubt at once.
Claims from other hosts, or whose process id was reused, wait for the
lease in ``outbox.mark_stale_attempts_in_doubt`` instead.
"""

import hashlib
import logging
import os
import secrets
import socket
from typing import Any

from celery.signals import worker_ready
from django.db import transaction
from django.utils import timezone

from tocsin.audit.trail import audit_batch, record_audit_event
from tocsin.delivery.models import DeliveryAttempt, Notice

logger = logging.getLogger(__name__)


def _host_hash() -> str:
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def new_claim_token() -> str:
    """Return a 32-character claim token naming this host and process."""
    return f"{_host_hash()}{os.getpid():08x}"[:16] + secrets.token_hex(8)


def is_claim_orphaned(token: str) -> bool:
    """Return True if the token's process ran on this host and has exited.

    Tokens from other hosts, and tokens in an older format, return False:
    without a way to check those processes, only the lease applies.
    """
    if len(token) != 32 or token[:8] != _host_hash():
        return False
    try:
        pid = int(token[8:16], 16)
    except ValueError:
        return False
    return not _is_process_alive(pid)


def _is_process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by another user
    return True


def mark_orphaned_attempts_in_doubt() -> int:
    """Mark attempts claimed by exited processes on this host as in doubt.

    Returns the number marked. Each attempt is updated only while it is
    still ``sending`` under the same claim, so a claim that finished in the
    meantime is left alone.
    """
    sending = DeliveryAttempt.objects.filter(status=DeliveryAttempt.Status.SENDING)
    tokens = set(sending.values_list("claim_token", flat=True).distinct())
    orphaned = [token for token in tokens if is_claim_orphaned(token)]
    marked = 0
    for token in orphaned:
        marked += _mark_claim_in_doubt(token)
    if marked:
        logger.warning(
            "orphaned delivery attempts marked in doubt",
            extra={"count": marked, "claims": len(orphaned)},
        )
    return marked


def _mark_claim_in_doubt(token: str) -> int:
    with transaction.atomic(), audit_batch():
        attempts = list(
            DeliveryAttempt.objects.select_for_update(of=("self",))
            .select_related("notice")
            .filter(status=DeliveryAttempt.Status.SENDING, claim_token=token)
        )
        now = timezone.now()
        for attempt in attempts:
            attempt.status = DeliveryAttempt.Status.IN_DOUBT
            attempt.finished_at = now
            attempt.error_code = "worker-lost"
            record_audit_event(
                "delivery.in_doubt",
                object_type="delivery_attempt",
                object_id=attempt.pk,
                incident_ref=attempt.notice.incident_id,
                outcome="in_doubt",
                payload={
                    "channel": attempt.channel,
                    "key": attempt.idempotency_key,
                    "reason": "worker-lost",
                },
            )
        DeliveryAttempt.objects.bulk_update(
            attempts, ["status", "finished_at", "error_code"]
        )
        notice_ids = [attempt.notice_id for attempt in attempts]
        Notice.objects.filter(pk__in=notice_ids).update(status=Notice.Status.IN_DOUBT)
    return len(attempts)


@worker_ready.connect
def recover_on_worker_start(**kwargs: Any) -> None:
    """Mark attempts left by dead workers on this host as in doubt."""
    mark_orphaned_attempts_in_doubt()

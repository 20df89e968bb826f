"""Celery tasks that purge vaults whose retention window has ended.

Both take ids only, so the broker never receives contact details, and both can
run twice safely: a purge resumes or reports that it is already done.
"""

import logging
import uuid

from celery import shared_task
from django.db import transaction

from tocsin.celery import TocsinTask
from tocsin.incidents.models import Incident
from tocsin.vault.errors import KeyProviderUnavailable
from tocsin.vault.purge import expired_incident_ids, purge_incident_vault

logger = logging.getLogger(__name__)


@shared_task(base=TocsinTask, name="tocsin.vault.purge_expired_vaults")
def purge_expired_vaults() -> int:
    """Enqueue one purge per incident past its retention; return how many."""
    expired = expired_incident_ids()
    for incident_id in expired:
        transaction.on_commit(
            lambda incident_id=incident_id: purge_vault.delay(str(incident_id))
        )
    if expired:
        logger.info("expired vaults found", extra={"count": len(expired)})
    return len(expired)


@shared_task(
    base=TocsinTask,
    name="tocsin.vault.purge_vault",
    autoretry_for=(KeyProviderUnavailable,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    # The next beat run enqueues the purge again, so a day of retries is
    # enough to ride out a database or KMS outage.
    max_retries=24,
)
def purge_vault(incident_id: str) -> None:
    """Purge one incident's vault if its retention has ended."""
    incident = Incident.objects.filter(pk=uuid.UUID(incident_id)).first()
    if incident is None:
        logger.warning(
            "purge skipped, incident not found", extra={"incident_id": incident_id}
        )
        return
    if incident.status == Incident.Status.PURGED:
        logger.info("purge already complete", extra={"incident_id": incident_id})
        return
    if incident.pk not in expired_incident_ids():
        logger.warning(
            "purge skipped, retention not ended", extra={"incident_id": incident_id}
        )
        return
    purge_incident_vault(incident)

"""The vault's Celery beat entries, merged into ``CELERY_BEAT_SCHEDULE``."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Hourly, so a vault outlives its retention window by at most an hour
    # plus the purge's own run time.
    "vault-purge-expired": {
        "task": "tocsin.vault.purge_expired_vaults",
        "schedule": crontab(minute=17),
    },
}

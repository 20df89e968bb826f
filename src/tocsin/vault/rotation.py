"""Master key rotation: rewrap every data key without re-encrypting data.

Only the small wrapped keys change; contacts stay as they are. Each wrapped
key row records the id of the master key that wrapped it, and rows are
rewrapped one per transaction, so a rotation stopped anywhere continues
where it stopped when run again.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from tocsin.audit.trail import record_audit_event
from tocsin.vault.keys import KeyProvider, get_key_provider
from tocsin.vault.models import DataKey, InstallationKey
from tocsin.vault.store import (
    clear_key_caches,
    data_key_context,
    installation_key_context,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RotationReport:
    """The outcome of one ``rotate_master_key`` run."""

    master_key_id: str  # the current master key after the run
    started_new_key: bool  # False when the run resumed an earlier rotation
    rewrapped: int
    remaining: int  # rows still wrapped under an older key; 0 when complete
    discarded_key_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class KeyStatus:
    """Counts of stored keys per master key, for ``tocsin keys status``."""

    provider: str
    current_key_id: str
    data_keys_by_master_key: dict[str, int]
    destroyed_data_keys: int
    installation_keys_by_master_key: dict[str, int]

    @property
    def stale_count(self) -> int:
        """Number of wrapped keys not under the current master key."""
        everything = list(self.data_keys_by_master_key.items()) + list(
            self.installation_keys_by_master_key.items()
        )
        return sum(n for key, n in everything if key != self.current_key_id)


def _live_data_keys() -> QuerySet[DataKey]:
    return DataKey.objects.filter(destroyed_at__isnull=True)


def _counts(queryset: QuerySet) -> dict[str, int]:
    rows = queryset.values("master_key_id").annotate(count=Count("pk"))
    return {row["master_key_id"]: row["count"] for row in rows}


def key_status() -> KeyStatus:
    """Return the current master key id and what each master key wraps."""
    provider = get_key_provider()
    return KeyStatus(
        provider=type(provider).__name__,
        current_key_id=provider.current_key_id(),
        data_keys_by_master_key=_counts(_live_data_keys()),
        destroyed_data_keys=DataKey.objects.filter(destroyed_at__isnull=False).count(),
        installation_keys_by_master_key=_counts(InstallationKey.objects.all()),
    )


def _stale_count(current_id: str) -> int:
    data_keys = _live_data_keys().exclude(master_key_id=current_id).count()
    installation = InstallationKey.objects.exclude(master_key_id=current_id).count()
    return data_keys + installation


def _rewrap_data_key(row_id: int, provider: KeyProvider, current_id: str) -> bool:
    with transaction.atomic():
        row = DataKey.objects.select_for_update().get(pk=row_id)
        if row.is_destroyed or row.master_key_id == current_id:
            return False
        for column, purpose in (
            ("wrapped_data_key", b"data"),
            ("wrapped_index_key", b"index"),
        ):
            context = data_key_context(row.incident_id, purpose)
            key = provider.unwrap(
                bytes(getattr(row, column)), row.master_key_id, context
            )
            wrapped, key_id = provider.wrap(key, context)
            setattr(row, column, wrapped)
        row.master_key_id = key_id
        row.rewrapped_at = timezone.now()
        row.save(
            update_fields=[
                "wrapped_data_key",
                "wrapped_index_key",
                "master_key_id",
                "rewrapped_at",
            ]
        )
    return True


def _rewrap_installation_key(
    row_id: int, provider: KeyProvider, current_id: str
) -> bool:
    with transaction.atomic():
        row = InstallationKey.objects.select_for_update().get(pk=row_id)
        if row.master_key_id == current_id:
            return False
        context = installation_key_context(row.name)
        key = provider.unwrap(bytes(row.wrapped_key), row.master_key_id, context)
        row.wrapped_key, row.master_key_id = provider.wrap(key, context)
        row.rewrapped_at = timezone.now()
        row.save(update_fields=["wrapped_key", "master_key_id", "rewrapped_at"])
    return True


def rotate_master_key() -> RotationReport:
    """Make a new master key current and rewrap every stored key under it.

    When keys are still wrapped under an older master key (an earlier
    rotation stopped, or TOCSIN_MASTER_KEY was changed by hand), the run
    finishes rewrapping them instead of making yet another key. Retired
    master keys are deleted once nothing is wrapped under them.
    """
    provider = get_key_provider()
    current_id = provider.current_key_id()
    started_new_key = _stale_count(current_id) == 0
    if started_new_key:
        current_id = provider.rotate()
    stale_data = _live_data_keys().exclude(master_key_id=current_id)
    stale_installation = InstallationKey.objects.exclude(master_key_id=current_id)
    rewrapped = 0
    for row_id in list(stale_data.values_list("pk", flat=True)):
        rewrapped += _rewrap_data_key(row_id, provider, current_id)
    for row_id in list(stale_installation.values_list("pk", flat=True)):
        rewrapped += _rewrap_installation_key(row_id, provider, current_id)
    clear_key_caches()
    remaining = _stale_count(current_id)
    discarded = []
    if remaining == 0:
        in_use = set(_counts(_live_data_keys())) | set(_counts(InstallationKey.objects))
        discarded = provider.discard_retired(in_use)
    report = RotationReport(
        current_id, started_new_key, rewrapped, remaining, discarded
    )
    _record_rotation(report)
    return report


def _record_rotation(report: RotationReport) -> None:
    record_audit_event(
        "vault.master_key_rotated",
        object_type="master_key",
        object_id=report.master_key_id,
        outcome="ok" if report.remaining == 0 else "incomplete",
        payload={
            "started_new_key": report.started_new_key,
            "rewrapped": report.rewrapped,
            "remaining": report.remaining,
            "discarded_key_ids": report.discarded_key_ids,
        },
    )
    logger.info(
        "master key rotation finished",
        extra={
            "master_key_id": report.master_key_id,
            "rewrapped": report.rewrapped,
            "remaining": report.remaining,
        },
    )

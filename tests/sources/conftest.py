from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tocsin.incidents.models import Incident
from tocsin.sources import jobs
from tocsin.vault.store import clear_key_caches


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    clear_key_caches()
    yield
    for run_id in list(jobs._connectors):
        jobs.forget_connector(run_id)
    clear_key_caches()


@pytest.fixture(autouse=True)
def fast_retries(settings: pytest.FixtureRequest) -> None:
    settings.TOCSIN_SOURCE_BACKOFF_BASE = 0.01
    settings.TOCSIN_SOURCE_BACKOFF_MAX = 0.05
    settings.TOCSIN_SOURCE_BREAKER_COOLDOWN = 0.05


@pytest.fixture
def incident(db: None) -> Incident:
    return Incident.objects.create(
        name="Checkout skimmer", discovered_at=datetime(2026, 11, 1, tzinfo=UTC)
    )

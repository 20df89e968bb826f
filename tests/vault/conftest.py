from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from tocsin.incidents.models import Incident
from tocsin.vault.records import ContactRecord, Provenance
from tocsin.vault.store import clear_key_caches

AS_OF = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_key_caches() -> Iterator[None]:
    clear_key_caches()
    yield
    clear_key_caches()


@pytest.fixture
def incident(db: None) -> Incident:
    return Incident.objects.create(
        name="Checkout skimmer", discovered_at=datetime(2026, 11, 1, tzinfo=UTC)
    )


def make_record(number: int = 1, **fields: str) -> ContactRecord:
    values = {
        "customer_id": f"C-{number:06d}",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": f"ada{number}@example.com",
        "phone": f"+1555010{number % 100:02d}",
        "address1": f"{number} Example Street",
        "city": "Springfield",
        "province_code": "IL",
        "postal_code": "62701",
        "country_code": "US",
    }
    values.update(fields)
    provenance = Provenance(
        source="shopify-export",
        source_object="customers.csv",
        source_record_id=f"row-{number}",
        as_of=AS_OF,
    )
    return ContactRecord(provenance=provenance, **values)


@pytest.fixture
def record_factory() -> Callable[..., ContactRecord]:
    return make_record

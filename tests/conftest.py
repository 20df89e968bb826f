from datetime import UTC, datetime
from pathlib import Path

import pytest

from tocsin.incidents.models import CompanyProfile, Incident

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"


@pytest.fixture
def incident(db: None) -> Incident:
    return Incident.objects.create(
        name="Checkout skimmer",
        discovered_at=datetime(2026, 11, 20, 20, 30, tzinfo=UTC),
        timezone_name="America/Chicago",
        exposed_elements=["name", "email", "card_number", "card_security_code"],
    )


@pytest.fixture
def company(db: None) -> CompanyProfile:
    return CompanyProfile.objects.create()


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path

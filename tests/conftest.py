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


def confirm_company() -> CompanyProfile:
    """Return the company profile, reviewed as an operator would."""
    from django.utils import timezone

    profile = CompanyProfile.objects.first() or CompanyProfile()
    profile.confirmed_at = timezone.now()
    profile.save()
    return profile


def complete_handoff(incident: Incident) -> None:
    """Open and complete the hand-off checklist, as responders would."""
    from tocsin.compliance.choices import HandoffItemCode
    from tocsin.compliance.handoff import complete_handoff_item, start_handoff

    start_handoff(str(incident.pk), actor="test-responder")
    for code in HandoffItemCode.values:
        decision = "not_requested" if code == "law_enforcement_delay" else ""
        complete_handoff_item(
            str(incident.pk), code, actor="test-responder", decision=decision
        )


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path

"""Synthetic incidents, people and users for the console tests."""

from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import Group, User

from tocsin.assessment.models import AssessmentRun, Obligation
from tocsin.console.roles import ROLES
from tocsin.incidents.models import Incident
from tocsin.reconciliation.models import AffectedPerson
from tocsin.vault.records import ContactRecord, Provenance
from tocsin.vault.store import store_contacts

PASSWORD = "correct horse battery staple 7"
AS_OF = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
# A value planted in a contact so tests can check where it shows up.
MARKER_EMAIL = "marker.ada.0107@example.com"


def make_user(username: str, *roles: str, password: str | None = PASSWORD) -> User:
    """Create an active user in the given role groups.

    Groups are created here too: transactional tests flush the rows the
    data migration made. ``password=None`` skips Argon2 hashing, which
    costs about a tenth of a second, for users signed in with force_login.
    """
    user = User.objects.create_user(username, password=password)
    for role in roles:
        assert role in ROLES
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    return user


def make_record(number: int, **fields: str) -> ContactRecord:
    """Return a synthetic contact: example.com email, 555-01xx phone."""
    values = {
        "customer_id": f"C-{number:06d}",
        "first_name": "Ada",
        "last_name": f"Tester{number}",
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


def make_incident(name: str = "Checkout skimmer") -> Incident:
    """Create an incident discovered on 2026-11-20."""
    return Incident.objects.create(
        name=name,
        discovered_at=datetime(2026, 11, 20, 20, 30, tzinfo=UTC),
        timezone_name="America/Chicago",
        exposed_elements=["name", "email", "card_number", "card_security_code"],
    )


def add_people(incident: Incident, count: int) -> list[AffectedPerson]:
    """Store ``count`` contacts in the vault and make each an affected person.

    The first contact carries ``MARKER_EMAIL``.
    """
    records = [make_record(1, email=MARKER_EMAIL)]
    records += [make_record(number) for number in range(2, count + 1)]
    contacts = store_contacts(incident, records[:count])
    return [
        AffectedPerson.objects.create(
            incident=incident,
            contact=contact,
            residence=contact.residence,
            exposed_elements=["name", "email", "card_number"],
        )
        for contact in contacts
    ]


def add_obligations(
    incident: Incident, people: list[AffectedPerson], deadline: datetime
) -> AssessmentRun:
    """Create an assessment run owing each person a notice by ``deadline``."""
    run = AssessmentRun.objects.create(incident=incident, people_count=len(people))
    for person in people:
        Obligation.objects.create(
            run=run,
            person=person,
            jurisdiction_id="US-IL",
            law_id="US-IL",
            is_owed=True,
            reason="name with card number and security code",
            deadline=deadline,
            citation="815 ILCS 530/10",
            law_version="2026.1",
            law_sha256="0" * 64,
        )
    return run


def hours_from(moment: datetime, hours: float) -> datetime:
    """Return ``moment`` moved by ``hours``."""
    return moment + timedelta(hours=hours)

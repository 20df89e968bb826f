import uuid
from datetime import UTC, datetime

import pytest

from tests.vault.conftest import AS_OF, make_record
from tocsin.incidents.models import Incident
from tocsin.vault.models import Contact, DataKey
from tocsin.vault.records import ContactRecord, Provenance
from tocsin.vault.store import (
    blind_index,
    find_contacts,
    open_contact,
    open_contacts,
    person_reference,
    store_contacts,
)

pytestmark = pytest.mark.django_db


def test_stored_contact_opens_to_same_record(incident: Incident) -> None:
    record = make_record(1, company="Example Retail", extra={"tier": "gold"})

    (contact,) = store_contacts(incident, [record])

    opened = open_contact(Contact.objects.get(pk=contact.pk))
    assert opened == record
    assert opened.extra == {"tier": "gold"}


def test_open_contacts_returns_records_by_id(incident: Incident) -> None:
    records = [make_record(n) for n in range(5)]
    stored = store_contacts(incident, records)

    opened = open_contacts(Contact.objects.filter(incident=incident))

    expected = {c.id: record for c, record in zip(stored, records, strict=True)}
    assert opened == expected


def test_store_creates_one_data_key_per_incident(incident: Incident) -> None:
    store_contacts(incident, [make_record(1)])
    store_contacts(incident, [make_record(2)])

    assert DataKey.objects.filter(incident=incident).count() == 1


def test_provenance_survives_round_trip(incident: Incident) -> None:
    (contact,) = store_contacts(incident, [make_record(7)])

    opened = open_contact(Contact.objects.get(pk=contact.pk))

    assert opened.provenance == Provenance(
        "shopify-export", "customers.csv", "row-7", AS_OF
    )


def test_empty_fields_open_as_empty_strings(incident: Incident) -> None:
    provenance = Provenance("crm", "Lead", "00Q1", AS_OF)
    record = ContactRecord(provenance=provenance, email="only@example.com")

    (contact,) = store_contacts(incident, [record])

    assert open_contact(Contact.objects.get(pk=contact.pk)) == record


def test_stored_row_holds_no_plaintext_details(incident: Incident) -> None:
    (contact,) = store_contacts(incident, [make_record(3)])

    blob = bytes(Contact.objects.get(pk=contact.pk).encrypted_fields)

    assert b"ada3@example.com" not in blob
    assert b"Lovelace" not in blob
    assert b"Example Street" not in blob


def test_derived_columns_describe_the_contact(incident: Incident) -> None:
    record = make_record(1, country_code="CA", province_code="CA-ON", phone="")

    (contact,) = store_contacts(incident, [record])

    saved = Contact.objects.get(pk=contact.pk)
    assert saved.residence == "CA-ON"
    assert saved.has_email is True
    assert saved.has_phone is False
    assert saved.has_postal_address is True


@pytest.mark.parametrize(
    ("country", "province", "residence"),
    [
        ("US", "CA", "US-CA"),
        ("us", "us-ny", "US-NY"),
        ("US", "", "US"),
        ("DE", "BY", "DE"),
        ("GB", "", "GB"),
        ("", "ON", ""),
        ("Germany", "", ""),
    ],
)
def test_residence_derivation(
    incident: Incident, country: str, province: str, residence: str
) -> None:
    record = make_record(1, country_code=country, province_code=province)

    (contact,) = store_contacts(incident, [record])

    assert Contact.objects.get(pk=contact.pk).residence == residence


def test_find_by_email_ignores_case_and_spaces(incident: Incident) -> None:
    stored = store_contacts(incident, [make_record(1), make_record(2)])

    found = list(find_contacts(incident, email="  ADA2@Example.COM "))

    assert found == [Contact.objects.get(pk=stored[1].pk)]


def test_find_by_phone_ignores_punctuation(incident: Incident) -> None:
    stored = store_contacts(incident, [make_record(1, phone="+15550100123")])

    found = list(find_contacts(incident, phone="+1 (555) 010-0123"))

    assert [contact.pk for contact in found] == [stored[0].pk]


def test_find_by_customer_id_and_email_needs_both(incident: Incident) -> None:
    store_contacts(incident, [make_record(1), make_record(2)])

    both = find_contacts(incident, customer_id="C-000001", email="ada1@example.com")
    mixed = find_contacts(incident, customer_id="C-000001", email="ada2@example.com")

    assert both.count() == 1
    assert mixed.count() == 0


def test_find_with_empty_value_matches_nothing(incident: Incident) -> None:
    store_contacts(incident, [make_record(1, phone="")])

    assert find_contacts(incident, phone="").count() == 0


def test_find_in_incident_without_vault_matches_nothing(incident: Incident) -> None:
    assert find_contacts(incident, email="ada1@example.com").count() == 0


def test_find_without_criteria_raises(incident: Incident) -> None:
    with pytest.raises(ValueError) as raised:
        find_contacts(incident)

    assert str(raised.value) == "find_contacts needs email, phone or customer_id"


def test_blind_index_differs_between_incidents(incident: Incident) -> None:
    other = Incident.objects.create(
        name="Second", discovered_at=datetime(2026, 11, 3, tzinfo=UTC)
    )

    first = blind_index(incident, "email", "ada1@example.com")
    second = blind_index(other, "email", "ada1@example.com")

    assert first != second
    assert len(first) == 64


def test_blind_index_matches_stored_index(incident: Incident) -> None:
    (contact,) = store_contacts(incident, [make_record(4)])

    index = blind_index(incident, "customer_id", " C-000004 ")

    assert Contact.objects.get(pk=contact.pk).customer_id_index == index


def test_blind_index_rejects_unknown_kind(incident: Incident) -> None:
    with pytest.raises(ValueError) as raised:
        blind_index(incident, "name", "Ada")

    assert str(raised.value) == (
        "unknown blind index kind 'name'; use one of"
        " ('email', 'phone', 'customer_id', 'source_record_id')"
    )


def test_source_record_id_stored_as_blind_index(incident: Incident) -> None:
    (contact,) = store_contacts(incident, [make_record(5)])

    saved = Contact.objects.get(pk=contact.pk)

    assert saved.source_record_id == blind_index(incident, "source_record_id", "row-5")
    assert open_contact(saved).provenance.source_record_id == "row-5"


def test_person_reference_is_stable_and_keyed() -> None:
    first = person_reference("Ada1@example.com ")
    second = person_reference("ada1@example.com")

    assert first == second
    assert len(first) == 64
    assert first != person_reference("ada2@example.com")


def test_store_returns_contacts_with_ids(incident: Incident) -> None:
    stored = store_contacts(incident, (make_record(n) for n in range(3)))

    assert all(isinstance(contact.id, uuid.UUID) for contact in stored)
    assert Contact.objects.filter(incident=incident).count() == 3


def test_record_repr_names_fields_without_values() -> None:
    record = make_record(5)

    text = repr(record)

    assert "ada5@example.com" not in text
    assert "Lovelace" not in text
    assert "email" in text
    assert "row-5" in text

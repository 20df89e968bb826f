import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.vault.conftest import AS_OF
from tocsin.incidents.models import Incident
from tocsin.vault import crypto
from tocsin.vault.models import Contact
from tocsin.vault.records import PERSONAL_FIELDS, ContactRecord, Provenance
from tocsin.vault.store import find_contacts, open_contact, store_contacts

KEYS = crypto.make_incident_keys(uuid.uuid4(), b"\x01" * 32, b"\x02" * 32)

# Any code point, lone surrogates included: sources hand over what they read.
any_text = st.text(st.characters(codec=None), max_size=60)
field_values = st.dictionaries(st.sampled_from(list(crypto.FIELD_CODES)), any_text)


@given(values=field_values, contact_id=st.uuids())
def test_sealed_fields_open_to_same_values(values: dict, contact_id) -> None:
    present = {name: value for name, value in values.items() if value}

    blob = crypto.seal_fields(KEYS, contact_id, present)

    assert crypto.open_fields(KEYS, contact_id, blob) == present


@given(email=any_text)
def test_email_normalization_is_idempotent(email: str) -> None:
    once = crypto.normalize_email(email)

    assert crypto.normalize_email(once) == once


@given(phone=any_text)
def test_phone_normalization_is_idempotent(phone: str) -> None:
    once = crypto.normalize_phone(phone)

    assert crypto.normalize_phone(once) == once


records = st.builds(
    ContactRecord,
    provenance=st.just(Provenance("crm", "Contact", "003", AS_OF)),
    extra=st.dictionaries(any_text, any_text, max_size=3),
    **{name: any_text for name in PERSONAL_FIELDS},
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(record=records)
def test_stored_record_round_trips_any_unicode(
    incident: Incident, record: ContactRecord
) -> None:
    (contact,) = store_contacts(incident, [record])

    opened = open_contact(Contact.objects.get(pk=contact.pk))

    assert opened == record
    assert opened.extra == record.extra


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(email=any_text.filter(lambda value: value.strip()))
def test_stored_email_is_found_by_its_index(incident: Incident, email: str) -> None:
    provenance = Provenance("crm", "Contact", "1", AS_OF)
    record = ContactRecord(provenance=provenance, email=email)
    (contact,) = store_contacts(incident, [record])

    found = find_contacts(incident, email=f" {email.lower()} ")

    assert contact.pk in set(found.values_list("pk", flat=True))

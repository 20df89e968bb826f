from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tocsin.sources.normalize import normalize_contact, state_for_zip
from tocsin.vault.records import ContactRecord, Provenance

PROVENANCE = Provenance("crm", "Contact", "003A", datetime(2026, 1, 1, tzinfo=UTC))


def contact(**fields: str) -> ContactRecord:
    return ContactRecord(provenance=PROVENANCE, **fields)


def test_email_domain_is_lower_cased() -> None:
    record, warnings = normalize_contact(contact(email=" Ann.Lee@Example.COM "))

    assert record.email == "Ann.Lee@example.com"
    assert warnings == []


def test_internationalized_email_is_kept_in_unicode() -> None:
    record, warnings = normalize_contact(contact(email="josé@Exämple.com"))

    assert record.email == "josé@exämple.com"
    assert warnings == []


def test_invalid_email_is_kept_with_a_warning_naming_only_the_field() -> None:
    record, warnings = normalize_contact(contact(email="ann.lee@@example.com"))

    assert record.email == "ann.lee@@example.com"
    assert warnings == ["email: invalid address, kept as given"]


def test_us_phone_becomes_e164() -> None:
    record, _ = normalize_contact(contact(phone="(212) 555-0123", country_code="US"))

    assert record.phone == "+12125550123"


def test_phone_is_read_in_the_record_country() -> None:
    record, _ = normalize_contact(contact(phone="020 7946 0958", country_code="GB"))

    assert record.phone == "+442079460958"


def test_local_only_phone_is_kept_with_a_warning() -> None:
    record, warnings = normalize_contact(contact(phone="555-0100", country_code="US"))

    assert record.phone == "555-0100"
    assert warnings == ["phone: incomplete number, kept as given"]


def test_country_name_becomes_iso_code() -> None:
    record, _ = normalize_contact(contact(country_code="United States"))

    assert record.country_code == "US"


def test_state_is_derived_from_zip_when_missing() -> None:
    record, warnings = normalize_contact(
        contact(address1="1 Main St", postal_code="62701", country_code="US")
    )

    assert record.province_code == "IL"
    assert warnings == ["province_code: derived from postal_code"]


def test_state_name_becomes_state_code() -> None:
    record, warnings = normalize_contact(
        contact(province_code="Texas", postal_code="75001", country_code="US")
    )

    assert record.province_code == "TX"
    assert warnings == []


def test_zip_missing_its_leading_zero_is_restored() -> None:
    record, warnings = normalize_contact(contact(postal_code="2134", country_code="US"))

    assert record.postal_code == "02134"
    assert record.province_code == "MA"
    assert "postal_code: restored a leading zero" in warnings


def test_one_line_us_address_is_split_into_fields() -> None:
    record, _ = normalize_contact(
        contact(address1="123 Main St Apt 4, Springfield, IL 62701", country_code="US")
    )

    assert record.address1 == "123 Main St Apt 4"
    assert record.city == "Springfield"
    assert record.province_code == "IL"
    assert record.postal_code == "62701"


def test_state_that_contradicts_zip_is_kept_with_a_warning() -> None:
    record, warnings = normalize_contact(
        contact(province_code="CA", postal_code="62701", country_code="US")
    )

    assert record.province_code == "CA"
    assert warnings == ["province_code: does not match postal_code"]


def test_country_is_assumed_us_from_a_zip_code() -> None:
    record, warnings = normalize_contact(contact(postal_code="94105-1234"))

    assert record.country_code == "US"
    assert record.province_code == "CA"
    assert "country_code: assumed US from postal_code" in warnings


@pytest.mark.parametrize(
    ("zip_code", "state"),
    [("00501", "NY"), ("10001", "NY"), ("33101", "FL"), ("99501", "AK"),
     ("09001", ""), ("96201", ""), ("abcde", "")],
)  # fmt: skip
def test_state_for_zip_uses_the_zip3_table(zip_code: str, state: str) -> None:
    assert state_for_zip(zip_code) == state


@pytest.mark.parametrize(
    "email",
    ["Ann.Lee@Example.COM", "o'brien+tag@example.org", "x@sub.Example.co.uk",
     "josé@exämple.com", "a@b", "a..b@example.com", "ann@localhost",
     "ann@-example.com", "ann@example..com", "user@[127.0.0.1]"],
)  # fmt: skip
def test_email_fast_path_matches_email_validator(email: str) -> None:
    from email_validator import EmailNotValidError, validate_email

    try:
        expected = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = email

    record, _ = normalize_contact(contact(email=email))

    assert record.email == expected


@settings(max_examples=300, deadline=None)
@given(
    email=st.text(max_size=40),
    phone=st.text(alphabet="0123456789+-() x", max_size=20),
    postal_code=st.text(alphabet="0123456789- ABC", max_size=12),
    country=st.sampled_from(["", "US", "us", "GB", "United States", "Narnia"]),
    state=st.sampled_from(["", "IL", "Texas", "ZZ"]),
    address=st.text(max_size=50),
)
def test_normalizing_twice_changes_nothing_more(
    email: str, phone: str, postal_code: str, country: str, state: str, address: str
) -> None:
    once, _ = normalize_contact(
        contact(
            email=email,
            phone=phone,
            postal_code=postal_code,
            country_code=country,
            province_code=state,
            address1=address,
        )
    )

    twice, _ = normalize_contact(once)

    assert twice == once

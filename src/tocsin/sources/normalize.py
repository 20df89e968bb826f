"""Normalization of contact fields as they come out of a source.

Every connector passes its records through ``normalize_contact`` before they
reach the vault, so the same person looks the same whichever source they came
from: reconciliation matches on exact keys first, and a phone number written
three ways would not match itself.

Warnings name the field and the problem, never the value, because they end up
in logs and extraction reports.
"""

import csv
import re
from bisect import bisect_right
from dataclasses import replace
from functools import cache, lru_cache
from importlib import resources

import phonenumbers
import usaddress
from email_validator import EmailNotValidError, validate_email

from tocsin.vault.records import ContactRecord

DEFAULT_REGION = "US"

# Country names and codes that shops write instead of ISO 3166-1 alpha-2.
COUNTRY_ALIASES = {
    "USA": "US",
    "UNITED STATES": "US",
    "UNITED STATES OF AMERICA": "US",
    "U.S.": "US",
    "U.S.A.": "US",
    "CANADA": "CA",
    "UK": "GB",
    "UNITED KINGDOM": "GB",
    "GREAT BRITAIN": "GB",
    "GERMANY": "DE",
    "DEUTSCHLAND": "DE",
    "FRANCE": "FR",
    "MEXICO": "MX",
    "AUSTRALIA": "AU",
}

US_STATE_NAMES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR",
    "CALIFORNIA": "CA", "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE",
    "DISTRICT OF COLUMBIA": "DC", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN",
    "IOWA": "IA", "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA",
    "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA", "MICHIGAN": "MI",
    "MINNESOTA": "MN", "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT",
    "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ",
    "NEW MEXICO": "NM", "NEW YORK": "NY", "NORTH CAROLINA": "NC",
    "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR",
    "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC",
    "SOUTH DAKOTA": "SD", "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT",
    "VERMONT": "VT", "VIRGINIA": "VA", "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
    "PUERTO RICO": "PR", "GUAM": "GU", "VIRGIN ISLANDS": "VI",
}  # fmt: skip
US_STATE_CODES = frozenset(US_STATE_NAMES.values())

_US_ZIP = re.compile(r"^(\d{5})(?:-?(\d{4}))?$")


@cache
def _zip3_ranges() -> tuple[list[int], list[tuple[int, str]]]:
    starts: list[int] = []
    ranges: list[tuple[int, str]] = []
    text = resources.files("tocsin.sources").joinpath("data/zip3_state.csv")
    lines = [ln for ln in text.read_text().splitlines() if not ln.startswith("#")]
    for row in csv.DictReader(lines):
        starts.append(int(row["start"]))
        ranges.append((int(row["end"]), row["state"]))
    return starts, ranges


def state_for_zip(postal_code: str) -> str:
    """Return the US state code that a ZIP code's first three digits belong to.

    Returns "" for military, unassigned or malformed codes, so a caller never
    gets a guessed state for an address it cannot place.
    """
    match = _US_ZIP.match(postal_code.strip())
    if not match:
        return ""
    prefix = int(match.group(1)[:3])
    starts, ranges = _zip3_ranges()
    index = bisect_right(starts, prefix) - 1
    if index < 0:
        return ""
    end, state = ranges[index]
    return state if prefix <= end else ""


# RFC 5322 dot-atom with ASCII characters only, which email-validator
# accepts unchanged.
_ASCII_LOCAL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
)


@lru_cache(maxsize=4096)
def _normalized_domain(domain: str) -> str | None:
    """Return the normalized domain of an address, or None if invalid."""
    try:
        return validate_email("a@" + domain, check_deliverability=False).domain
    except EmailNotValidError:
        return None


def normalize_email(email: str) -> tuple[str, list[str]]:
    """Return the email with its domain normalized, plus any warnings.

    Internationalized addresses are kept in Unicode (SMTPUTF8). An invalid
    address is kept as given, stripped, with a warning: forensic output may
    hold the same malformed string, and dropping it would lose the match.
    """
    email = email.strip()
    if not email:
        return "", []
    local, at, domain = email.rpartition("@")
    if at and len(local) <= 64 and len(email) <= 254 and _ASCII_LOCAL.fullmatch(local):
        # A plain ASCII local part needs no normalization, and checking the
        # domain once per domain (not once per address) halves the time
        # spent on a page of customers.
        normalized_domain = _normalized_domain(domain)
        if normalized_domain is not None:
            return f"{local}@{normalized_domain}", []
    try:
        result = validate_email(email, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return email, ["email: invalid address, kept as given"]
    return result.normalized, []


def normalize_country(country: str) -> tuple[str, list[str]]:
    """Return an ISO 3166-1 alpha-2 code for a country code or common name."""
    value = country.strip().upper()
    if not value:
        return "", []
    if len(value) == 2 and value.isalpha():
        return value, []
    if value in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[value], []
    return country.strip(), ["country_code: unknown country, kept as given"]


def normalize_phone(phone: str, country_code: str) -> tuple[str, list[str]]:
    """Return the phone number in E.164, read in the record's country.

    Numbers without a country prefix are read as numbers of ``country_code``
    (the United States when the record has none). A number that is too short
    to dial from abroad, such as a seven-digit local number, is kept as given
    with a warning instead of being turned into a wrong E.164 string.
    """
    phone = phone.strip()
    if not phone:
        return "", []
    region = country_code if len(country_code) == 2 else DEFAULT_REGION
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return phone, ["phone: not a phone number, kept as given"]
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return phone, ["phone: incomplete number, kept as given"]
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), []


def _split_one_line_address(record: ContactRecord) -> tuple[dict[str, str], list[str]]:
    """Return city, state and ZIP parsed out of a one-line US address."""
    try:
        parts, kind = usaddress.tag(record.address1)
    except usaddress.RepeatedLabelError:
        return {}, ["address1: could not parse the street address"]
    found = {
        "city": parts.get("PlaceName", ""),
        "province_code": parts.get("StateName", ""),
        "postal_code": parts.get("ZipCode", ""),
    }
    if not any(found.values()):
        return {}, []
    street_labels = [
        label
        for label in parts
        if label not in ("PlaceName", "StateName", "ZipCode", "CountryName")
    ]
    found["address1"] = " ".join(parts[label] for label in street_labels)
    return {key: value for key, value in found.items() if value}, []


def _normalize_us_address(record: ContactRecord) -> tuple[dict[str, str], list[str]]:
    changes: dict[str, str] = {}
    warnings: list[str] = []
    if record.address1 and not (record.city and record.postal_code):
        parsed, parse_warnings = _split_one_line_address(record)
        warnings += parse_warnings
        for key, value in parsed.items():
            if key == "address1" or not getattr(record, key):
                changes[key] = value
    postal_code = changes.get("postal_code", record.postal_code).strip()
    if re.fullmatch(r"\d{4}", postal_code):
        # Spreadsheets drop the leading zero of New England ZIP codes.
        postal_code = "0" + postal_code
        warnings.append("postal_code: restored a leading zero")
    match = _US_ZIP.match(postal_code)
    if match:
        postal_code = match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
    elif postal_code:
        warnings.append("postal_code: not a US ZIP code")
    changes["postal_code"] = postal_code
    state = changes.get("province_code", record.province_code).strip().upper()
    state = US_STATE_NAMES.get(state, state)
    derived = state_for_zip(postal_code)
    if not state and derived:
        state = derived
        warnings.append("province_code: derived from postal_code")
    elif state and state not in US_STATE_CODES:
        warnings.append("province_code: unknown US state, kept as given")
    elif state and derived and state != derived:
        warnings.append("province_code: does not match postal_code")
    changes["province_code"] = state
    return changes, warnings


def normalize_contact(record: ContactRecord) -> tuple[ContactRecord, list[str]]:
    """Return the record with email, phone, country and address normalized.

    Emails get a normalized domain, phones become E.164 in the record's
    country, and US addresses get a five-digit ZIP and a state code, derived
    from the ZIP when the source left it empty. Nothing is discarded: a
    value that cannot be normalized is kept as given and named in the
    returned warnings, so reconciliation can still match it.
    """
    warnings: list[str] = []
    country, found = normalize_country(record.country_code)
    warnings += found
    email, found = normalize_email(record.email)
    warnings += found
    phone, found = normalize_phone(record.phone, country)
    warnings += found
    changes = {
        "email": email,
        "phone": phone,
        "country_code": country,
        "first_name": record.first_name.strip(),
        "last_name": record.last_name.strip(),
        "address1": record.address1.strip(),
        "address2": record.address2.strip(),
        "city": record.city.strip(),
    }
    record = replace(record, **changes)
    is_us = country == "US" or (not country and _US_ZIP.match(record.postal_code))
    if is_us and (record.address1 or record.postal_code):
        address_changes, found = _normalize_us_address(record)
        warnings += found
        record = replace(record, **address_changes)
        if not country:
            record = replace(record, country_code="US")
            warnings.append("country_code: assumed US from postal_code")
    return record, warnings

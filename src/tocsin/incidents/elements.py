"""The vocabulary of exposed data elements.

Forensic findings, incidents, law files and notices all name data elements
with these codes. A law file that names a code not listed here fails
validation, so a typo cannot silently make a rule never match.
"""

from enum import StrEnum


class DataElement(StrEnum):
    """A kind of personal data that a breach can expose."""

    NAME = "name"  # first name or first initial, with last name
    EMAIL = "email"
    USERNAME = "username"
    PASSWORD = "password"  # or security question and answer
    SSN = "ssn"
    DRIVERS_LICENSE = "drivers_license"
    STATE_ID = "state_id"
    PASSPORT = "passport"
    TAX_ID = "tax_id"  # ITIN or other taxpayer identification number
    MILITARY_ID = "military_id"
    ACCOUNT_NUMBER = "account_number"  # financial (bank) account number
    CARD_NUMBER = "card_number"  # full credit or debit card number
    CARD_SECURITY_CODE = "card_security_code"  # CVV, access code or PIN
    CARD_LAST4 = "card_last4"  # truncated card number, not a full number
    DATE_OF_BIRTH = "date_of_birth"
    MOTHERS_MAIDEN_NAME = "mothers_maiden_name"
    BIOMETRIC = "biometric"
    GENETIC = "genetic"
    MEDICAL = "medical"
    HEALTH_INSURANCE = "health_insurance"
    EMPLOYEE_ID_WITH_CODE = "employee_id_with_code"
    DIGITAL_SIGNATURE = "digital_signature"
    PRECISE_GEOLOCATION = "precise_geolocation"
    POSTAL_ADDRESS = "postal_address"
    PHONE = "phone"
    ORDER_HISTORY = "order_history"
    IP_ADDRESS = "ip_address"


ELEMENT_CODES = frozenset(element.value for element in DataElement)


def parse_elements(text: str) -> tuple[frozenset[DataElement], list[str]]:
    """Split a separated list of element codes into known and unknown codes.

    Accepts ``;``, ``,``, ``|`` or spaces between codes, in any letter case,
    so a findings file written by hand still parses. Unknown codes are
    returned, not dropped, so the caller can reject the row and name them.
    """
    known: set[DataElement] = set()
    unknown: list[str] = []
    for raw in text.replace(",", ";").replace("|", ";").replace(" ", ";").split(";"):
        code = raw.strip().lower().replace("-", "_")
        if not code:
            continue
        if code in ELEMENT_CODES:
            known.add(DataElement(code))
        else:
            unknown.append(raw.strip())
    return frozenset(known), unknown

"""Import of a Shopify customer export CSV.

Shopify's admin exports customers with ``Default Address ...`` columns
(current layout) or with bare ``Address1``, ``Province Code`` columns (older
exports). Both are accepted. Rows that cannot be used are reported with
their row number and the reason, and never stop the rest of the file.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from tocsin.csvfiles import CsvRow, read_csv
from tocsin.sources.errors import UnknownExportLayout
from tocsin.sources.normalize import normalize_contact
from tocsin.vault.records import ContactRecord, Provenance

SOURCE_OBJECT = "customers.csv"
# ContactRecord field -> header names, current layout first.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "customer_id": ("Customer ID", "Id", "ID"),
    "first_name": ("First Name",),
    "last_name": ("Last Name",),
    "email": ("Email",),
    "company": ("Default Address Company", "Company"),
    "address1": ("Default Address Address1", "Address1"),
    "address2": ("Default Address Address2", "Address2"),
    "city": ("Default Address City", "City"),
    "province_code": ("Default Address Province Code", "Province Code"),
    "country_code": ("Default Address Country Code", "Country Code"),
    "postal_code": ("Default Address Zip", "Zip"),
    "phone": ("Phone", "Default Address Phone"),
}
REQUIRED_FIELDS = ("first_name", "last_name", "email")


@dataclass(frozen=True)
class RowRejection:
    """A row left out of an import, with the reason an operator can act on."""

    row_number: int
    reason: str


@dataclass
class ShopifyImport:
    """Contacts read from one export, with rejected rows and warnings."""

    encoding: str
    contacts: list[ContactRecord] = field(default_factory=list)
    rejected: list[RowRejection] = field(default_factory=list)
    warnings: list[RowRejection] = field(default_factory=list)


def map_columns(header: list[str], label: str) -> dict[str, str]:
    """Return the header name to read for each contact field.

    Raises ``UnknownExportLayout`` naming the missing columns, since a file
    without them is not a Shopify customer export.
    """
    present = set(header)
    mapping = {}
    for name, aliases in COLUMN_ALIASES.items():
        found = next((alias for alias in aliases if alias in present), None)
        if found:
            mapping[name] = found
    missing = [
        COLUMN_ALIASES[name][0] for name in REQUIRED_FIELDS if name not in mapping
    ]
    if missing or not ({"customer_id", "address1"} & set(mapping)):
        expected = ", ".join(missing or ["Customer ID", "Default Address Address1"])
        raise UnknownExportLayout(
            f"file '{label}' is not a Shopify customer export: missing columns "
            f"{expected}; export customers from Shopify admin (Customers > Export)"
        )
    return mapping


def normalize_email(value: str) -> tuple[str, str]:
    """Return the normalized email and a problem description, if any."""
    if not value:
        return "", ""
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return "", "email is not a valid address; kept for postal notice"
    return checked.normalized.lower(), ""


def normalize_phone(value: str, country_code: str) -> tuple[str, str]:
    """Return the phone in E.164 and a problem description, if any."""
    if not value:
        return "", ""
    try:
        number = phonenumbers.parse(value, country_code or "US")
    except phonenumbers.NumberParseException:
        return "", "phone is not a number; left out"
    if not phonenumbers.is_possible_number(number):
        return "", "phone has the wrong length for its country; left out"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), ""


def row_to_contact(
    row: CsvRow, mapping: dict[str, str], source: str, as_of: datetime
) -> tuple[ContactRecord | None, list[str]]:
    """Return the contact of one row, or ``None`` with the rejection reason."""
    values = {name: row.cells.get(column, "") for name, column in mapping.items()}
    values["country_code"] = values.get("country_code", "").upper()
    values["province_code"] = values.get("province_code", "").upper()
    email, email_problem = normalize_email(values.get("email", ""))
    phone, phone_problem = normalize_phone(
        values.get("phone", ""), values["country_code"]
    )
    values["email"], values["phone"] = email, phone
    has_address = bool(values.get("address1") and values.get("country_code"))
    if not (values.get("customer_id") or email):
        return None, ["has neither a customer id nor a valid email"]
    if not (email or has_address):
        reason = "has an invalid email" if email_problem else "has no email"
        return None, [f"{reason} and no postal address, so no notice can reach it"]
    provenance = Provenance(
        source=source,
        source_object=SOURCE_OBJECT,
        source_record_id=values.get("customer_id") or f"row-{row.number}",
        as_of=as_of,
    )
    problems = [problem for problem in (email_problem, phone_problem) if problem]
    # Shared normalization: US state from the ZIP when the export left the
    # province empty, five-digit ZIPs, country names to ISO codes.
    contact, address_notes = normalize_contact(
        ContactRecord(provenance=provenance, **values)
    )
    problems += [note for note in address_notes if not note.startswith("email:")]
    return contact, problems


def read_shopify_export(path: Path, source: str, as_of: datetime) -> ShopifyImport:
    """Read a Shopify customer export into contact records.

    ``as_of`` is the export's time, kept as each record's freshness. The
    whole file is read before anything is stored, so a layout error stops
    the import before any row of it is kept.
    """
    decoded = read_csv(path)
    mapping = map_columns(decoded.header, path.name)
    result = ShopifyImport(encoding=decoded.encoding)
    first_row_of_id: dict[str, int] = {}
    for row in decoded.rows:
        if row.problem:
            result.rejected.append(RowRejection(row.number, row.problem))
            continue
        contact, problems = row_to_contact(row, mapping, source, as_of)
        if contact is None:
            result.rejected.append(RowRejection(row.number, problems[0]))
            continue
        first_row = first_row_of_id.setdefault(contact.customer_id, row.number)
        if contact.customer_id and first_row != row.number:
            reason = f"repeats the customer id of row {first_row}"
            result.rejected.append(RowRejection(row.number, reason))
            continue
        result.contacts.append(contact)
        result.warnings.extend(RowRejection(row.number, p) for p in problems)
    return result


def iter_rejections(result: ShopifyImport) -> Iterator[str]:
    """Yield one readable line per rejected row."""
    for rejection in result.rejected:
        yield f"row {rejection.row_number}: {rejection.reason}"

"""The plaintext shape of a contact while it is in memory.

Connectors build these from their sources and hand them to the vault, which
encrypts every personal field before anything reaches the database. Nothing
else may persist a ``ContactRecord``.
"""

from dataclasses import dataclass, field, fields
from datetime import datetime

# Fields that carry personal data: each is encrypted on its own, with the
# record id and field name as associated data.
PERSONAL_FIELDS = (
    "customer_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address1",
    "address2",
    "city",
    "province_code",
    "postal_code",
    "country_code",
    "company",
)


@dataclass(frozen=True)
class Provenance:
    """Where a contact came from and how fresh it was when read."""

    source: str  # configured source name, such as "shopify-export"
    source_object: str  # "Contact", "Lead", "customers.csv"
    source_record_id: str  # the record's id in that source, or a row number
    as_of: datetime  # when the source last changed or exported the record


@dataclass(frozen=True, repr=False)
class ContactRecord:
    """One customer's contact details, normalized, in plaintext.

    The repr names the fields that have a value but never the values, so a
    record in a traceback, a debugger or a log line leaks nothing.
    """

    provenance: Provenance
    customer_id: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""  # normalized: lower-case domain, stripped
    phone: str = ""  # E.164 where it could be parsed, otherwise as given
    address1: str = ""
    address2: str = ""
    city: str = ""
    province_code: str = ""  # ISO 3166-2 subdivision part, such as "CA"
    postal_code: str = ""
    country_code: str = ""  # ISO 3166-1 alpha-2, such as "US"
    company: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def __repr__(self) -> str:
        present = ", ".join(self.personal_values())
        return f"ContactRecord(provenance={self.provenance!r}, fields=[{present}])"

    def personal_values(self) -> dict[str, str]:
        """Return the personal fields that have a value, by field name."""
        return {
            name: getattr(self, name) for name in PERSONAL_FIELDS if getattr(self, name)
        }


assert set(PERSONAL_FIELDS) <= {f.name for f in fields(ContactRecord)}

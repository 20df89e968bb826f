"""Synthetic customer exports in WooCommerce and Magento layouts.

Values come from Faker with a fixed seed; emails use example.com and phones
the fictional 555-01xx range, so nothing here is a real person.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

WOOCOMMERCE_COLUMNS = [
    "customer_id", "first_name", "last_name", "user_login", "email",
    "date_registered", "billing_first_name", "billing_last_name",
    "billing_company", "billing_email", "billing_phone", "billing_address_1",
    "billing_address_2", "billing_postcode", "billing_city", "billing_state",
    "billing_country", "shipping_first_name", "shipping_last_name",
    "shipping_address_1", "shipping_address_2", "shipping_postcode",
    "shipping_city", "shipping_state", "shipping_country", "total_spent",
    "order_count",
]  # fmt: skip

MAGENTO_COLUMNS = [
    "email", "_website", "_store", "confirmation", "created_at", "created_in",
    "dob", "firstname", "gender", "group_id", "lastname", "middlename",
    "prefix", "store_id", "suffix", "taxvat", "updated_at", "website_id",
    "_address_city", "_address_company", "_address_country_id", "_address_fax",
    "_address_firstname", "_address_lastname", "_address_middlename",
    "_address_postcode", "_address_prefix", "_address_region",
    "_address_street", "_address_suffix", "_address_telephone",
    "_address_vat_id", "_address_default_billing_", "_address_default_shipping_",
]  # fmt: skip


@dataclass(frozen=True)
class FakeCustomer:
    """One synthetic customer."""

    number: int
    first_name: str
    last_name: str
    email: str
    phone: str
    street: str
    city: str
    state: str
    postal_code: str


def make_customers(count: int, seed: int = 7) -> list[FakeCustomer]:
    """Return ``count`` synthetic US customers, the same for the same seed."""
    faker = Faker("en_US")
    faker.seed_instance(seed)
    customers = []
    for number in range(1, count + 1):
        first, last = faker.first_name(), faker.last_name()
        customers.append(
            FakeCustomer(
                number=number,
                first_name=first,
                last_name=last,
                email=f"{first.lower()}.{last.lower()}{number}@example.com",
                phone=f"+1212555{100 + number % 100:04d}",
                street=faker.street_address(),
                city=faker.city(),
                state="IL",
                postal_code="62701",
            )
        )
    return customers


def write_woocommerce_export(path: Path, customers: list[FakeCustomer]) -> Path:
    """Write a WooCommerce customer export; return its path."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, WOOCOMMERCE_COLUMNS, restval="")
        writer.writeheader()
        for c in customers:
            writer.writerow(
                {
                    "customer_id": str(1000 + c.number),
                    "first_name": c.first_name,
                    "last_name": c.last_name,
                    "email": c.email,
                    "billing_first_name": c.first_name,
                    "billing_last_name": c.last_name,
                    "billing_email": c.email,
                    "billing_phone": c.phone,
                    "billing_address_1": c.street,
                    "billing_postcode": c.postal_code,
                    "billing_city": c.city,
                    "billing_state": c.state,
                    "billing_country": "US",
                    "order_count": "1",
                }
            )
    return path


def write_magento_export(path: Path, customers: list[FakeCustomer]) -> Path:
    """Write a Magento Customers and Addresses export; return the path."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, MAGENTO_COLUMNS, restval="")
        writer.writeheader()
        for c in customers:
            writer.writerow(
                {
                    "email": c.email,
                    "_website": "base",
                    "_store": "default",
                    "created_at": "2025-05-01 10:00:00",
                    "updated_at": "2026-10-01 10:00:00",
                    "firstname": c.first_name,
                    "lastname": c.last_name,
                    "website_id": "1",
                    "_address_city": c.city,
                    "_address_country_id": "US",
                    "_address_postcode": c.postal_code,
                    "_address_region": "Illinois",
                    "_address_street": c.street,
                    "_address_telephone": c.phone,
                    "_address_default_billing_": "1",
                }
            )
    return path

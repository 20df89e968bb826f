"""Write the synthetic sample data that the demo and the tests use.

Every person is made up by Faker with a fixed seed, so the files are the same
on every run. Emails use example.com and example.org, US and Canadian phones
use the fictional 555-0100 to 555-0199 range and UK phones Ofcom's drama
range (020 7946 0xxx).

Outputs, under ``samples/``:
- ``shopify_customers.csv``: a Shopify customer export in Shopify's own
  column layout, about 5,000 customers over all US states and DC plus some
  EU, UK and Canadian customers;
- ``findings.csv``: a forensic findings file covering about 2,000 of them
  with varied exposed data elements, plus unmatched and malformed rows.

Run: ``python scripts/generate_sample_data.py [--out samples]``.
"""

import argparse
import csv
import random
import unicodedata
from pathlib import Path

from faker import Faker

SEED = 20261204
US_STATES = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID",
    "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO",
    "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA",
    "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
]  # fmt: skip
# Larger weights for the most populous states, so counts cross the regulator
# thresholds of some states (500, 1,000) and stay under them in others.
STATE_WEIGHTS = {"CA": 14, "TX": 10, "FL": 8, "NY": 7, "PA": 4, "IL": 4, "OH": 4}
ABROAD = [
    ("DE", "de_DE", "", 50),
    ("FR", "fr_FR", "", 40),
    ("IE", "en_IE", "", 20),
    ("NL", "nl_NL", "", 20),
    ("ES", "es_ES", "", 20),
    ("GB", "en_GB", "", 150),
    ("CA", "en_CA", "ON", 80),
    ("CA", "en_CA", "BC", 40),
    ("CA", "en_CA", "QC", 30),
]
US_CUSTOMERS = 4550

SHOPIFY_COLUMNS = [
    "Customer ID",
    "First Name",
    "Last Name",
    "Email",
    "Accepts Email Marketing",
    "Default Address Company",
    "Default Address Address1",
    "Default Address Address2",
    "Default Address City",
    "Default Address Province Code",
    "Default Address Country Code",
    "Default Address Zip",
    "Default Address Phone",
    "Phone",
    "Accepts SMS Marketing",
    "Total Spent",
    "Total Orders",
    "Note",
    "Tax Exempt",
    "Tags",
]

# Exposure profiles of the findings file, with their share of rows.
EXPOSURE_PROFILES = [
    ("email", 30),
    ("name;email;card_number;card_security_code", 25),
    ("name;ssn", 10),
    ("username;password", 20),
    ("name;email;card_last4", 10),
    ("name;drivers_license", 5),
]


def ascii_slug(text: str) -> str:
    """Return ``text`` folded to lower-case ASCII letters and digits."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def us_phone(rng: random.Random) -> str:
    """Return a fictional US phone number in the 555-0100..0199 range."""
    area = rng.choice(["212", "312", "415", "512", "617", "206", "305", "702"])
    return f"+1 ({area}) 555-01{rng.randint(0, 99):02d}"


def make_customer(
    fake: Faker, rng: random.Random, customer_id: int, country: str, province: str
) -> dict[str, str]:
    """Return one Shopify export row for a synthetic customer."""
    first, last = fake.first_name(), fake.last_name()
    domain = rng.choice(["example.com", "example.org"])
    email = f"{ascii_slug(first)}.{ascii_slug(last)}{customer_id % 1_000_000}@{domain}"
    if country == "US":
        zip_code = fake.zipcode_in_state(province)
        phone = us_phone(rng)
    elif country == "CA":
        zip_code = fake.postcode()
        phone = f"+1 (416) 555-01{rng.randint(0, 99):02d}"
    elif country == "GB":
        zip_code = fake.postcode()
        phone = f"+44 20 7946 0{rng.randint(0, 999):03d}"
    else:
        zip_code = fake.postcode()
        phone = ""
    row = dict.fromkeys(SHOPIFY_COLUMNS, "")
    row.update(
        {
            "Customer ID": str(customer_id),
            "First Name": first,
            "Last Name": last,
            "Email": email,
            "Accepts Email Marketing": rng.choice(["yes", "no"]),
            "Default Address Address1": fake.street_address(),
            "Default Address City": fake.city(),
            "Default Address Province Code": province,
            "Default Address Country Code": country,
            "Default Address Zip": zip_code,
            "Default Address Phone": phone,
            "Phone": phone if rng.random() < 0.6 else "",
            "Accepts SMS Marketing": "no",
            "Total Spent": f"{rng.uniform(10, 900):.2f}",
            "Total Orders": str(rng.randint(1, 30)),
            "Tax Exempt": "no",
        }
    )
    # Some customers have no email on file: they can be notified only by post.
    if rng.random() < 0.02:
        row["Email"] = ""
    # Exports have gaps: a missing state (derived again from the ZIP), or no
    # address at all, which leaves the residence unknown.
    draw = rng.random()
    if country == "US" and draw < 0.01:
        row["Default Address Province Code"] = ""
    elif draw < 0.015 and row["Email"]:
        for column in ("Province Code", "Country Code", "Zip", "Address1", "City"):
            row[f"Default Address {column}"] = ""
    return row


def generate_customers(rng: random.Random) -> list[dict[str, str]]:
    """Return all customer rows, US first, then the customers abroad."""
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    weights = [STATE_WEIGHTS.get(state, 1.2) for state in US_STATES]
    # Every state and DC gets at least ten customers; the rest follow weights.
    states = [state for state in US_STATES for _ in range(10)]
    states += rng.choices(US_STATES, weights, k=US_CUSTOMERS - len(states))
    rows = []
    customer_id = 7_100_000_000
    for state in states:
        customer_id += rng.randint(1, 9)
        rows.append(make_customer(fake, rng, customer_id, "US", state))
    for country, locale, province, count in ABROAD:
        local_fake = Faker(locale)
        local_fake.seed_instance(SEED + count)
        for _ in range(count):
            customer_id += rng.randint(1, 9)
            rows.append(make_customer(local_fake, rng, customer_id, country, province))
    return rows


def pick_profile(rng: random.Random) -> str:
    """Return one exposure profile, drawn by its share."""
    codes = [code for code, _ in EXPOSURE_PROFILES]
    weights = [weight for _, weight in EXPOSURE_PROFILES]
    return rng.choices(codes, weights)[0]


def finding_row(finding_id: int, customer: dict[str, str], rng: random.Random) -> dict:
    """Return a findings row keyed by email, customer id or both."""
    keys = rng.choice(["both", "email", "customer_id"])
    if not customer["Email"]:
        keys = "customer_id"
    email = customer["Email"]
    # Forensic tools often keep the address as typed at login.
    if email and rng.random() < 0.1:
        email = f"  {email.upper()} "
    return {
        "finding_id": f"F-{finding_id:05d}",
        "customer_id": customer["Customer ID"] if keys != "email" else "",
        "email": email if keys != "customer_id" else "",
        "exposed_elements": pick_profile(rng),
        "source_system": rng.choice(["checkout-db", "web-logs", "crm-backup"]),
    }


def generate_findings(
    customers: list[dict[str, str]], rng: random.Random
) -> list[dict[str, str]]:
    """Return about 2,000 matched rows plus unmatched and malformed ones."""
    affected = rng.sample(customers, 2000)
    rows = [finding_row(i + 1, c, rng) for i, c in enumerate(affected)]
    next_id = len(rows) + 1
    # Unmatched: keys that no customer in the export has.
    for n in range(40):
        rows.append(
            {
                "finding_id": f"F-{next_id + n:05d}",
                "customer_id": str(9_900_000_000 + n) if n % 2 else "",
                "email": f"unknown.customer{n}@example.org" if n % 2 == 0 else "",
                "exposed_elements": pick_profile(rng),
                "source_system": "web-logs",
            }
        )
    next_id += 40
    malformed = [
        {"customer_id": "", "email": "", "exposed_elements": "email"},
        {"customer_id": "", "email": "not-an-email", "exposed_elements": "email"},
        {"customer_id": "", "email": "a@b", "exposed_elements": "name;ssn"},
        {"customer_id": "", "email": "x@example.com", "exposed_elements": ""},
        {"customer_id": "7100", "email": "", "exposed_elements": "name;shoe_size"},
        {"customer_id": "", "email": "=HYPERLINK(1)", "exposed_elements": "email"},
    ]
    for n, partial in enumerate(malformed * 2):
        rows.append(
            {
                "finding_id": f"F-{next_id + n:05d}",
                "source_system": "web-logs",
                **partial,
            }
        )
    rng.shuffle(rows)
    return rows


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    """Write rows as UTF-8 CSV with the given header."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    """Generate both sample files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("samples"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    customers = generate_customers(rng)
    findings = generate_findings(customers, rng)
    write_csv(args.out / "shopify_customers.csv", SHOPIFY_COLUMNS, customers)
    finding_columns = [
        "finding_id",
        "customer_id",
        "email",
        "exposed_elements",
        "source_system",
    ]
    write_csv(args.out / "findings.csv", finding_columns, findings)
    print(f"wrote {len(customers)} customers and {len(findings)} findings")


if __name__ == "__main__":
    main()

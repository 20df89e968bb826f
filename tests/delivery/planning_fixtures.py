"""Incidents with assessed people and planned notices, built through the
real import, assessment and outbox code."""

from pathlib import Path

from tests.conftest import complete_handoff, confirm_company, write_csv
from tocsin.assessment.service import assess_incident
from tocsin.delivery.outbox import plan_email_notices
from tocsin.incidents.models import Incident
from tocsin.notices.templates import ensure_default_templates
from tocsin.reconciliation.imports import import_findings
from tocsin.sources.imports import import_customers

CUSTOMER_HEADER = (
    "Customer ID,First Name,Last Name,Email,Phone,Default Address Address1,"
    "Default Address City,Default Address Province Code,"
    "Default Address Country Code,Default Address Zip\n"
)


def customers_csv(count: int, *, first_id: int = 300) -> str:
    """Return a Shopify customer export of ``count`` synthetic people."""
    rows = "".join(
        f"{first_id + n},Test{n},Person,person{n}@example.com,"
        f"+1202555{n % 100:04d},{n} Main St,Austin,TX,US,78701\n"
        for n in range(count)
    )
    return CUSTOMER_HEADER + rows


def findings_csv(count: int, *, first_id: int = 300) -> str:
    """Return forensic findings exposing name and SSN for each person."""
    rows = "".join(f"{first_id + n},name;ssn\n" for n in range(count))
    return "customer_id,exposed_elements\n" + rows


def assess_people(incident: Incident, folder: Path, count: int) -> Incident:
    """Import ``count`` people into ``incident`` and assess them."""
    ensure_default_templates()
    confirm_company()
    complete_handoff(incident)
    import_customers(
        incident, write_csv(folder / "customers.csv", customers_csv(count))
    )
    import_findings(incident, write_csv(folder / "findings.csv", findings_csv(count)))
    assess_incident(incident)
    return incident


def plan_people(incident: Incident, folder: Path, count: int) -> Incident:
    """Import, assess and plan email notices for ``count`` people."""
    assess_people(incident, folder, count)
    plan_email_notices(incident)
    return incident

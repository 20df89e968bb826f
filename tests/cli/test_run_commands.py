import json

import pytest
from click.testing import CliRunner, Result

from tocsin.audit.models import AuditEvent
from tocsin.cli import main
from tocsin.compliance.models import IncidentHandoff
from tocsin.incidents.models import CompanyProfile, Incident

pytestmark = pytest.mark.django_db

CREATE = [
    "incident", "create", "--name", "Skimmer", "--discovered-at", "2026-11-20T14:30",
    "--timezone", "America/Chicago", "--elements", "name;ssn", "--json",
]  # fmt: skip


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_incident_create_stores_discovery_in_its_zone() -> None:
    result = run(*CREATE)

    incident = Incident.objects.get(pk=json.loads(result.output)["id"])
    assert incident.discovered_at.isoformat() == "2026-11-20T20:30:00+00:00"
    assert incident.exposed_elements == ["name", "ssn"]


def test_incident_create_opens_the_handoff_checklist() -> None:
    result = run(*CREATE)

    incident_id = json.loads(result.output)["id"]
    assert IncidentHandoff.objects.filter(incident_id=incident_id).exists()


def test_unknown_time_zone_is_rejected_with_the_fix() -> None:
    result = run(*CREATE[:7], "Mars/Olympus", *CREATE[8:])

    assert result.exit_code == 2
    assert "unknown time zone 'Mars/Olympus'; use an IANA name" in result.output


def test_bad_discovery_time_is_rejected_with_the_fix() -> None:
    result = run(*CREATE[:5], "20/11/2026", *CREATE[6:])

    assert result.exit_code == 2
    assert "'20/11/2026' is not an ISO date-time; write it like 2026-11-20T14:30" in (
        result.output
    )


def test_unknown_element_is_rejected_naming_it() -> None:
    result = run(*CREATE[:9], "name;shoe_size", "--json")

    assert result.exit_code == 2
    assert "unknown data element codes ['shoe_size']" in result.output
    assert Incident.objects.count() == 0


def test_unknown_incident_id_is_a_one_line_error() -> None:
    result = run("assess", "--incident", "not-an-id")

    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: no incident with id 'not-an-id'; list them with 'tocsin status'"
    )


def test_import_of_missing_file_names_it(incident: Incident) -> None:
    result = run(
        "import", "customers", "/nonexistent.csv", "--incident", str(incident.pk)
    )

    assert result.exit_code == 1
    assert "file '/nonexistent.csv' not found; check the path" in result.output


def test_company_set_records_an_audit_event() -> None:
    run("company", "set", "--is-glba-financial-institution")

    event = AuditEvent.objects.get(action="company.profile_changed")
    assert event.payload["after"] == {"is_glba_financial_institution": True}
    assert CompanyProfile.objects.get().is_glba_financial_institution is True


def test_company_set_rejects_an_invalid_url() -> None:
    result = run("company", "set", "--contact-website", "notaurl")

    assert result.exit_code == 2
    assert (
        "Invalid value for --contact-website: contact_website: Enter a valid URL"
        in (result.output)
    )


def test_elements_lists_every_code() -> None:
    result = run("elements")

    assert "card_security_code" in result.output.split()

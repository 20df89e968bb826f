from pathlib import Path

import pytest

from tests.conftest import write_csv
from tocsin.incidents.models import Incident
from tocsin.reconciliation.errors import UnknownFindingsLayout
from tocsin.reconciliation.findings import read_findings
from tocsin.reconciliation.imports import import_findings
from tocsin.reconciliation.models import AffectedPerson, Finding
from tocsin.sources.imports import import_customers

CUSTOMERS = (
    "Customer ID,First Name,Last Name,Email,Default Address Address1,"
    "Default Address City,Default Address Province Code,"
    "Default Address Country Code,Default Address Zip\n"
    "201,Ada,Lovelace,ada@example.com,1 St,Austin,TX,US,78701\n"
    "202,Bo,Li,bo@example.org,2 St,Boston,MA,US,02108\n"
)
FINDINGS_HEADER = "finding_id,customer_id,email,exposed_elements\n"


@pytest.fixture
def customers(tmp_path: Path, incident: Incident) -> Incident:
    import_customers(incident, write_csv(tmp_path / "customers.csv", CUSTOMERS))
    return incident


def import_rows(tmp_path: Path, incident: Incident, rows: str) -> None:
    import_findings(
        incident, write_csv(tmp_path / "findings.csv", FINDINGS_HEADER + rows)
    )


def test_finding_matches_by_customer_id(tmp_path: Path, customers: Incident) -> None:
    import_rows(tmp_path, customers, "F1,201,,name;ssn\n")

    finding = Finding.objects.get()
    assert finding.status == Finding.Status.MATCHED
    assert finding.match_method == Finding.Method.CUSTOMER_ID


def test_finding_matches_by_email_in_any_case(
    tmp_path: Path, customers: Incident
) -> None:
    import_rows(tmp_path, customers, "F1,, ADA@EXAMPLE.COM ,email\n")

    assert Finding.objects.get().match_method == Finding.Method.EMAIL


def test_person_gets_union_of_exposed_elements(
    tmp_path: Path, customers: Incident
) -> None:
    import_rows(tmp_path, customers, "F1,201,,name;ssn\nF2,,ada@example.com,email\n")

    person = AffectedPerson.objects.get()
    assert person.exposed_elements == ["email", "name", "ssn"]
    assert person.residence == "US-TX"


def test_unmatched_finding_is_listed(tmp_path: Path, customers: Incident) -> None:
    import_rows(tmp_path, customers, "F9,999,,name;ssn\n")

    assert Finding.objects.get().status == Finding.Status.UNMATCHED
    assert AffectedPerson.objects.count() == 0


def test_conflicting_keys_go_to_review(tmp_path: Path, customers: Incident) -> None:
    import_rows(tmp_path, customers, "F1,201,bo@example.org,name;ssn\n")

    assert Finding.objects.get().status == Finding.Status.REVIEW
    assert AffectedPerson.objects.count() == 0


def test_findings_before_customers_match_later(
    tmp_path: Path, incident: Incident
) -> None:
    import_rows(tmp_path, incident, "F1,201,,name;ssn\n")
    import_customers(incident, write_csv(tmp_path / "customers.csv", CUSTOMERS))

    import_rows(tmp_path, incident, "F1,201,,name;ssn\n")

    assert Finding.objects.get().status == Finding.Status.MATCHED


def test_malformed_rows_are_rejected_and_rest_imported(tmp_path: Path) -> None:
    rows = (
        "F1,,,email\nF2,,x@example.com,\nF3,7,,name;shoe_size\n"
        "F4,,not-an-email,email\nF5,201,,name;ssn\n"
    )
    path = write_csv(tmp_path / "f.csv", FINDINGS_HEADER + rows)

    result = read_findings(path)

    assert [row.finding_ref for row in result.rows] == ["F5"]
    assert result.rejected == [
        (2, "has neither an email nor a customer_id to match on"),
        (3, "has no 'exposed_elements'; list codes such as 'name;ssn'"),
        (4, "names 1 unknown data element; see 'tocsin elements'"),
        (5, "has an email that is not a valid address"),
    ]


def test_unknown_code_that_looks_like_data_is_not_quoted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", FINDINGS_HEADER + "F1,201,,name;a@b.example\n")

    reason = read_findings(path).rejected[0][1]

    assert reason == "names 1 unknown data element; see 'tocsin elements'"


def test_unknown_name_in_elements_is_not_quoted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", FINDINGS_HEADER + "F1,201,,name;Lovelace\n")

    reason = read_findings(path).rejected[0][1]

    assert "Lovelace" not in reason
    assert reason == "names 1 unknown data element; see 'tocsin elements'"


def test_misspelled_code_gets_a_suggestion(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "f.csv", FINDINGS_HEADER + "F1,201,,card_numbr;drivers_licence\n"
    )

    reason = read_findings(path).rejected[0][1]

    assert reason == (
        "names 2 unknown data elements"
        " (did you mean 'card_number', 'drivers_license'?); see 'tocsin elements'"
    )


def test_findings_layout_without_elements_column_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", "email\nx@example.com\n")

    with pytest.raises(UnknownFindingsLayout) as raised:
        read_findings(path)

    assert str(raised.value) == (
        "file 'f.csv' is not a findings file: it needs an 'exposed_elements' "
        "column and an 'email' or 'customer_id' column"
    )


def test_review_assignment_matches_the_chosen_key(
    tmp_path: Path, customers: Incident
) -> None:
    from tocsin.reconciliation.review import assign_finding

    import_rows(tmp_path, customers, "F1,201,bo@example.org,name;ssn\n")
    finding = Finding.objects.get()

    assign_finding(customers, str(finding.pk), "email", actor="operator")

    person = AffectedPerson.objects.get()
    assert person.residence == "US-MA"


def test_review_decision_is_an_audit_event(tmp_path: Path, customers: Incident) -> None:
    from tocsin.audit.models import AuditEvent
    from tocsin.reconciliation.review import dismiss_finding

    import_rows(tmp_path, customers, "F1,201,bo@example.org,name;ssn\n")
    finding = Finding.objects.get()

    dismiss_finding(customers, str(finding.pk), "test account", actor="operator")

    event = AuditEvent.objects.get(action="finding.review_decided")
    assert event.payload == {"decision": "dismissed", "reason": "test account"}


def test_dismissed_finding_stays_dismissed_after_matching(
    tmp_path: Path, customers: Incident
) -> None:
    from tocsin.reconciliation.matching import match_findings
    from tocsin.reconciliation.review import dismiss_finding

    import_rows(tmp_path, customers, "F1,201,bo@example.org,name;ssn\n")
    finding = Finding.objects.get()
    dismiss_finding(customers, str(finding.pk), "test account", actor="operator")

    match_findings(customers)

    assert Finding.objects.get().status == Finding.Status.DISMISSED


def test_review_of_a_matched_finding_is_rejected(
    tmp_path: Path, customers: Incident
) -> None:
    from tocsin.reconciliation.errors import ReviewDecisionError
    from tocsin.reconciliation.review import assign_finding

    import_rows(tmp_path, customers, "F1,201,,name;ssn\n")
    finding = Finding.objects.get()

    with pytest.raises(ReviewDecisionError) as raised:
        assign_finding(customers, str(finding.pk), "email", actor="operator")

    assert (
        str(raised.value) == f"finding {finding.pk} is matched, not waiting for review"
    )

"""Engine behaviour beyond single known answers: residence, company rules,
counts across groups, JSON output and re-assessment diffs."""

import dataclasses
import datetime as dt
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from tocsin.jurisdictions.diff import diff_assessments
from tocsin.jurisdictions.engine import PersonGroup, assess
from tocsin.jurisdictions.errors import AssessmentInputError
from tocsin.jurisdictions.facts import IncidentFacts
from tocsin.jurisdictions.rulebook import bundled_laws_dir, load_rulebook

from .conftest import DISCOVERED, assess_group, bundled_rulebook, make_incident

NAME_SSN = ("name", "ssn")


def _group(key: str, residence: str | None, exposed=NAME_SSN, count=1) -> PersonGroup:
    return PersonGroup(key, residence, frozenset(exposed), count)


def test_unknown_residence_gets_the_earliest_deadline() -> None:
    assessment = assess_group(None, NAME_SSN)

    result = assessment.person_results[0]

    assert result.jurisdiction_id == "UNKNOWN"
    assert result.owed is True
    assert result.needs_review is True
    assert result.due_by == min(
        r.due_by
        for r in (
            assess_group(code, NAME_SSN).person_results[0]
            for code in ("US-CA", "US-NY", "US-FL", "US-TX", "US-WA")
        )
        if r.due_by
    )


def test_unknown_residence_note_names_the_chosen_law() -> None:
    result = assess_group(None, NAME_SSN).person_results[0]

    assert result.residence_note.startswith("residence unknown: strictest of")
    assert result.law_id in result.residence_note


def test_unknown_residence_unions_content_rules() -> None:
    result = assess_group(None, NAME_SSN).person_results[0]

    assert "nature_of_breach" in result.forbidden_content
    assert "prescribed_headings" in result.required_content


def test_bare_country_code_is_ambiguous_among_states() -> None:
    result = assess_group("US", NAME_SSN).person_results[0]

    assert result.law_id.startswith("US-")
    assert result.needs_review is True
    assert "residence 'US'" in result.residence_note


def test_unknown_residence_owed_under_any_data_laws() -> None:
    result = assess_group(None, ("order_history",)).person_results[0]

    # US laws ignore order history alone, but GDPR, PIPEDA and NDB count it.
    assert result.owed is True
    assert result.law_id in ("AU-NDB", "CA-PIPEDA", "EU-GDPR", "UK-GDPR")


def test_lower_case_residence_is_normalized() -> None:
    result = assess_group("us-ca", NAME_SSN).person_results[0]

    assert result.jurisdiction_id == "US-CA"
    assert result.law_id == "US-CA"


def test_regulator_count_sums_groups_of_one_state() -> None:
    groups = [_group("a", "US-CA", count=300), _group("b", "US-CA", count=201)]

    assessment = assess(bundled_rulebook(), make_incident(), groups)

    notice = next(n for n in assessment.regulator_notices if n.law_id == "US-CA")
    assert notice.affected_count == 501
    assert notice.owed is True


def test_uncertain_people_are_reported_against_a_threshold() -> None:
    groups = [_group("a", "US-CA", count=400), _group("b", None, count=200)]

    assessment = assess(bundled_rulebook(), make_incident(), groups)

    notice = next(n for n in assessment.regulator_notices if n.law_id == "US-CA")
    assert notice.owed is False
    assert notice.uncertain_count == 200
    assert "unknown residence could reach it" in notice.reason


def test_hbnr_media_notice_counts_each_state_separately() -> None:
    groups = [
        _group("a", "US-TX", ("name", "medical"), 501),
        _group("b", "US-OH", ("name", "medical"), 20),
    ]
    incident = make_incident(company={"keeps_personal_health_records": True})

    assessment = assess(bundled_rulebook(), incident, groups)

    media = {
        n.residence: n.owed
        for n in assessment.regulator_notices
        if n.recipient_kind == "media"
    }
    assert media == {"US-TX": True, "US-OH": False}


def test_safeguards_rule_does_not_apply_without_glba_flag() -> None:
    assessment = assess_group("US-CA", NAME_SSN, 900)

    rule = next(r for r in assessment.company_rules if r.law_id == "US-FTC-SAFEGUARDS")
    assert rule.applies is False
    assert rule.reason == (
        "does not apply: company profile is_glba_financial_institution is False"
    )
    assert all(n.law_id != "US-FTC-SAFEGUARDS" for n in assessment.regulator_notices)


def test_hbnr_does_not_apply_to_hipaa_covered_entities() -> None:
    company = {"keeps_personal_health_records": True, "is_hipaa_covered_entity": True}

    assessment = assess_group("US-CA", ("name", "medical"), company=company)

    rule = next(r for r in assessment.company_rules if r.law_id == "US-FTC-HBNR")
    assert rule.applies is False
    assert all(r.law_id != "US-FTC-HBNR" for r in assessment.person_results)


def test_hbnr_adds_a_result_beside_state_law() -> None:
    company = {"keeps_personal_health_records": True}

    assessment = assess_group("US-CA", ("name", "medical"), company=company)

    assert [r.law_id for r in assessment.person_results] == ["US-CA", "US-FTC-HBNR"]


def test_pipeda_requires_breach_records_for_24_months() -> None:
    assessment = assess_group("CA-ON", ("email",))

    duty = next(d for d in assessment.record_keeping if d.law_id == "CA-PIPEDA")
    assert duty.retention_months == 24


def test_risk_exception_reason_states_documentation_duty() -> None:
    result = assess_group("US-FL", NAME_SSN, risk_finding="no_likely_harm")

    reason = result.person_results[0].reason

    assert reason.endswith(
        "(must document the finding in writing and keep it 5 years and send "
        "the finding to the regulator)"
    )


def test_person_result_carries_law_version_and_hash() -> None:
    law = bundled_rulebook().law("US-CA")

    result = assess_group("US-CA", NAME_SSN).person_results[0]

    assert (result.law_version, result.law_sha256) == (law.version, law.sha256)


def test_rule_versions_cover_every_law() -> None:
    assessment = assess_group("US-CA", NAME_SSN)

    assert set(assessment.rule_versions) == set(bundled_rulebook().laws)


def test_json_output_matches_the_documented_schema() -> None:
    groups = [
        _group("a", "US-CA", count=600),
        _group("b", None),
        _group("c", "JP"),
        _group("d", "DE", ("email",)),
    ]
    incident = make_incident(company={"is_glba_financial_institution": True})
    schema_text = resources.files("tocsin.jurisdictions").joinpath(
        "assessment.schema.json"
    )

    document = assess(bundled_rulebook(), incident, groups).to_json()

    jsonschema.validate(document, json.loads(schema_text.read_text()))
    assert json.loads(json.dumps(document)) == document


def test_diff_of_identical_assessments_is_empty() -> None:
    first = assess_group("US-CA", NAME_SSN, 501)

    assert diff_assessments(first, assess_group("US-CA", NAME_SSN, 501)).is_empty


def test_diff_shows_changed_deadline_after_law_update(tmp_path: Path) -> None:
    document = yaml.safe_load((bundled_laws_dir() / "US-CA.yaml").read_text())
    document["individual_notice"]["deadline"]["amount"] = 20
    document["version"] = "2026.12.04-2"
    (tmp_path / "US-CA.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    groups = [_group("a", "US-CA")]
    before = assess(bundled_rulebook(), make_incident(), groups)

    after = assess(load_rulebook(tmp_path), make_incident(), groups)
    diff = diff_assessments(before, after)

    assert [c.law_id for c in diff.rule_changes] == ["US-CA"]
    assert {(c.key, c.field) for c in diff.result_changes} == {
        ("a/US-CA", "deadline"),
        ("a/US-CA", "deadline_text"),
    }


def test_diff_reports_added_person_result() -> None:
    before = assess(bundled_rulebook(), make_incident(), [_group("a", "US-CA")])
    after = assess(
        bundled_rulebook(),
        make_incident(),
        [_group("a", "US-CA"), _group("b", "US-TX")],
    )

    changes = diff_assessments(before, after).result_changes

    people = [(c.key, c.field) for c in changes if c.section == "person"]
    assert people == [("b/US-TX", "(added)")]


def test_naive_discovery_time_is_rejected() -> None:
    with pytest.raises(AssessmentInputError) as error:
        IncidentFacts(discovered_at=dt.datetime(2026, 3, 2, 10, 0))

    assert str(error.value) == (
        "incident field 'discovered_at' has no time zone; "
        "pass a timezone-aware datetime"
    )


def test_unknown_element_in_group_is_rejected() -> None:
    with pytest.raises(AssessmentInputError) as error:
        PersonGroup("g", "US-CA", frozenset({"name", "sin"}))

    assert str(error.value) == (
        "unknown data element code 'sin'; use a code from "
        "tocsin.incidents.elements.DataElement"
    )


def test_group_count_below_one_is_rejected() -> None:
    with pytest.raises(AssessmentInputError) as error:
        PersonGroup("g", "US-CA", frozenset(NAME_SSN), 0)

    assert str(error.value) == "person group 'g' has count 0; use 1 or more"


def test_assessment_is_repeatable_from_the_same_inputs() -> None:
    incident = dataclasses.replace(make_incident(), discovered_at=DISCOVERED)

    first = assess(bundled_rulebook(), incident, [_group("a", None)])
    second = assess(bundled_rulebook(), incident, [_group("a", None)])

    assert first == second


def test_rhode_island_requires_the_number_affected() -> None:
    result = assess_group("US-RI", NAME_SSN).person_results[0]

    assert "number_of_residents_affected" in result.required_content
    assert result.forbidden_content == ()


def test_unknown_residence_reports_conflicting_content_rules() -> None:
    # Rhode Island requires what Massachusetts and Illinois forbid, so both
    # lists name the block and the notice team must resolve it.
    result = assess_group(None, NAME_SSN).person_results[0]

    assert "number_of_residents_affected" in result.required_content
    assert "number_of_residents_affected" in result.forbidden_content

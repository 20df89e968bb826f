"""Law-file validation: exact error messages, operator overrides, reviews."""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from tocsin.jurisdictions.errors import LawFileError
from tocsin.jurisdictions.lawfile import mark_reviewed_text
from tocsin.jurisdictions.rulebook import (
    bundled_laws_dir,
    find_review_problems,
    load_rulebook,
)

from .conftest import assess_group


def _bundled_document(law_id: str) -> dict[str, Any]:
    return yaml.safe_load((bundled_laws_dir() / f"{law_id}.yaml").read_text())


def _write(folder: Path, name: str, document: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    return path


def _load_error(folder: Path) -> str:
    with pytest.raises(LawFileError) as error:
        load_rulebook(folder)
    return str(error.value)


def test_unknown_element_code_is_rejected(tmp_path: Path) -> None:
    document = _bundled_document("US-CA")
    document["personal_information"]["combinations"][0]["elements"] = ["name", "ssnn"]
    _write(tmp_path, "US-CA.yaml", document)

    assert _load_error(tmp_path) == (
        "US-CA.yaml: personal_information.combinations.0: unknown data element "
        "code 'ssnn'; use a code from tocsin.incidents.elements.DataElement"
    )


def test_missing_citation_is_rejected(tmp_path: Path) -> None:
    document = _bundled_document("US-CA")
    del document["citation"]
    _write(tmp_path, "US-CA.yaml", document)

    assert _load_error(tmp_path) == (
        "US-CA.yaml: missing required field 'citation'; add the statute section, "
        "e.g. 'Cal. Civ. Code § 1798.82'"
    )


def test_missing_notice_citation_is_rejected(tmp_path: Path) -> None:
    document = _bundled_document("US-TX")
    del document["notices"][0]["citation"]
    _write(tmp_path, "US-TX.yaml", document)

    assert _load_error(tmp_path) == (
        "US-TX.yaml: missing required field 'notices.0.citation'; add the statute "
        "section, e.g. 'Cal. Civ. Code § 1798.82'"
    )


def test_empty_sources_list_is_rejected(tmp_path: Path) -> None:
    document = _bundled_document("US-TX")
    document["sources"] = []
    _write(tmp_path, "US-TX.yaml", document)

    assert _load_error(tmp_path) == (
        "US-TX.yaml: sources: [] should be non-empty; see law.schema.json"
    )


def test_unknown_confidence_level_is_rejected(tmp_path: Path) -> None:
    document = _bundled_document("US-CA")
    document["confidence"]["level"] = "certain"
    _write(tmp_path, "US-CA.yaml", document)

    assert _load_error(tmp_path) == (
        "US-CA.yaml: confidence.level: 'certain' is not allowed; "
        "use one of: high, medium, low"
    )


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    document = _bundled_document("US-CA")
    document["deadline_days"] = 30
    _write(tmp_path, "US-CA.yaml", document)

    assert _load_error(tmp_path) == (
        "US-CA.yaml: (top level): Additional properties are not allowed "
        "('deadline_days' was unexpected); remove it or fix its spelling"
    )


def test_file_name_must_match_id(tmp_path: Path) -> None:
    _write(tmp_path, "US-XX.yaml", _bundled_document("US-CA"))

    assert _load_error(tmp_path) == (
        "US-XX.yaml: id 'US-CA' does not match the file name; "
        "rename the file to US-CA.yaml"
    )


def test_unknown_time_zone_is_rejected(tmp_path: Path) -> None:
    document = _bundled_document("US-CA")
    document["time_zone"] = "America/Sacramento"
    _write(tmp_path, "US-CA.yaml", document)

    assert _load_error(tmp_path) == (
        "US-CA.yaml: time_zone: unknown zone 'America/Sacramento'; "
        "use an IANA name such as 'America/Chicago'"
    )


def test_unknown_holiday_subdivision_is_rejected(tmp_path: Path) -> None:
    document = _bundled_document("US-CA")
    document["holidays"]["subdivision"] = "XX"
    _write(tmp_path, "US-CA.yaml", document)

    assert _load_error(tmp_path) == (
        "US-CA.yaml: holidays.subdivision: 'XX' is not a subdivision of US in "
        "the holidays package; remove it or correct it"
    )


def test_unknown_company_flag_is_rejected(tmp_path: Path) -> None:
    document = _bundled_document("US-FTC-SAFEGUARDS")
    document["applies_when"] = ["is_bank"]
    _write(tmp_path, "US-FTC-SAFEGUARDS.yaml", document)

    assert _load_error(tmp_path) == (
        "US-FTC-SAFEGUARDS.yaml: applies_when: unknown company flag 'is_bank'; "
        "use a CompanyProfile field"
    )


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "US-CA.yaml").write_text("id: US-CA\nname: [unclosed\n")

    assert _load_error(tmp_path) == (
        "US-CA.yaml: invalid YAML at line 3; fix the syntax and run "
        "'tocsin rules check'"
    )


def test_missing_operator_folder_is_rejected(tmp_path: Path) -> None:
    missing = tmp_path / "absent"

    assert _load_error(missing) == (
        f"operator laws folder '{missing}' does not exist; create it or unset "
        "TOCSIN_LAWS_DIR"
    )


def test_stale_review_is_reported(tmp_path: Path) -> None:
    document = _bundled_document("US-CA")
    document["last_reviewed"] = dt.date(2025, 1, 1)
    _write(tmp_path, "US-CA.yaml", document)
    rulebook = load_rulebook(tmp_path)

    problems = find_review_problems(rulebook, today=dt.date(2026, 12, 4))

    assert problems == [
        "US-CA.yaml: last reviewed 2025-01-01 (702 days ago, limit 365); review "
        "the law and run 'tocsin rules review --mark US-CA --reviewer NAME'"
    ]


def test_review_exactly_one_year_old_is_not_stale() -> None:
    rulebook = load_rulebook()

    assert find_review_problems(rulebook, today=dt.date(2027, 12, 4)) == []


def test_operator_file_overrides_bundled_law(tmp_path: Path) -> None:
    document = _bundled_document("US-CA")
    document["version"] = "operator-1"
    _write(tmp_path, "US-CA.yaml", document)

    rulebook = load_rulebook(tmp_path)

    assert rulebook.overridden == ("US-CA",)
    assert rulebook.law("US-CA").version == "operator-1"
    assert rulebook.law("US-CA").origin == "operator"


def test_operator_file_adds_a_new_jurisdiction(tmp_path: Path) -> None:
    document = _bundled_document("UK-GDPR")
    document.update(id="JP-APPI", residences=["JP"], citation="APPI Art. 26")
    document["holidays"] = {"country": "JP"}
    document["time_zone"] = "Asia/Tokyo"
    _write(tmp_path, "JP-APPI.yaml", document)

    rulebook = load_rulebook(tmp_path)

    assert rulebook.match_residence("jp").laws[0].id == "JP-APPI"


def test_changed_file_content_changes_the_hash(tmp_path: Path) -> None:
    document = _bundled_document("US-CA")
    document["confidence"]["reason"] += " Reviewed again."
    _write(tmp_path, "US-CA.yaml", document)

    changed = load_rulebook(tmp_path).rule_versions()["US-CA"]

    assert changed[1] != load_rulebook().rule_versions()["US-CA"][1]


def test_mark_reviewed_rewrites_only_review_lines() -> None:
    text = (bundled_laws_dir() / "US-MA.yaml").read_text()

    marked = mark_reviewed_text(text, dt.date(2027, 6, 1), "A. Counsel")

    changed = [
        (old, new)
        for old, new in zip(text.splitlines(), marked.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [
        ("version: 2026.12.04-1", "version: 2026.12.04-1+reviewed.2027-06-01"),
        ("last_reviewed: '2026-12-04'", "last_reviewed: 2027-06-01"),
        (
            "reviewer: Tocsin jurisdictions engineer (not counsel)",
            'reviewer: "A. Counsel"',
        ),
    ]


def test_every_bundled_law_cites_a_source_read_on_a_date() -> None:
    for law in load_rulebook():
        assert law.sources, law.id
        assert all(source.read_on <= dt.date(2026, 12, 4) for source in law.sources)


def test_unknown_residence_code_is_reported_not_dropped() -> None:
    assessment = assess_group("JP", ("name", "ssn"))

    result = assessment.person_results[0]

    assert result.law_id == ""
    assert result.needs_review is True
    assert "no law file covers residence 'JP'" in result.reason

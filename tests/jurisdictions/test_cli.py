"""The ``tocsin rules`` commands, run through click's CliRunner."""

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from tocsin.cli.rules import rules
from tocsin.jurisdictions.rulebook import bundled_laws_dir

SCENARIO = {
    "incident": {
        "discovered_at": "2026-03-02T10:00:00-05:00",
        "company": {"is_glba_financial_institution": True},
    },
    "groups": [
        {"key": "ca", "residence": "US-CA", "exposed": ["name", "ssn"], "count": 501},
        {"key": "unknown", "residence": None, "exposed": ["name", "ssn"]},
    ],
}


def _run(*args: str, input_text: str | None = None, env: dict | None = None):
    return CliRunner().invoke(rules, list(args), input=input_text, env=env)


def _operator_copy(folder: Path, law_id: str, **changes: object) -> None:
    document = yaml.safe_load((bundled_laws_dir() / f"{law_id}.yaml").read_text())
    document.update(changes)
    (folder / f"{law_id}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))


def test_list_prints_one_line_per_law() -> None:
    result = _run("list")

    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 60
    assert any(line.startswith("US-MA ") for line in result.output.splitlines())


def test_show_prints_forbidden_content_of_massachusetts() -> None:
    result = _run("show", "us-ma")

    assert result.exit_code == 0
    assert "forbidden content    nature_of_breach, number_of_residents_affected" in (
        result.output
    )


def test_show_unknown_law_names_the_fix() -> None:
    result = _run("show", "US-ZZ")

    assert result.exit_code == 1
    assert "no law file for jurisdiction 'US-ZZ'; add US-ZZ.yaml" in result.output


def test_check_passes_on_bundled_laws() -> None:
    result = _run("check", "--today", "2026-12-04")

    assert result.exit_code == 0
    assert result.output == "60 law files valid\n"


def test_check_fails_on_stale_review(tmp_path: Path) -> None:
    _operator_copy(tmp_path, "US-TX", last_reviewed="2025-06-01")

    result = _run("check", "--laws-dir", str(tmp_path), "--today", "2026-12-04")

    assert result.exit_code == 1
    assert "US-TX.yaml: last reviewed 2025-06-01 (551 days ago, limit 365)" in (
        result.output
    )


def test_check_fails_on_invalid_file_from_environment(tmp_path: Path) -> None:
    _operator_copy(tmp_path, "US-TX", citation="")

    result = _run("check", env={"TOCSIN_LAWS_DIR": str(tmp_path)})

    assert result.exit_code == 1
    assert "US-TX.yaml: citation: '' is too short; see law.schema.json" in result.output


def test_review_lists_files_due_soon() -> None:
    result = _run("review", "--today", "2027-11-20", "--within", "30")

    assert result.exit_code == 0
    assert "US-CA              due      review by 2027-12-04" in result.output


def test_review_reports_nothing_due() -> None:
    result = _run("review", "--today", "2026-12-04")

    assert result.output == "no law file is due for review within 30 days\n"


def test_review_mark_writes_operator_copy(tmp_path: Path) -> None:
    result = _run(
        "review",
        "--laws-dir",
        str(tmp_path),
        "--today",
        "2027-06-01",
        "--mark",
        "US-MA",
        "--reviewer",
        "A. Counsel",
    )

    written = yaml.safe_load((tmp_path / "US-MA.yaml").read_text())
    assert result.exit_code == 0, result.output
    assert written["version"] == "2026.12.04-1+reviewed.2027-06-01"
    assert written["reviewer"] == "A. Counsel"


def test_review_mark_without_folder_prints_the_change() -> None:
    result = _run(
        "review", "--today", "2027-06-01", "--mark", "US-MA", "--reviewer", "B"
    )

    assert result.exit_code == 0
    assert "  last_reviewed: 2027-06-01\n" in result.output


def test_review_mark_needs_a_reviewer() -> None:
    result = _run("review", "--mark", "US-MA")

    assert result.exit_code == 2
    assert "--mark needs --reviewer NAME" in result.output


def test_assess_prints_json_from_a_file(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(SCENARIO))

    result = _run("assess", str(scenario), "--format", "json")

    document = json.loads(result.output)
    assert result.exit_code == 0
    assert document["person_results"][0]["deadline"] == "2026-04-01T23:59:59-07:00"
    assert document["person_results"][1]["needs_review"] is True


def test_assess_reads_stdin_and_prints_a_table() -> None:
    result = _run("assess", "-", input_text=json.dumps(SCENARIO))

    assert result.exit_code == 0
    assert result.output.startswith("PEOPLE\n")
    assert "US-FTC-SAFEGUARDS  regulator" in result.output


def test_assess_rejects_unknown_scenario_field() -> None:
    bad = {"incident": {"discovered_at": "2026-03-02T10:00:00Z", "encrypted": True}}

    result = _run("assess", "-", input_text=json.dumps(bad))

    assert result.exit_code == 1
    assert "incident has unknown field 'encrypted'" in result.output


def test_assess_rejects_time_without_offset() -> None:
    bad = {"incident": {"discovered_at": "2026-03-02T10:00:00"}}

    result = _run("assess", "-", input_text=json.dumps(bad))

    assert result.exit_code == 1
    assert "incident.discovered_at has no UTC offset" in result.output


def test_doc_check_accepts_committed_page() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "jurisdictions.md"

    result = _run("doc", "--check", "--output", str(page))

    assert result.exit_code == 0, result.output

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.test import Client
from django.urls import path

from tocsin.cli import main
from tocsin.incidents.models import Incident
from tocsin.sources.connectors.base import SourceSpec
from tocsin.sources.jobs import run_extraction_inline, start_extraction
from tocsin.sources.models import Extraction
from tocsin.sources.status import extraction_status, provenance_report
from tocsin.sources.views import extraction_status_view
from tocsin.testing.fakes.shops import make_customers, write_woocommerce_export

urlpatterns = [
    path("extractions/<uuid:extraction_id>/status", extraction_status_view),
]


def woo_extraction(incident: Incident, tmp_path: Path) -> Extraction:
    customers = make_customers(12)
    csv_path = write_woocommerce_export(tmp_path / "woo.csv", customers)
    lines = csv_path.read_text().splitlines()
    lines.append("1999,Broken")
    csv_path.write_text("\n".join(lines) + "\n")
    spec = SourceSpec("woo", "woocommerce_csv", {"path": str(csv_path), "page_size": 5})
    extraction, pages = start_extraction(incident, [spec])
    run_extraction_inline(pages)
    extraction.refresh_from_db()
    return extraction


def test_status_counts_pages_records_and_rejections(
    incident: Incident, tmp_path: Path
) -> None:
    extraction = woo_extraction(incident, tmp_path)

    status = extraction_status(extraction)

    woo = status["sources"][0]
    assert status["status"] == "complete"
    assert woo["pages_done"] == 3
    assert woo["records_stored"] == 12
    assert woo["rows_rejected"] == 1
    assert woo["eta_seconds"] == 0
    assert woo["breaker"] == "closed"
    assert woo["oldest_as_of"] is not None


def test_report_says_which_source_supplied_the_records(
    incident: Incident, tmp_path: Path
) -> None:
    extraction = woo_extraction(incident, tmp_path)

    report = provenance_report(extraction)

    assert report["sources"] == {
        "woo": {"woocommerce.customers": {"supplied": 12, "covered": 0}}
    }
    assert report["rejected"] == [
        {
            "source": "woo",
            "reference": "row 14",
            "reason": "has 2 fields, the header has 27",
        }
    ]


@pytest.mark.urls("tests.sources.test_status")
def test_status_view_returns_json_to_a_signed_in_user(
    incident: Incident, tmp_path: Path
) -> None:
    extraction = woo_extraction(incident, tmp_path)
    client = Client()
    client.force_login(User.objects.create_user("operator"))

    response = client.get(f"/extractions/{extraction.pk}/status")

    assert response.status_code == 200
    assert response.json()["sources"][0]["records_stored"] == 12


@pytest.mark.urls("tests.sources.test_status")
def test_status_view_requires_sign_in(incident: Incident, tmp_path: Path) -> None:
    extraction = woo_extraction(incident, tmp_path)

    response = Client().get(f"/extractions/{extraction.pk}/status")

    assert response.status_code == 302


def test_cli_runs_an_extraction_inline_and_prints_progress(
    incident: Incident, tmp_path: Path
) -> None:
    csv_path = write_woocommerce_export(tmp_path / "woo.csv", make_customers(7))
    sources = tmp_path / "sources.json"
    sources.write_text(
        json.dumps([{"name": "woo", "kind": "woocommerce_csv", "path": str(csv_path)}])
    )

    result = CliRunner().invoke(
        main,
        ["extract", "run", "--incident", str(incident.pk), "--sources", str(sources),
         "--inline"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "woo" in result.output
    assert "7/        7 records" in result.output
    assert "complete" in result.output


def test_cli_status_prints_json(incident: Incident, tmp_path: Path) -> None:
    extraction = woo_extraction(incident, tmp_path)

    result = CliRunner().invoke(
        main, ["extract", "status", str(extraction.pk), "--json"]
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["totals"]["records_stored"] == 12


def test_cli_status_shows_how_stale_each_source_is(
    incident: Incident, tmp_path: Path
) -> None:
    extraction = woo_extraction(incident, tmp_path)

    result = CliRunner().invoke(main, ["extract", "status", str(extraction.pk)])

    assert result.exit_code == 0, result.output
    assert "woo: records as of " in result.output
    assert "days old)" in result.output

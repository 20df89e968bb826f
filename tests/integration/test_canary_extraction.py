"""An extraction from two shop exports with marker values, searched for.

A WooCommerce and a Magento export list the same people with one field
different, so the extraction stores provenance in the ledger, links people
across sources and records field conflicts. It runs page by page on a real
worker. Then the database, broker and logs are searched for every marker.
"""

import csv
import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from tests.integration.conftest import captured_logs, database_rows
from tocsin.incidents.models import Incident
from tocsin.sources.connectors.base import SourceSpec
from tocsin.sources.jobs import start_extraction
from tocsin.sources.models import Extraction, FieldConflict
from tocsin.sources.tasks import queue_pages
from tocsin.testing.canary import find_markers, sqlite_files
from tocsin.testing.fakes.shops import MAGENTO_COLUMNS, WOOCOMMERCE_COLUMNS
from tocsin.vault.models import Contact

PEOPLE = 4
# Source names are stored in plaintext by design, so finding this one shows
# that a search reads the place where the extraction's rows landed.
CONTROL = "cnrysource"


def person_values(number: int) -> dict[str, str]:
    """Return one person's marker values, valid for both connectors."""
    return {
        "customer_id": f"zqxcanary{number:02d}wooid",
        "first_name": f"Zqxcanary{number:02d}Barbara",
        "last_name": f"Zqxcanary{number:02d}Liskov",
        "email": f"zqxcanary{number:02d}shop@example.com",
        "phone": f"+1318555016{number}",
        "street": f"{number + 60} Zqxcanary{number:02d} Avenue",
        "woo_city": f"Zqxcanary{number:02d}field",
        "magento_city": f"Zqxcanary{number:02d}haven",
    }


def woocommerce_row(values: dict[str, str]) -> dict[str, str]:
    return {
        "customer_id": values["customer_id"],
        "first_name": values["first_name"],
        "last_name": values["last_name"],
        "email": values["email"],
        "billing_email": values["email"],
        "billing_phone": values["phone"],
        "billing_address_1": values["street"],
        "billing_city": values["woo_city"],
        "billing_state": "TX",
        "billing_postcode": "78701",
        "billing_country": "US",
    }


def magento_row(values: dict[str, str]) -> dict[str, str]:
    return {
        "email": values["email"],
        "_website": "base",
        "firstname": values["first_name"],
        "lastname": values["last_name"],
        "updated_at": "2026-10-01 10:00:00",
        "_address_street": values["street"],
        "_address_city": values["magento_city"],
        "_address_region": "TX",
        "_address_postcode": "78701",
        "_address_country_id": "US",
        "_address_telephone": values["phone"],
    }


def write_export(path: Path, columns: list[str], rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def source_specs(folder: Path) -> list[SourceSpec]:
    people = [person_values(number) for number in range(PEOPLE)]
    woo = write_export(
        folder / "woo.csv", WOOCOMMERCE_COLUMNS, [woocommerce_row(p) for p in people]
    )
    magento = write_export(
        folder / "magento.csv", MAGENTO_COLUMNS, [magento_row(p) for p in people]
    )
    return [
        SourceSpec(f"{CONTROL}-woo", "woocommerce_csv", {"path": str(woo)}),
        SourceSpec(f"{CONTROL}-magento", "magento_csv", {"path": str(magento)}),
    ]


def wait_for_extraction(extraction: Extraction, timeout_s: float = 120) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        extraction.refresh_from_db()
        if extraction.status != Extraction.Status.RUNNING:
            return extraction.status
        time.sleep(0.25)
    return extraction.status


def all_markers() -> list[str]:
    markers = []
    for number in range(PEOPLE):
        values = person_values(number)
        markers += values.values()
        markers.append(values["phone"].removeprefix("+1"))
    return markers


@pytest.mark.django_db(transaction=True)
def test_extraction_leaves_no_marker_on_disk(
    incident: Incident,
    start_worker: Callable,
    broker_traffic: Callable[[], dict[str, list]],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG, logger="tocsin")
    monkeypatch.setenv("TOCSIN_WORKER_LOG_LEVEL", "DEBUG")
    markers = all_markers()
    worker = start_worker()

    extraction, pages = start_extraction(incident, source_specs(tmp_path))
    queue_pages(pages)
    status = wait_for_extraction(extraction)
    locations = {"database rows": [database_rows()]}
    if connection.vendor == "sqlite":
        locations["database file"] = sqlite_files(connection.settings_dict["NAME"])
    worker.stop()
    locations |= broker_traffic()
    locations["worker log"] = [worker.log_path]
    locations["test log"] = [captured_logs(caplog)]

    assert status == Extraction.Status.COMPLETE
    assert Contact.objects.filter(incident=incident).count() == PEOPLE
    assert FieldConflict.objects.filter(incident=incident).count() == PEOPLE
    assert find_markers(locations["database rows"], [CONTROL]) != []
    leaks = [
        f"{location}: {found}"
        for location, sources in locations.items()
        for found in find_markers(sources, markers)
    ]
    assert leaks == [], "markers found:\n" + "\n".join(leaks)

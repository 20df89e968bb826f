from pathlib import Path

import pytest

from tocsin.incidents.models import Incident
from tocsin.sources import tasks
from tocsin.sources.connectors.base import SourceSpec
from tocsin.sources.jobs import start_extraction
from tocsin.sources.models import SourceRun
from tocsin.testing.fakes.shops import make_customers, write_woocommerce_export


def test_unexpected_error_stops_the_run_without_keeping_its_message(
    incident: Incident, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_woocommerce_export(tmp_path / "woo.csv", make_customers(2))
    spec = SourceSpec("woo", "woocommerce_csv", {"path": str(path)})
    extraction, pages = start_extraction(incident, [spec])

    def explode(run_id: str, page_no: int) -> list:
        raise RuntimeError("ann.lee@example.com")

    monkeypatch.setattr(tasks, "extract_page", explode)

    tasks.extract_page_task(*pages[0])

    run = extraction.runs.get()
    assert run.status == SourceRun.Status.FAILED
    assert run.last_error == (
        "source run stopped by an unexpected RuntimeError; see the worker log, "
        "then run 'tocsin extract resync' once fixed"
    )


def test_page_task_stores_the_page_and_queues_the_next(
    incident: Incident, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_woocommerce_export(tmp_path / "woo.csv", make_customers(3))
    spec = SourceSpec("woo", "woocommerce_csv", {"path": str(path), "page_size": 2})
    extraction, pages = start_extraction(incident, [spec])
    queued: list = []
    monkeypatch.setattr(tasks, "queue_pages", queued.extend)

    tasks.extract_page_task(*pages[0])

    run = extraction.runs.get()
    assert run.pages_done == 1
    assert queued == [(str(run.pk), 1)]

"""Extraction on real worker processes, with one killed by SIGKILL mid-page.

Runs ``benchmarks/extraction.py`` in a subprocess with its own TOCSIN_HOME,
a fake Salesforce failing 10% of requests, two session expiries and a worker
killed while the fake delays its page request. The database and broker are
SQLite; in the PostgreSQL pass, a scratch PostgreSQL database and the test
broker when it is Redis.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def server_options() -> list[str]:
    """Return the benchmark options that select this test pass's servers."""
    if os.environ.get("TOCSIN_TEST_PASS") != "postgres":
        return []
    server = os.environ["TOCSIN_TEST_DATABASE_URL"].rsplit("/", 1)[0]
    options = ["--database-url", f"{server}/tocsin_sources_worker_kill"]
    if os.environ.get("TOCSIN_TEST_BROKER_URL", "").startswith("redis://"):
        options += ["--broker-url", os.environ["TOCSIN_TEST_BROKER_URL"]]
    return options


def run_benchmark(tmp_path: Path, count: int, page_size: int) -> dict:
    output = tmp_path / "result.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "extraction.py"),
         "--count", str(count), "--page-size", str(page_size),
         "--output", str(output), "--timeout", "300", *server_options()],
        env=env, capture_output=True, text=True, timeout=400,
    )  # fmt: skip
    assert output.exists(), completed.stderr[-3000:]
    return json.loads(output.read_text())


def test_killed_worker_loses_no_contact_and_stores_none_twice(tmp_path: Path) -> None:
    result = run_benchmark(tmp_path, count=2000, page_size=200)

    assert result["status"] == "complete"
    assert result["contacts_stored"] == 2000
    assert result["unique_source_records"] == 2000
    assert result["duplicated_source_records"] == 0
    assert any("killed with SIGKILL mid-page" in e for e in result["events"])
    assert result["retries"] > 0


@pytest.mark.slow
def test_hundred_thousand_contacts_survive_faults_and_a_killed_worker(
    tmp_path: Path,
) -> None:
    result = run_benchmark(tmp_path, count=100_000, page_size=2000)

    assert result["contacts_stored"] == 100_000
    assert result["unique_source_records"] == 100_000
    assert result["duplicated_source_records"] == 0

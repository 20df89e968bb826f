"""Pytest plugin that points Tocsin at a throwaway data folder and database.

Loaded with ``-p`` before pytest-django reads the settings, because the
settings module reads ``TOCSIN_HOME`` and ``DATABASE_URL`` when imported.

The suite runs in two passes (see ``scripts/test``): on SQLite with the
embedded broker, then, where ``TOCSIN_TEST_DATABASE_URL`` is set, on
PostgreSQL with the broker from ``TOCSIN_TEST_BROKER_URL``.
"""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ON_POSTGRES = os.environ.get("TOCSIN_TEST_PASS") == "postgres"

os.environ["TOCSIN_HOME"] = os.environ.get("TOCSIN_TEST_HOME") or tempfile.mkdtemp(
    prefix="tocsin-test-"
)
# The vault's master key lives outside the data folder, as in production.
os.environ["TOCSIN_MASTER_KEY_FILE"] = os.environ.get(
    "TOCSIN_TEST_MASTER_KEY_FILE"
) or os.path.join(tempfile.mkdtemp(prefix="tocsin-test-keys-"), "master.key")
for _name in ("TOCSIN_MASTER_KEY", "TOCSIN_MASTER_KEY_PREVIOUS", "TOCSIN_KEY_PROVIDER"):
    os.environ.pop(_name, None)
os.environ.pop("DATABASE_URL", None)
os.environ.pop("TOCSIN_BROKER_URL", None)
if ON_POSTGRES:
    os.environ["DATABASE_URL"] = os.environ["TOCSIN_TEST_DATABASE_URL"]
    if os.environ.get("TOCSIN_TEST_BROKER_URL"):
        os.environ["TOCSIN_BROKER_URL"] = os.environ["TOCSIN_TEST_BROKER_URL"]

SKIP_POSTGRES = pytest.mark.skip(
    reason="needs PostgreSQL: set TOCSIN_TEST_DATABASE_URL="
    "postgresql://postgres@127.0.0.1:5432/test and run scripts/test"
)
SKIP_BROKER = pytest.mark.skip(
    reason="needs Redis or RabbitMQ: set TOCSIN_TEST_BROKER_URL="
    "redis://127.0.0.1:6379/0 and run scripts/test"
)
SKIP_SLOW = pytest.mark.skip(reason="large run: set TOCSIN_SLOW_TESTS=1 to include it")


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Skip tests whose server is not configured, saying how to enable them."""
    has_broker = ON_POSTGRES and bool(os.environ.get("TOCSIN_BROKER_URL"))
    for item in items:
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(SKIP_POSTGRES)
        if "broker" in item.keywords and not has_broker:
            item.add_marker(SKIP_BROKER)
        if "slow" in item.keywords and os.environ.get("TOCSIN_SLOW_TESTS") != "1":
            item.add_marker(SKIP_SLOW)
        if "sqlite_only" in item.keywords and ON_POSTGRES:
            item.add_marker(pytest.mark.skip(reason="checks SQLite files only"))


@pytest.fixture(scope="session", autouse=True)
def tocsin_master_key() -> str:
    """Create the test run's master key file, as ``tocsin init`` would."""
    from tocsin.vault.keys import ensure_master_key

    return str(ensure_master_key())


@pytest.fixture
def start_worker(transactional_db: None, tmp_path: Path) -> Iterator:
    """Return a function that starts worker processes on the test database.

    Every worker started is stopped when the test ends. Queued tasks left
    by an earlier test are purged first, so each test sees only its own.
    """
    from tocsin.celery import app
    from tocsin.testing.workers import WorkerProcess

    app.control.purge()
    workers: list[WorkerProcess] = []

    def start(concurrency: int = 1, queues: str | None = None) -> WorkerProcess:
        worker = WorkerProcess(
            tmp_path / f"worker-{len(workers)}.log", concurrency, queues
        )
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        worker.stop()

"""Real Celery worker processes for integration tests.

A worker started here opens the same database as the test (the SQLite test
file or the PostgreSQL test database) and the same broker, so tests can
enqueue work, kill the worker with SIGKILL and check what survived.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

READY_MARKER = "ready."


def worker_environment() -> dict[str, str]:
    """Return the environment a worker needs to share the test's database."""
    env = dict(os.environ)
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        env["TOCSIN_SQLITE_PATH"] = str(database["NAME"])
        env.pop("DATABASE_URL", None)
    else:
        user = database.get("USER") or "postgres"
        host = database.get("HOST") or "127.0.0.1"
        port = database.get("PORT") or 5432
        env["DATABASE_URL"] = f"postgresql://{user}@{host}:{port}/{database['NAME']}"
    env["TOCSIN_LOG_LEVEL"] = env.get("TOCSIN_WORKER_LOG_LEVEL", "INFO")
    return env


class WorkerProcess:
    """One ``tocsin worker`` subprocess and its log file."""

    def __init__(
        self, log_path: Path, concurrency: int = 1, queues: str | None = None
    ) -> None:
        self.log_path = log_path
        command = [
            sys.executable,
            "-m",
            "tocsin.cli",
            "worker",
            "--concurrency",
            str(concurrency),
        ]
        if queues:
            command += ["--queues", queues]
        self._log = log_path.open("w")
        self.process = subprocess.Popen(
            command,
            env=worker_environment(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout_s: float = 60) -> None:
        """Block until the worker logs that it is ready to take tasks."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if READY_MARKER in self.log_path.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"worker exited with {self.process.returncode}; see {self.log_path}"
                )
            time.sleep(0.1)
        raise TimeoutError(f"worker not ready after {timeout_s} s; see {self.log_path}")

    def kill(self) -> None:
        """Kill the worker and its pool children at once, as a crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """Ask the worker to finish its current tasks and exit."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()

"""Benchmark: extract contacts from a faulty fake Salesforce with real workers.

Runs, in a fresh temporary TOCSIN_HOME (SQLite database, embedded SQLite
broker):

1. a baseline: a plain simple-salesforce script paging the same fake org
   with no faults and storing nothing;
2. a Tocsin extraction of the same records on real ``celery worker``
   processes (solo pool), while the fake fails a share of the requests
   (503, 429 with Retry-After, slow responses past the client timeout), ends
   every session twice, and one worker is killed with SIGKILL in the middle
   of a page. A replacement worker is started after the kill.

It checks that the vault holds exactly one contact per source record and
prints the timings, the ratio to the baseline and the fault counts as JSON.

    PYTHONPATH=src .venv/bin/python benchmarks/extraction.py --count 100000
"""

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PASSWORD = "correct-horse"
TOKEN = "TOKEN123"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--count", type=int, default=100_000, help="Contacts in the org."
    )
    parser.add_argument(
        "--failure-rate", type=float, default=0.1, help="Share of API requests failing."
    )
    parser.add_argument("--page-size", type=int, default=2000, help="Records per page.")
    parser.add_argument("--mode", choices=("rest", "bulk"), default="rest")
    parser.add_argument("--workers", type=int, default=2, help="Worker processes.")
    parser.add_argument(
        "--timeout", type=float, default=900, help="Give up after this many seconds."
    )
    parser.add_argument("--output", help="Also write the result JSON to this file.")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL database to use instead of SQLite; it is dropped and "
        "created again, so name a scratch database.",
    )
    parser.add_argument(
        "--broker-url",
        help="Redis broker to use instead of the SQLite one; its database is "
        "flushed first, so name a scratch database number.",
    )
    return parser.parse_args(argv)


def recreate_database(url: str) -> None:
    """Drop and create the PostgreSQL database named in ``url``."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def configure_environment(home: Path, args: argparse.Namespace) -> dict[str, str]:
    """Set and return the environment shared by this process and workers."""
    env = {
        "TOCSIN_HOME": str(home),
        "TOCSIN_MASTER_KEY_FILE": str(home / "keys" / "master.key"),
        "DJANGO_SETTINGS_MODULE": "tocsin.settings",
        "PYTHONPATH": str(SRC),
        "TOCSIN_LOG_LEVEL": "WARNING",
        "TOCSIN_SALESFORCE_PASSWORD": PASSWORD,
        "TOCSIN_SALESFORCE_SECURITY_TOKEN": TOKEN,
        # Short waits: the fake's faults are instantaneous, and the run
        # measures recovery, not politeness to a real org.
        "TOCSIN_SOURCE_BACKOFF_BASE": "0.05",
        "TOCSIN_SOURCE_BACKOFF_MAX": "1",
        "TOCSIN_SOURCE_BREAKER_THRESHOLD": "8",
        "TOCSIN_SOURCE_BREAKER_COOLDOWN": "1",
        "TOCSIN_SOURCE_TIMEOUT": "1",
        "TOCSIN_SOURCE_STALLED_AFTER": "3",
    }
    for name in ("DATABASE_URL", "TOCSIN_BROKER_URL", "TOCSIN_MASTER_KEY"):
        os.environ.pop(name, None)
    if args.database_url:
        recreate_database(args.database_url)
        env["DATABASE_URL"] = args.database_url
    if args.broker_url:
        import redis

        redis.Redis.from_url(args.broker_url).flushdb()
        env["TOCSIN_BROKER_URL"] = args.broker_url
    os.environ.update(env)
    return dict(os.environ)


def start_worker(name: str, env: dict[str, str], home: Path) -> subprocess.Popen:
    """Start a solo-pool Celery worker process; return it."""
    log = (home / f"{name}.log").open("w")
    command = [
        sys.executable, "-m", "celery", "-A", "tocsin.celery", "worker",
        "--pool", "solo", "-n", f"{name}@benchmark", "--without-gossip",
        "--without-mingle", "--without-heartbeat", "-l", "WARNING",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def pid_for_client_port(port: int, pids: list[int]) -> int | None:
    """Return which of ``pids`` owns the TCP socket bound to local ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return pid
    return None


def run_baseline(fake, page_size: int, mode: str) -> tuple[float, int]:
    """Page through the fake with plain simple-salesforce; return (s, rows).

    Uses the same API as the extraction: REST query pages or a Bulk API 2.0
    job, and stores nothing.
    """
    import requests
    from simple_salesforce import Salesforce

    from tocsin.sources.connectors.salesforce import _EndpointOverrideAdapter

    session = requests.Session()
    session.mount("https://", _EndpointOverrideAdapter(fake.url))
    started = time.perf_counter()
    client = Salesforce(
        username=fake.username, password=PASSWORD, security_token=TOKEN, session=session
    )
    if mode == "bulk":
        soql = (
            "SELECT Id, FirstName, LastName, Email, Phone, MobilePhone, "
            "MailingStreet, MailingCity, MailingState, MailingPostalCode, "
            "MailingCountry, SystemModstamp FROM Contact ORDER BY Id"
        )
        pages = client.bulk2.Contact.query(soql, max_records=page_size)
        rows = sum(page.count("\n") - 1 for page in pages)
        return time.perf_counter() - started, rows
    headers = {"Sforce-Query-Options": f"batchSize={page_size}"}
    result = client.query(
        "SELECT Id, FirstName, LastName, Email, Phone, MobilePhone, "
        "MailingAddress, SystemModstamp FROM Contact ORDER BY Id",
        headers=headers,
    )
    rows = len(result["records"])
    while not result["done"]:
        result = client.query_more(
            result["nextRecordsUrl"], identifier_is_url=True, headers=headers
        )
        rows += len(result["records"])
    return time.perf_counter() - started, rows


def drive_extraction(args, fake, env, home) -> dict:
    """Run the extraction with faults and a worker kill; return the record."""
    from datetime import UTC, datetime

    import tocsin.celery  # noqa: F401  binds shared tasks to Tocsin's app
    from tocsin.incidents.models import Incident
    from tocsin.sources.connectors.base import SourceSpec
    from tocsin.sources.jobs import resume_stalled_runs, start_extraction
    from tocsin.sources.models import Extraction, SourceRun
    from tocsin.sources.tasks import queue_pages

    incident = Incident.objects.create(
        name="Benchmark", discovered_at=datetime(2026, 11, 1, tzinfo=UTC)
    )
    spec = SourceSpec(
        "crm",
        "salesforce",
        {
            "username": fake.username,
            "endpoint_override": fake.url,
            "objects": ["Contact"],
            "mode": args.mode,
            "page_size": args.page_size,
            "bulk_page_size": args.page_size,
        },
    )
    workers = [start_worker(f"w{i}", env, home) for i in range(args.workers)]
    events: list[str] = []
    started = time.perf_counter()
    extraction, pages = start_extraction(incident, [spec])
    queue_pages(pages)
    expiries_at = [0.3, 0.6]
    # Hold a request near the middle of the run; the worker sending it is
    # the one killed, so the kill always lands inside a page.
    expected_requests = args.count // args.page_size + (5 if args.mode == "bulk" else 2)
    fake.hold_request(max(3, expected_requests // 2))
    killed = False
    try:
        while time.perf_counter() - started < args.timeout:
            run = SourceRun.objects.get(extraction=extraction)
            share = run.records_stored / args.count
            if expiries_at and share >= expiries_at[0]:
                fake.expire_sessions()
                events.append(f"sessions expired at {share:.0%}")
                expiries_at.pop(0)
            if not killed and fake.is_holding():
                killed = kill_worker_mid_page(fake, workers, events, share)
                workers.append(start_worker("replacement", env, home))
            queue_pages(resume_stalled_runs(extraction))
            extraction.refresh_from_db()
            if extraction.status != Extraction.Status.RUNNING:
                break
            time.sleep(0.25)
        elapsed = time.perf_counter() - started
    finally:
        fake.release()
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in workers:
            worker.wait(30)
    return summarize(extraction, incident, elapsed, events)


def kill_worker_mid_page(fake, workers, events: list[str], share: float) -> bool:
    """SIGKILL the worker whose page request the fake is holding."""
    port = fake.held_client_port
    pids = [w.pid for w in workers if w.poll() is None]
    pid = pid_for_client_port(port, pids)
    if pid is None:
        fake.release()
        events.append("no worker held the paused request; none killed")
        return True
    os.kill(pid, signal.SIGKILL)
    fake.release()
    events.append(f"worker {pid} killed with SIGKILL mid-page at {share:.0%}")
    return True


def summarize(extraction, incident, elapsed: float, events: list[str]) -> dict:
    from django.db.models import Count

    from tocsin.sources.status import extraction_status
    from tocsin.vault.models import Contact

    contacts = Contact.objects.filter(incident=incident)
    duplicates = (
        contacts.values("source_record_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    status = extraction_status(extraction)
    return {
        "seconds": round(elapsed, 2),
        "status": status["status"],
        "contacts_stored": contacts.count(),
        "unique_source_records": contacts.values("source_record_id").distinct().count(),
        "duplicated_source_records": duplicates,
        "pages": status["totals"]["pages_done"],
        "retries": status["totals"]["retries"],
        "rate_limit_waits": status["totals"]["rate_limit_waits"],
        "events": events,
    }


def machine() -> dict:
    """Return what the numbers were measured on."""
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout
    return {
        "nproc": os.cpu_count(),
        "memory": free.splitlines()[1].split()[1] if free else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="tocsin-bench-"))
    env = configure_environment(home, args)
    sys.path.insert(0, str(SRC))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from tocsin.testing.fakes.salesforce import FakeSalesforce
    from tocsin.vault.keys import ensure_master_key

    ensure_master_key()
    with FakeSalesforce(
        contacts=args.count, slow_seconds=1.5, retry_after_seconds=1
    ) as fake:
        baseline_seconds, baseline_rows = run_baseline(fake, args.page_size, args.mode)
        fake.failure_rate = args.failure_rate
        fake.failure_mix = ("unavailable", "rate_limited", "slow")
        fake.stats.clear()
        result = drive_extraction(args, fake, env, home)
        faults = {k: v for k, v in fake.stats.items() if k.startswith("fault:")}
        result |= {"api_requests": fake.stats["api_requests"], "faults": faults}
        result["logins"] = fake.stats["logins"]
    result |= {
        "count": args.count,
        "mode": args.mode,
        "page_size": args.page_size,
        "workers": args.workers,
        "baseline_seconds": round(baseline_seconds, 2),
        "baseline_rows": baseline_rows,
        "ratio_to_baseline": round(result["seconds"] / baseline_seconds, 1),
        "database": "postgresql" if args.database_url else "sqlite",
        "broker": "redis" if args.broker_url else "sqlite",
        "machine": machine(),
        "home": str(home),
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.output:
        Path(args.output).write_text(text)
    return result


if __name__ == "__main__":
    outcome = main()
    exact = outcome["unique_source_records"] == outcome["count"]
    sys.exit(0 if exact and outcome["duplicated_source_records"] == 0 else 1)

"""Benchmark the vault against plain, unencrypted storage in the same database.

Stores N synthetic contacts through ``store_contacts``, looks 10,000 of them
up by email through the blind index, and purges them. It then does the same
with a plain table of the same values unencrypted, through the same ORM
path (``bulk_create`` in batches of 2,000). The ratio between the two is
the cost of encryption.

    PYTHONPATH=src python benchmarks/vault.py --count 100000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/tocsin_bench \
        PYTHONPATH=src python benchmarks/vault.py --count 100000

Without DATABASE_URL it uses SQLite in a new temporary TOCSIN_HOME.
Contacts are synthetic (example.com addresses, 555-01xx phone numbers).
"""

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path


def _prepare_environment() -> None:
    home = tempfile.mkdtemp(prefix="tocsin-bench-")
    os.environ.setdefault("TOCSIN_HOME", home)
    os.environ.setdefault(
        "TOCSIN_MASTER_KEY_FILE",
        str(Path(tempfile.mkdtemp(prefix="tocsin-bench-keys-")) / "master.key"),
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings")
    os.environ.setdefault("TOCSIN_LOG_LEVEL", "WARNING")


def _records(count: int) -> list:
    from tocsin.vault.records import ContactRecord, Provenance

    as_of = datetime(2026, 11, 1, tzinfo=UTC)
    provinces = ["CA", "NY", "TX", "IL", "WA", "FL"]
    records = []
    for n in range(count):
        provenance = Provenance("bench-export", "customers.csv", f"row-{n}", as_of)
        records.append(
            ContactRecord(
                provenance=provenance,
                customer_id=f"C-{n:08d}",
                first_name=f"First{n % 997}",
                last_name=f"Last{n % 1009}",
                email=f"person{n}@example.com",
                phone=f"+1555010{n % 100:02d}",
                address1=f"{n % 9000 + 1} Example Street",
                city="Springfield",
                province_code=provinces[n % len(provinces)],
                postal_code=f"{62700 + n % 100}",
                country_code="US",
            )
        )
    return records


def _plain_model() -> type:
    from django.db import connection, models

    class PlainContact(models.Model):
        id = models.UUIDField(primary_key=True)
        source = models.CharField(max_length=100)
        source_object = models.CharField(max_length=100)
        source_record_id = models.CharField(max_length=200)
        as_of = models.DateTimeField()
        customer_id = models.CharField(max_length=200, db_index=True)
        first_name = models.CharField(max_length=200)
        last_name = models.CharField(max_length=200)
        email = models.CharField(max_length=200, db_index=True)
        phone = models.CharField(max_length=64, db_index=True)
        address1 = models.CharField(max_length=200)
        address2 = models.CharField(max_length=200)
        city = models.CharField(max_length=200)
        province_code = models.CharField(max_length=16)
        postal_code = models.CharField(max_length=32)
        country_code = models.CharField(max_length=2)
        company = models.CharField(max_length=200)
        created_at = models.DateTimeField(auto_now_add=True)

        class Meta:
            app_label = "vault_benchmark"
            db_table = "vault_benchmark_plaincontact"

    with connection.schema_editor() as editor:
        editor.create_model(PlainContact)
    return PlainContact


def _timed(label: str, results: dict, action: Callable[[], object]) -> object:
    started = time.perf_counter()
    value = action()
    results[label] = time.perf_counter() - started
    return value


def _store_plain(model: type, records: list) -> None:
    import uuid

    from django.db import transaction

    from tocsin.vault.records import PERSONAL_FIELDS

    with transaction.atomic():
        for start in range(0, len(records), 2000):
            rows = [
                model(
                    id=uuid.uuid4(),
                    source=r.provenance.source,
                    source_object=r.provenance.source_object,
                    source_record_id=r.provenance.source_record_id,
                    as_of=r.provenance.as_of,
                    **{name: getattr(r, name) for name in PERSONAL_FIELDS},
                )
                for r in records[start : start + 2000]
            ]
            model.objects.bulk_create(rows, batch_size=2000)


def _purge_plain(model: type) -> None:
    # The same chunked delete and compaction the vault purge does, without
    # the counts, key destruction and audit entry.
    from django.db import transaction

    from tocsin.vault.purge import compact_database

    while ids := list(model.objects.values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            model.objects.filter(pk__in=ids).delete()
    compact_database()


def run(count: int, lookups: int) -> dict:
    """Run the benchmark; return seconds per phase, by label."""
    import django

    django.setup()
    from django.core.management import call_command

    from tocsin.incidents.models import Incident
    from tocsin.vault.keys import ensure_master_key
    from tocsin.vault.purge import purge_incident_vault
    from tocsin.vault.store import find_contacts, open_contacts, store_contacts

    call_command("migrate", verbosity=0)
    ensure_master_key()
    records = _records(count)
    emails = [r.email for r in random.Random(7).sample(records, min(lookups, count))]
    incident = Incident.objects.create(
        name="Benchmark", discovered_at=datetime.now(UTC)
    )
    plain = _plain_model()
    results: dict = {}

    # All encrypted phases first, then all plain ones: each purge then
    # compacts a database holding only its own table's rows.
    stored = _timed(
        "store encrypted", results, lambda: store_contacts(incident, records)
    )
    _timed(
        "lookup encrypted",
        results,
        lambda: [list(find_contacts(incident, email=e)) for e in emails],
    )
    opened = stored[: min(lookups, count)]
    _timed("open encrypted", results, lambda: open_contacts(opened))
    stored.clear()
    _timed("purge encrypted", results, lambda: purge_incident_vault(incident))
    _timed("store plain", results, lambda: _store_plain(plain, records))
    _timed(
        "lookup plain",
        results,
        lambda: [list(plain.objects.filter(email=e.strip().lower())) for e in emails],
    )
    _timed("purge plain", results, lambda: _purge_plain(plain))
    return results


def main() -> None:
    """Parse arguments, run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="contacts")
    parser.add_argument("--lookups", type=int, default=10_000, help="email lookups")
    args = parser.parse_args()
    _prepare_environment()
    results = run(args.count, args.lookups)
    from django.db import connection

    print(f"contacts: {args.count:,}, lookups: {args.lookups:,}")
    print(f"database: {connection.vendor}, Python {platform.python_version()}")
    print(f"cpus: {os.cpu_count()}")
    print("| phase | encrypted (s) | plain (s) | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for phase in ("store", "lookup", "purge"):
        encrypted = results[f"{phase} encrypted"]
        baseline = results[f"{phase} plain"]
        ratio = encrypted / baseline
        print(f"| {phase} | {encrypted:.2f} | {baseline:.2f} | {ratio:.2f} |")
    opened = min(args.lookups, args.count)
    print(f"open {opened:,} contacts: {results['open encrypted']:.2f} s")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

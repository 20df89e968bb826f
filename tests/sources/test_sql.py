from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest

from tocsin.incidents.models import Incident
from tocsin.sources.connectors.base import SourceSpec, build_connector
from tocsin.sources.errors import SourceConfigError, SourceDataError, SourceUnavailable
from tocsin.sources.jobs import run_extraction_inline, start_extraction
from tocsin.sources.models import SourceRun

SERVER = "postgresql://postgres@127.0.0.1:5432"
REPLICA_DB = "tocsin_sources_replica"


@pytest.fixture(scope="module")
def replica_dsn() -> Iterator[str]:
    try:
        admin = psycopg.connect(
            f"{SERVER}/postgres", autocommit=True, connect_timeout=2
        )
    except psycopg.OperationalError:
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432 for the replica tests")
    exists = admin.execute(
        "SELECT 1 FROM pg_database WHERE datname = %s", (REPLICA_DB,)
    ).fetchone()
    if not exists:
        admin.execute(f"CREATE DATABASE {REPLICA_DB}")
    admin.close()
    dsn = f"{SERVER}/{REPLICA_DB}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS customers")
        conn.execute(
            "CREATE TABLE customers (id bigint PRIMARY KEY, email text, "
            "phone text, zip text, country text, updated_at timestamptz)"
        )
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO customers VALUES (%s, %s, %s, %s, 'US', %s)",
                [
                    (
                        n,
                        f"customer{n}@example.com",
                        f"212-555-{100 + n % 100:04d}",
                        "62701",
                        datetime(2026, 10, 1, tzinfo=UTC),
                    )
                    for n in range(1, 26)
                ],
            )
    yield dsn


def replica_spec(**options: object) -> SourceSpec:
    base = {
        "table": "customers",
        "columns": {"email": "email", "phone": "phone", "postal_code": "zip",
                    "country_code": "country"},
        "updated_at_column": "updated_at",
        "page_size": 10,
    }  # fmt: skip
    return SourceSpec("replica", "sql", base | options)


def test_replica_is_read_in_key_order_pages(
    replica_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOCSIN_REPLICA_DSN", replica_dsn)
    connector = build_connector(replica_spec())

    first = connector.fetch_page(None, None)
    second = connector.fetch_page(first.next_cursor, None)
    third = connector.fetch_page(second.next_cursor, None)

    assert first.next_cursor == {"after": 10}
    assert [r.provenance.source_record_id for r in second.records][:2] == ["11", "12"]
    assert len(third.records) == 5
    assert third.next_cursor is None
    assert first.records[0].phone == "+12125550101"
    assert first.records[0].province_code == "IL"


def test_replica_session_is_read_only(
    replica_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOCSIN_REPLICA_DSN", replica_dsn)
    connector = build_connector(replica_spec())
    connector.fetch_page(None, None)

    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        connector._connect().execute("DELETE FROM customers")


def test_replica_delta_reads_rows_updated_since(
    replica_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOCSIN_REPLICA_DSN", replica_dsn)
    connector = build_connector(replica_spec())

    page = connector.fetch_page(None, datetime(2026, 11, 1, tzinfo=UTC))

    assert page.records == []


def test_unknown_replica_column_names_the_option_to_fix(
    replica_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOCSIN_REPLICA_DSN", replica_dsn)
    connector = build_connector(replica_spec(columns={"email": "mail"}))

    with pytest.raises(SourceDataError) as error:
        connector.fetch_page(None, None)

    assert str(error.value) == (
        "source 'replica': column \"mail\" does not exist; correct the source's "
        "table, key_column or columns option"
    )


def test_unreachable_replica_is_retryable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOCSIN_REPLICA_DSN", "postgresql://postgres@127.0.0.1:9/x")
    connector = build_connector(replica_spec(timeout=1))

    with pytest.raises(SourceUnavailable) as error:
        connector.fetch_page(None, None)

    assert str(error.value) == (
        "source 'replica': cannot reach the database (OperationalError); retrying"
    )


def test_mysql_replica_says_which_driver_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOCSIN_REPLICA_DSN", "mysql://root@127.0.0.1:3306/test")
    connector = build_connector(replica_spec())

    with pytest.raises(SourceConfigError) as error:
        connector.fetch_page(None, None)

    assert "need a MySQL driver such as PyMySQL" in str(error.value)


@pytest.mark.django_db
def test_replica_down_past_its_deadline_fails_over_to_the_snapshot(
    incident: Incident, tmp_path, monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    settings.TOCSIN_SOURCE_DEADLINE = 0.2
    monkeypatch.setenv("TOCSIN_REPLICA_DSN", "postgresql://postgres@127.0.0.1:9/x")
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text('{"id": "S-1", "as_of": "2026-10-30T00:00:00Z"}\n')
    specs = [
        replica_spec(timeout=1),
        SourceSpec(
            "last-export", "snapshot", {"path": str(snapshot)}, fallback_only=True
        ),
    ]

    extraction, pages = start_extraction(incident, specs)
    run_extraction_inline(pages)

    replica, fallback = extraction.runs.order_by("position")
    assert replica.status == SourceRun.Status.FAILED_OVER
    assert replica.retries >= 2
    assert replica.last_error == (
        "source 'replica': cannot reach the database (OperationalError); retrying"
    )
    assert fallback.status == SourceRun.Status.COMPLETE
    assert fallback.records_stored == 1

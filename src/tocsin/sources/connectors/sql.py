"""A read replica or reporting database over SQL, paged by key.

Pages use keyset pagination (``WHERE key > last ORDER BY key LIMIT n``), not
OFFSET: each page costs one index range scan however deep the pull is, and
rows inserted while the pull runs do not shift later pages. The session is
read-only (``default_transaction_read_only``), so a wrong column mapping can
never write to the company's database.

The connection string comes from the environment variable named by
``dsn_env``, never from the source definition, because it contains a password.
"""

import os
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

from tocsin.sources import conf
from tocsin.sources.connectors.base import (
    Cursor,
    Page,
    RejectedRow,
    SourceSpec,
    register_kind,
)
from tocsin.sources.errors import (
    SourceAuthFailed,
    SourceConfigError,
    SourceDataError,
    SourceUnavailable,
)
from tocsin.sources.normalize import normalize_contact
from tocsin.sources.shops.generic_csv import CONTACT_FIELDS
from tocsin.vault.records import ContactRecord, Provenance

DEFAULT_PAGE_SIZE = 5000


@register_kind("sql")
class SqlReplicaConnector:
    """Reads contacts from one table or view of a PostgreSQL database."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.table: str = spec.option("table")
        self.key_column: str = spec.options.get("key_column", "id")
        self.columns: dict[str, str] = spec.option("columns")
        unknown = sorted(set(self.columns) - set(CONTACT_FIELDS))
        if unknown:
            raise SourceConfigError(
                f"source {spec.name!r} maps unknown contact fields "
                f"{', '.join(unknown)}; use any of {', '.join(CONTACT_FIELDS)}"
            )
        self.updated_at_column: str = spec.options.get("updated_at_column", "")
        self.page_size = int(spec.options.get("page_size", DEFAULT_PAGE_SIZE))
        self.timeout = float(
            spec.options.get("timeout", conf.request_timeout_seconds())
        )
        self._connection: psycopg.Connection | None = None

    def _dsn(self) -> str:
        env_name = self.spec.options.get("dsn_env", "TOCSIN_REPLICA_DSN")
        dsn = os.environ.get(env_name, "")
        if not dsn:
            raise SourceConfigError(
                f"source {self.spec.name!r}: environment variable {env_name} is "
                "not set; set it to the replica's postgresql:// URL"
            )
        scheme = urlsplit(dsn).scheme
        if scheme.startswith("mysql"):
            raise SourceConfigError(
                f"source {self.spec.name!r}: MySQL replicas need a MySQL driver "
                "such as PyMySQL, which is not installed; export the table to "
                "CSV and use a generic_csv source instead"
            )
        return dsn

    def _connect(self) -> psycopg.Connection:
        if self._connection is None or self._connection.closed:
            timeout_ms = int(self.timeout * 1000)
            try:
                self._connection = psycopg.connect(
                    self._dsn(),
                    connect_timeout=max(1, int(self.timeout)),
                    options=(
                        "-c default_transaction_read_only=on "
                        f"-c statement_timeout={timeout_ms}"
                    ),
                    autocommit=True,
                )
            except psycopg.OperationalError as error:
                raise self._connection_error(error) from None
        return self._connection

    def _connection_error(self, error: psycopg.OperationalError) -> Exception:
        text = str(error)
        if (
            "password authentication failed" in text
            or "role" in text
            and ("does not exist" in text)
        ):
            env_name = self.spec.options.get("dsn_env", "TOCSIN_REPLICA_DSN")
            return SourceAuthFailed(
                f"source {self.spec.name!r}: the database rejected the user or "
                f"password; correct the credentials in {env_name}"
            )
        return SourceUnavailable(
            f"source {self.spec.name!r}: cannot reach the database "
            f"({type(error).__name__}); retrying"
        )

    def close(self) -> None:
        """Close the database connection."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _query(self, cursor: Cursor | None, since: datetime | None) -> sql.Composed:
        fields = [self.key_column, *self.columns.values()]
        if self.updated_at_column:
            fields.append(self.updated_at_column)
        conditions = []
        if cursor is not None:
            conditions.append(
                sql.SQL("{} > {}").format(
                    sql.Identifier(self.key_column), sql.Literal(cursor["after"])
                )
            )
        if since is not None and self.updated_at_column:
            conditions.append(
                sql.SQL("{} > {}").format(
                    sql.Identifier(self.updated_at_column), sql.Literal(since)
                )
            )
        where = sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions)
        return sql.SQL(
            "SELECT {fields} FROM {table}{where} ORDER BY {key} LIMIT {n}"
        ).format(
            fields=sql.SQL(", ").join(sql.Identifier(f) for f in fields),
            table=sql.Identifier(*self.table.split(".")),
            where=where if conditions else sql.SQL(""),
            key=sql.Identifier(self.key_column),
            n=sql.Literal(self.page_size),
        )

    def fetch_page(self, cursor: Cursor | None, since: datetime | None) -> Page:
        """Return the rows after the cursor's key, in key order."""
        connection = self._connect()
        try:
            rows = connection.execute(self._query(cursor, since)).fetchall()
        except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn) as error:
            raise SourceDataError(
                f"source {self.spec.name!r}: {error.diag.message_primary}; "
                "correct the source's table, key_column or columns option"
            ) from None
        except psycopg.errors.QueryCanceled:
            raise SourceUnavailable(
                f"source {self.spec.name!r}: a page query ran past "
                f"{self.timeout:.0f} s; retrying"
            ) from None
        except psycopg.OperationalError as error:
            self.close()
            raise self._connection_error(error) from None
        records, rejected = self._read_rows(rows)
        if len(rows) < self.page_size:
            return Page(records, None, rejected)
        return Page(records, {"after": _json_key(rows[-1][0])}, rejected)

    def _read_rows(
        self, rows: list[tuple[Any, ...]]
    ) -> tuple[list[ContactRecord], list[RejectedRow]]:
        read_at = datetime.now(UTC)
        names = list(self.columns)
        records, rejected = [], []
        for row in rows:
            key, values = row[0], row[1 : 1 + len(names)]
            as_of = row[-1] if self.updated_at_column else read_at
            if not isinstance(as_of, datetime):
                rejected.append(RejectedRow(f"key {key}", "updated_at is empty"))
                continue
            if as_of.tzinfo is None:
                as_of = as_of.replace(tzinfo=UTC)
            fields = {n: str(v) for n, v in zip(names, values, strict=True) if v}
            provenance = Provenance(self.spec.name, self.table, str(key), as_of)
            records.append(normalize_contact(ContactRecord(provenance, **fields))[0])
        return records, rejected


def _json_key(key: Any) -> Any:
    """Return a key value that survives JSON in the cursor."""
    return key if isinstance(key, int | str) else str(key)

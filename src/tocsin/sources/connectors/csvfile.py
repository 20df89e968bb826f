"""Paging through exported CSV files by byte offset.

The cursor stores the byte offset after the last row read and that row's
number. A page therefore resumes with one seek instead of re-reading the
file. Row numbers in error messages match what a spreadsheet shows, with the
header as row 1.
"""

import csv
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from tocsin.sources.connectors.base import Cursor, Page, RejectedRow, SourceSpec
from tocsin.sources.errors import SourceDataError, SourceUnavailable
from tocsin.sources.normalize import normalize_contact
from tocsin.vault.records import ContactRecord

DEFAULT_PAGE_SIZE = 1000


class RowError(ValueError):
    """A row that cannot become a contact; the message names the field."""


def parse_timestamp(value: str) -> datetime | None:
    """Return an aware datetime from an export's timestamp column, or None.

    Shops write "2026-03-01 12:00:00" (Magento, WooCommerce, in UTC) or ISO
    8601 with an offset; a naive value is read as UTC.
    """
    value = value.strip()
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class _CountingLines:
    """Line iterator over a binary file that counts the bytes it returned.

    ``csv.reader`` pulls exactly the lines of one record (more than one when a
    quoted field holds a newline), so after each record ``offset`` is where
    the next record starts.
    """

    def __init__(self, stream: io.BufferedReader, offset: int, encoding: str) -> None:
        self.stream = stream
        self.offset = offset
        self.encoding = encoding

    def __iter__(self) -> Iterator[str]:
        for raw in self.stream:
            self.offset += len(raw)
            yield raw.decode(self.encoding)


class CsvExportConnector:
    """Base of the connectors that read one exported CSV file.

    Subclasses set ``object_name`` and ``required_columns`` and turn a row
    into a ``ContactRecord`` in ``map_row``. A row that fails is reported as
    rejected with its row number, and the page goes on. A file whose header
    lacks a required column fails the source, naming the column.
    """

    object_name = "customers.csv"
    required_columns: tuple[str, ...] = ()
    updated_at_column = ""
    fix_hint = "export the file again in the shop's standard customer format"

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.path = Path(spec.option("path"))
        self.page_size = int(spec.options.get("page_size", DEFAULT_PAGE_SIZE))
        self.encoding = spec.options.get("encoding", "utf-8")
        self.delimiter = spec.options.get("delimiter", ",")

    def close(self) -> None:
        """Nothing to release: the file is opened per page."""

    def map_row(self, row: dict[str, str], row_number: int) -> ContactRecord:
        """Return the contact in one row; raise ``RowError`` if it has none."""
        raise NotImplementedError

    def _read_header(self, stream: io.BufferedReader) -> tuple[list[str], int]:
        first = stream.readline()
        # A byte-order mark is what Excel writes at the start of UTF-8 files.
        header_text = first.decode(self.encoding).removeprefix("\ufeff")
        header = next(csv.reader([header_text], delimiter=self.delimiter), [])
        header = [name.strip() for name in header]
        missing = [name for name in self.required_columns if name not in header]
        if missing:
            raise SourceDataError(
                f"source {self.spec.name!r}: file {self.path.name!r} has no "
                f"column {', '.join(repr(m) for m in missing)}; {self.fix_hint}"
            )
        return header, len(first)

    def _open(self) -> io.BufferedReader:
        try:
            return self.path.open("rb")
        except FileNotFoundError as exc:
            raise SourceDataError(
                f"source {self.spec.name!r}: file {str(self.path)!r} not found; "
                "check the source's path option"
            ) from exc
        except OSError as exc:
            raise SourceUnavailable(
                f"source {self.spec.name!r}: cannot read {self.path.name!r} "
                f"({type(exc).__name__}); check the file's permissions and mount"
            ) from exc

    def as_of(self) -> datetime:
        """Return when the file was exported, its modification time."""
        return datetime.fromtimestamp(self.path.stat().st_mtime, UTC)

    def fetch_page(self, cursor: Cursor | None, since: datetime | None) -> Page:
        """Return up to ``page_size`` contacts from the cursor offset."""
        with self._open() as stream:
            header, header_end = self._read_header(stream)
            offset = cursor["offset"] if cursor else header_end
            row_number = cursor["row"] if cursor else 1
            stream.seek(offset)
            lines = _CountingLines(stream, offset, self.encoding)
            reader = csv.reader(lines, delimiter=self.delimiter)
            records: list[ContactRecord] = []
            rejected: list[RejectedRow] = []
            for values in reader:
                row_number += 1
                self._read_row(header, values, row_number, since, records, rejected)
                if len(records) + len(rejected) >= self.page_size:
                    break
            size = os.fstat(stream.fileno()).st_size
            rows_read = row_number - 1
            if lines.offset >= size:
                return Page(records, None, rejected, total=rows_read)
            # Rows so far scaled by bytes so far: an estimate for the ETA.
            total = round(rows_read * (size - header_end) / (lines.offset - header_end))
            cursor = {"offset": lines.offset, "row": row_number}
            return Page(records, cursor, rejected, total=total)

    def _read_row(
        self,
        header: list[str],
        values: list[str],
        row_number: int,
        since: datetime | None,
        records: list[ContactRecord],
        rejected: list[RejectedRow],
    ) -> None:
        if not any(value.strip() for value in values):
            return
        if len(values) != len(header):
            reason = f"has {len(values)} fields, the header has {len(header)}"
            rejected.append(RejectedRow(f"row {row_number}", reason))
            return
        row = dict(zip(header, values, strict=True))
        try:
            if since and self.updated_at_column:
                updated_at = parse_timestamp(row.get(self.updated_at_column, ""))
                if updated_at and updated_at <= since:
                    return
            record, _warnings = normalize_contact(self.map_row(row, row_number))
        except RowError as exc:
            rejected.append(RejectedRow(f"row {row_number}", str(exc)))
            return
        except ValueError:
            # The library's message may quote the value, so it is not kept.
            reason = "a date or number field could not be read"
            rejected.append(RejectedRow(f"row {row_number}", reason))
            return
        records.append(record)

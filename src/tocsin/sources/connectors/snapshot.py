"""The last good export of the contacts, kept as JSON Lines: the last resort.

Each line is one contact: the ``ContactRecord`` field names, plus ``id`` (the
record id in the system the snapshot was taken from), ``object`` and
``as_of`` (ISO 8601). ``as_of`` shows how stale the line is. The company
supplies the file; Tocsin never writes contacts to disk in plaintext.
"""

import json
from datetime import datetime
from pathlib import Path

from tocsin.sources.connectors.base import (
    Cursor,
    Page,
    RejectedRow,
    SourceSpec,
    register_kind,
)
from tocsin.sources.connectors.csvfile import DEFAULT_PAGE_SIZE, parse_timestamp
from tocsin.sources.errors import SourceDataError
from tocsin.sources.normalize import normalize_contact
from tocsin.sources.shops.generic_csv import CONTACT_FIELDS
from tocsin.vault.records import ContactRecord, Provenance


@register_kind("snapshot")
class SnapshotConnector:
    """Reads a JSON Lines snapshot page by page, by byte offset."""

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec
        self.path = Path(spec.option("path"))
        self.page_size = int(spec.options.get("page_size", DEFAULT_PAGE_SIZE))

    def close(self) -> None:
        """Nothing to release: the file is opened per page."""

    def fetch_page(self, cursor: Cursor | None, since: datetime | None) -> Page:
        """Return up to ``page_size`` contacts from the cursor offset."""
        if not self.path.exists():
            raise SourceDataError(
                f"source {self.spec.name!r}: snapshot {str(self.path)!r} not "
                "found; check the source's path option"
            )
        offset = cursor["offset"] if cursor else 0
        line_number = cursor["line"] if cursor else 0
        records: list[ContactRecord] = []
        rejected: list[RejectedRow] = []
        with self.path.open("rb") as stream:
            stream.seek(offset)
            for raw in stream:
                offset += len(raw)
                line_number += 1
                if raw.strip():
                    self._read_line(raw, line_number, since, records, rejected)
                is_full = len(records) + len(rejected) >= self.page_size
                if is_full and offset < self.path.stat().st_size:
                    return Page(
                        records, {"offset": offset, "line": line_number}, rejected
                    )
        return Page(records, None, rejected)

    def _read_line(
        self,
        raw: bytes,
        line_number: int,
        since: datetime | None,
        records: list[ContactRecord],
        rejected: list[RejectedRow],
    ) -> None:
        reference = f"line {line_number}"
        try:
            item = json.loads(raw)
            as_of = parse_timestamp(str(item.get("as_of", "")))
        except (ValueError, AttributeError):
            rejected.append(RejectedRow(reference, "is not a JSON object"))
            return
        if not item.get("id") or as_of is None:
            rejected.append(RejectedRow(reference, "has no id or as_of"))
            return
        if since and as_of <= since:
            return
        provenance = Provenance(
            self.spec.name, str(item.get("object", "snapshot")), str(item["id"]), as_of
        )
        values = {name: str(item[name]) for name in CONTACT_FIELDS if item.get(name)}
        record, _warnings = normalize_contact(ContactRecord(provenance, **values))
        records.append(record)

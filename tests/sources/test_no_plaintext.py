"""Extraction leaves no contact detail in plaintext in the database or logs."""

import logging
from pathlib import Path

import pytest
from django.db import connection

from tocsin.incidents.models import Incident
from tocsin.sources.connectors.base import SourceSpec
from tocsin.sources.jobs import run_extraction_inline, start_extraction

MARKERS = ("zq-marker-7731@example.org", "Quillfeather", "+12125550177")


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_marker_values_reach_neither_database_nor_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from datetime import UTC, datetime

    incident = Incident.objects.create(
        name="Marker drill", discovered_at=datetime(2026, 11, 1, tzinfo=UTC)
    )
    export = tmp_path / "legacy.csv"
    export.write_text(
        "id,email,last,phone,zip\n"
        f"L-1,{MARKERS[0]},{MARKERS[1]},{MARKERS[2]},62701\n"
        "L-2,broken-row\n"
    )
    spec = SourceSpec(
        "legacy",
        "generic_csv",
        {
            "path": str(export),
            "id_column": "id",
            "columns": {"email": "email", "last_name": "last", "phone": "phone",
                        "postal_code": "zip"},
        },
    )  # fmt: skip
    caplog.set_level(logging.DEBUG)

    extraction, pages = start_extraction(incident, [spec])
    run_extraction_inline(pages)
    connection.close()

    database = Path(connection.settings_dict["NAME"])
    stored = b"".join(
        path.read_bytes()
        for path in database.parent.glob(database.name + "*")
        if path.is_file()
    )
    logged = caplog.text + "".join(str(vars(r)) for r in caplog.records)
    assert extraction.runs.get().records_stored == 1
    assert b"sources_extractedrecord" in stored
    for marker in MARKERS:
        assert marker.encode() not in stored
        assert marker not in logged

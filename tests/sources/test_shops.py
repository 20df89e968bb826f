from dataclasses import replace
from pathlib import Path

import pytest

from tocsin.sources.connectors.base import SourceSpec, build_connector
from tocsin.sources.errors import SourceConfigError, SourceDataError
from tocsin.testing.fakes.shops import (
    make_customers,
    write_magento_export,
    write_woocommerce_export,
)

pytestmark = pytest.mark.django_db


def read_all(spec: SourceSpec) -> tuple[list, list, int]:
    connector = build_connector(spec)
    records, rejected, pages, cursor = [], [], 0, None
    while True:
        page = connector.fetch_page(cursor, None)
        pages += 1
        records += page.records
        rejected += page.rejected
        cursor = page.next_cursor
        if cursor is None:
            return records, rejected, pages


def test_woocommerce_export_is_read_in_pages(tmp_path: Path) -> None:
    path = write_woocommerce_export(tmp_path / "woo.csv", make_customers(25))
    spec = SourceSpec("woo", "woocommerce_csv", {"path": str(path), "page_size": 10})

    records, rejected, pages = read_all(spec)

    assert len(records) == 25
    assert rejected == []
    assert pages == 3
    assert records[0].provenance.source_record_id == "1001"
    assert records[0].phone == "+12125550101"
    assert records[0].province_code == "IL"


def test_woocommerce_row_with_missing_fields_is_rejected_by_row_number(
    tmp_path: Path,
) -> None:
    path = write_woocommerce_export(tmp_path / "woo.csv", make_customers(3))
    lines = path.read_text().splitlines()
    lines.insert(2, "1999,Broken")
    path.write_text("\n".join(lines) + "\n")
    spec = SourceSpec("woo", "woocommerce_csv", {"path": str(path)})

    records, rejected, _ = read_all(spec)

    assert len(records) == 3
    assert [(r.reference, r.reason) for r in rejected] == [
        ("row 3", "has 2 fields, the header has 27")
    ]


def test_woocommerce_export_without_email_column_names_the_fix(
    tmp_path: Path,
) -> None:
    path = tmp_path / "woo.csv"
    path.write_text("customer_id,first_name\n1,Ann\n")
    connector = build_connector(
        SourceSpec("woo", "woocommerce_csv", {"path": str(path)})
    )

    with pytest.raises(SourceDataError) as error:
        connector.fetch_page(None, None)

    assert str(error.value) == (
        "source 'woo': file 'woo.csv' has no column 'email', 'billing_email'; "
        "export customers from WooCommerce with the Customer/Order/Coupon Export "
        "default customer format, or use a generic_csv source with a column mapping"
    )


def test_resumed_cursor_continues_after_quoted_newlines(tmp_path: Path) -> None:
    customers = make_customers(4)
    customers[0] = replace(customers[0], street="1 Main St\nBuilding B")
    path = write_magento_export(tmp_path / "magento.csv", customers)
    spec = SourceSpec("m2", "magento_csv", {"path": str(path), "page_size": 1})

    records, rejected, pages = read_all(spec)

    assert [r.address2 for r in records] == ["Building B", "", "", ""]
    assert rejected == []
    assert pages == 4


def test_magento_record_id_is_a_keyed_hash_not_the_email(tmp_path: Path) -> None:
    path = write_magento_export(tmp_path / "magento.csv", make_customers(1))

    records, _, _ = read_all(SourceSpec("m2", "magento_csv", {"path": str(path)}))

    record_id = records[0].provenance.source_record_id
    assert record_id.startswith("h-")
    assert "example" not in record_id
    assert records[0].province_code == "IL"


def test_magento_delta_skips_rows_not_updated_since(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    path = write_magento_export(tmp_path / "magento.csv", make_customers(2))
    connector = build_connector(SourceSpec("m2", "magento_csv", {"path": str(path)}))

    page = connector.fetch_page(None, datetime(2026, 11, 1, tzinfo=UTC))

    assert page.records == []


def test_generic_csv_reads_columns_through_the_mapping(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_text(
        "\ufeffKundennummer;E-Mail;Vorname;PLZ;Land\n"
        "K-1;anna@example.org;Anna;10115;DE\n",
        encoding="utf-8",
    )
    spec = SourceSpec(
        "legacy",
        "generic_csv",
        {
            "path": str(path),
            "delimiter": ";",
            "id_column": "Kundennummer",
            "columns": {
                "email": "E-Mail",
                "first_name": "Vorname",
                "postal_code": "PLZ",
                "country_code": "Land",
            },
        },
    )

    records, _, _ = read_all(spec)

    assert records[0].provenance.source_record_id == "K-1"
    assert records[0].email == "anna@example.org"
    assert records[0].postal_code == "10115"


def test_generic_csv_rejects_a_mapping_to_an_unknown_field(tmp_path: Path) -> None:
    spec = SourceSpec(
        "legacy",
        "generic_csv",
        {"path": str(tmp_path / "x.csv"), "id_column": "id", "columns": {"mail": "m"}},
    )

    with pytest.raises(SourceConfigError) as error:
        build_connector(spec)

    assert str(error.value).startswith(
        "source 'legacy' maps unknown contact fields mail; use any of customer_id,"
    )


def test_missing_export_file_names_the_path_option(tmp_path: Path) -> None:
    path = tmp_path / "gone.csv"
    connector = build_connector(
        SourceSpec("woo", "woocommerce_csv", {"path": str(path)})
    )

    with pytest.raises(SourceDataError) as error:
        connector.fetch_page(None, None)

    assert str(error.value) == (
        f"source 'woo': file '{path}' not found; check the source's path option"
    )


def test_unknown_kind_lists_the_known_ones() -> None:
    with pytest.raises(SourceConfigError) as error:
        build_connector(SourceSpec("x", "oracle", {}))

    assert str(error.value).startswith("source 'x' has unknown kind 'oracle'; use one")

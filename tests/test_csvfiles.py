from pathlib import Path

import pytest

from tests.conftest import write_csv
from tocsin.csvfiles import (
    CsvFileError,
    clean_cell,
    defuse_formula,
    read_csv,
    write_safe_csv,
)


def test_cp1252_file_decodes_accented_names(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "name\nJosé Müller\n", "cp1252")

    decoded = read_csv(path)

    assert decoded.encoding == "cp1252"
    assert next(decoded.rows).cells == {"name": "José Müller"}


def test_utf8_byte_order_mark_is_not_part_of_the_header(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "\ufeffname\nAda\n")

    assert read_csv(path).header == ["name"]


def test_utf16_file_decodes(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "name\nAda\n", "utf-16")

    decoded = read_csv(path)

    assert decoded.encoding == "utf-16"
    assert next(decoded.rows).cells == {"name": "Ada"}


def test_empty_file_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "empty.csv", "  \n")

    with pytest.raises(CsvFileError) as raised:
        read_csv(path)

    assert str(raised.value) == (
        "file 'empty.csv' is empty; export it again from its source"
    )


def test_missing_file_is_an_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError) as raised:
        read_csv(tmp_path / "gone.csv")

    assert str(raised.value) == "file 'gone.csv' not found; check the path"


def test_row_with_wrong_cell_count_reports_problem(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "a,b\n1,2,3\n4,5\n")

    rows = list(read_csv(path).rows)

    assert rows[0].problem == "has 3 cells, the header has 2"
    assert rows[1].cells == {"a": "4", "b": "5"}


def test_oversized_cell_rejects_only_its_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "a\n" + "x" * 5000 + "\nok\n")

    rows = list(read_csv(path).rows)

    assert rows[0].problem == "cell 'a' is longer than 2000 characters"
    assert rows[0].number == 2
    assert rows[1].cells == {"a": "ok"}


def test_line_breaks_and_controls_leave_cells() -> None:
    assert (
        clean_cell("Ada\r\nBcc: x@example.com\x00\u200b") == "Ada  Bcc: x@example.com"
    )


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_prefixes_are_defused(value: str) -> None:
    assert defuse_formula(value) == "'" + value


def test_plain_text_is_not_changed_by_defusing() -> None:
    assert defuse_formula("Ada Lovelace") == "Ada Lovelace"


def test_safe_csv_writes_defused_cells(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"

    write_safe_csv(path, ["name"], [['=HYPERLINK("x")']])

    assert path.read_text().splitlines()[1] == '"\'=HYPERLINK(""x"")"'


def test_mixed_encoding_lines_each_decode(tmp_path: Path) -> None:
    raw = "name\nJosé\n".encode() + "Zoë\n".encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(raw)

    decoded = read_csv(path)

    assert decoded.encoding == "mixed utf-8 and cp1252"
    assert [row.cells["name"] for row in decoded.rows] == ["José", "Zoë"]


def test_binary_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")

    with pytest.raises(CsvFileError) as raised:
        read_csv(path)

    assert str(raised.value) == "file 'x.csv' is not text; save it as UTF-8 CSV"

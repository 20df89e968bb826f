"""Reading untrusted CSV files and writing safe ones.

Imported files come from shop exports, forensic tools and spreadsheets, so
they arrive in mixed encodings with stray control characters and oversized
cells. Exported files are opened in spreadsheets, so cells that a
spreadsheet would run as a formula are defused.
"""

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tocsin.errors import PermanentError

# Maximum cell length accepted. Real contact fields are far shorter, so a
# longer cell is a corrupt export or an attack, and it rejects its row.
MAX_CELL_CHARS = 2000
# Formula triggers for Excel, LibreOffice and Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CONTROL_CATEGORIES = {"Cc", "Cf"}


class CsvFileError(PermanentError):
    """A whole file cannot be read: empty, undecodable or an unknown layout."""


@dataclass(frozen=True)
class CsvRow:
    """One data row, numbered as a spreadsheet shows it (header is row 1)."""

    number: int
    cells: dict[str, str]
    problem: str = ""


@dataclass(frozen=True)
class DecodedCsv:
    """A decoded file: its header, its encoding and an iterator of rows."""

    header: list[str]
    encoding: str
    rows: Iterator[CsvRow]


def decode_bytes(raw: bytes, label: str) -> tuple[str, str]:
    """Return the text of a file and the encoding it was read with.

    UTF-8 (with or without a byte-order mark) is tried first. Spreadsheet
    programs on Windows still save CSV as cp1252, and files merged from
    several exports mix the two, so each line that is not UTF-8 is read as
    cp1252; the five bytes cp1252 leaves undefined are read as Latin-1.
    """
    if not raw.strip():
        raise CsvFileError(f"file '{label}' is empty; export it again from its source")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if b"\x00" in raw:
        raise CsvFileError(f"file '{label}' is not text; save it as UTF-8 CSV")
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines, encodings = [], set()
    for line in raw.removeprefix(b"\xef\xbb\xbf").split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
            if not line.isascii():
                encodings.add("utf-8")
        except UnicodeDecodeError:
            lines.append(
                line.decode("cp1252", errors="strict")
                if _is_cp1252(line)
                else line.decode("latin-1")
            )
            encodings.add("cp1252")
    encoding = "cp1252" if encodings == {"cp1252"} else "mixed utf-8 and cp1252"
    return "\n".join(lines), encoding


def _is_cp1252(line: bytes) -> bool:
    try:
        line.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def clean_cell(value: str) -> str:
    """Return a cell with control and format characters removed, trimmed.

    Carriage returns and line feeds inside a name or address could end up in
    an email header or a letter's address block; no contact field needs them.
    """
    if value.isprintable():
        return value.strip()
    kept = (
        " " if ch in "\r\n\t" else ch
        for ch in value
        if ch in "\r\n\t" or unicodedata.category(ch) not in _CONTROL_CATEGORIES
    )
    return "".join(kept).strip()


def read_csv(path: Path, label: str | None = None) -> DecodedCsv:
    """Open a CSV file and return its header and a stream of cleaned rows.

    A row with the wrong number of cells or an oversized cell comes back
    with ``problem`` set, so the caller can reject it and go on.
    """
    label = label or path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise CsvFileError(f"file '{label}' not found; check the path") from error
    text, encoding = decode_bytes(raw, label)
    csv.field_size_limit(16 * 1024 * 1024)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [clean_cell(name) for name in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise CsvFileError(f"file '{label}' has no readable header row") from error
    return DecodedCsv(header, encoding, _rows(reader, header))


def _rows(reader: Iterator[list[str]], header: list[str]) -> Iterator[CsvRow]:
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield CsvRow(number, {}, f"unreadable CSV row ({error})")
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problem = f"has {len(cells)} cells, the header has {len(header)}"
            yield CsvRow(number, {}, problem)
            continue
        too_long = [
            name
            for name, cell in zip(header, cells, strict=True)
            if len(cell) > MAX_CELL_CHARS
        ]
        if too_long:
            problem = f"cell '{too_long[0]}' is longer than {MAX_CELL_CHARS} characters"
            yield CsvRow(number, {}, problem)
            continue
        yield CsvRow(
            number,
            {name: clean_cell(cell) for name, cell in zip(header, cells, strict=True)},
        )


def defuse_formula(value: str) -> str:
    """Return a cell value that spreadsheets show as text, never run."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_safe_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a CSV with every cell defused against formula injection."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([defuse_formula(str(cell)) for cell in row])

"""Postal letters: one PDF per person, batched for a mail house.

Each letter is US Letter size and folded in thirds. The recipient's address
is placed for a standard #10 single-window envelope: 4.125 by 9.5 inches,
with a 4.5 by 1.125 inch window 7/8 inch from the left edge and 1/2 inch
from the bottom. The batch is a ZIP of the PDFs with a CSV
manifest, and the mail house's returned-mail CSV comes back as events.

The batch necessarily holds names and addresses in plaintext, both in the
PDFs and in the manifest: the mail house needs them. It is written with
mode 0600 and should be sent over SFTP and deleted after hand-over.
"""

import csv
import hashlib
import io
import os
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from html import escape
from pathlib import Path

from weasyprint import HTML

from tocsin.delivery.errors import InvalidRecipient
from tocsin.delivery.events import BounceType, EventKind, ProviderEvent

# USPS Publication 28 allows at most six lines in a delivery address block.
MAX_ADDRESS_LINES = 6

# Countries that write "CITY REGION POSTCODE" on one line, as the US does.
_CITY_REGION_POSTCODE = {"US", "CA", "AU"}
# Countries that write the postcode on a line of its own, under the city.
_POSTCODE_OWN_LINE = {"GB", "IE"}

# English country names for the last line of an international address,
# written in capitals as the Universal Postal Union recommends.
COUNTRY_NAMES = {
    "AT": "AUSTRIA", "AU": "AUSTRALIA", "BE": "BELGIUM", "BR": "BRAZIL",
    "CA": "CANADA", "CH": "SWITZERLAND", "CZ": "CZECH REPUBLIC", "DE": "GERMANY",
    "DK": "DENMARK", "ES": "SPAIN", "FI": "FINLAND", "FR": "FRANCE",
    "GB": "UNITED KINGDOM", "GR": "GREECE", "HU": "HUNGARY", "IE": "IRELAND",
    "IL": "ISRAEL", "IN": "INDIA", "IT": "ITALY", "JP": "JAPAN",
    "KR": "KOREA, REPUBLIC OF", "LU": "LUXEMBOURG", "MX": "MEXICO",
    "NL": "NETHERLANDS", "NO": "NORWAY", "NZ": "NEW ZEALAND", "PL": "POLAND",
    "PT": "PORTUGAL", "RO": "ROMANIA", "SE": "SWEDEN", "SG": "SINGAPORE",
    "US": "UNITED STATES OF AMERICA", "ZA": "SOUTH AFRICA",
}  # fmt: skip

# Page margins shape pages two onwards. The first page's blocks are placed
# absolutely, measured from the page-area corner, which is 0.75 in down and
# 0.875 in across from the sheet's corner.
_LETTER_CSS = """
@page { size: letter; margin: 0.75in 0.875in; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; margin: 0; }
.return-address { position: absolute; top: -0.25in; left: 0;
  width: 3.5in; font-size: 8pt; line-height: 1.2; }
/* A #10 window shows, on a letter folded in thirds with the top panel
   facing out and resting on its fold, about 2.0 to 3.125 in from the top
   of the sheet and 0.875 to 5.375 in from its left. The block keeps 1/8 in inside that
   area, so it stays visible when the letter shifts in the envelope:
   sheet position 2.125 in down and 1.0 in across. */
.address { position: absolute; top: 1.375in; left: 0.125in; width: 4.25in;
  height: 0.875in; font-size: 8.5pt; line-height: 1.05; overflow: hidden; }
.address p { margin: 0; white-space: nowrap; }
.address .reference { font-size: 6.5pt; }
.body { padding-top: 3.05in; }
"""


@dataclass(frozen=True)
class Letter:
    """One person's letter in a batch: reference, address and PDF bytes."""

    reference: str
    address_lines: list[str]
    pdf: bytes
    pages: int
    country_code: str = "US"


@dataclass(frozen=True)
class LetterContent:
    """One person's letter before rendering, for a combined batch."""

    reference: str
    address_lines: list[str]
    body_html: str
    country_code: str = "US"


@dataclass(frozen=True)
class ReturnedMail:
    """One row of a mail house's returned-mail file."""

    reference: str
    returned_on: date
    reason_code: str
    reason: str


def postal_address_lines(
    *,
    name: str,
    address1: str,
    address2: str = "",
    city: str,
    province_code: str = "",
    postal_code: str = "",
    country_code: str,
    sender_country: str = "US",
) -> list[str]:
    """Return the address block lines in the destination country's order.

    Domestic US addresses follow USPS Publication 28 (capitals, "CITY ST
    ZIP" on the last line). Foreign addresses end with the country name in
    capitals, the line the sending country's post sorts on.
    """
    country = country_code.upper()
    lines = [name, address1, address2]
    if country in _CITY_REGION_POSTCODE:
        lines.append(
            " ".join(part for part in (city, province_code, postal_code) if part)
        )
    elif country in _POSTCODE_OWN_LINE:
        lines += [city, postal_code]
    else:
        lines.append(" ".join(part for part in (postal_code, city) if part))
    if country != sender_country.upper():
        if country not in COUNTRY_NAMES:
            raise InvalidRecipient(
                f"no English name for country '{country}'; add it to "
                "tocsin.delivery.postal.COUNTRY_NAMES"
            )
        lines.append(COUNTRY_NAMES[country])
    cleaned = [" ".join(line.split()).upper() for line in lines if line.strip()]
    _check_address_lines(cleaned)
    return cleaned


def _check_address_lines(lines: list[str]) -> None:
    if len(lines) < 2:
        raise InvalidRecipient("postal address needs at least a name and one line")
    if len(lines) > MAX_ADDRESS_LINES:
        raise InvalidRecipient(
            f"postal address has {len(lines)} lines; an envelope window fits "
            f"at most {MAX_ADDRESS_LINES}"
        )


def letter_html(
    address_lines: list[str],
    body_html: str,
    *,
    reference: str,
    return_address_lines: list[str] | None = None,
) -> str:
    """Return the letter as an HTML page, the address escaped and placed.

    ``body_html`` is the rendered notice, already produced by the notice
    sandbox. The reference is printed above the address, inside the
    window, so the mail house can match a returned letter without opening
    it.
    """
    _check_address_lines(address_lines)
    address = "".join(f"<p>{escape(line)}</p>" for line in address_lines)
    sender = "<br>".join(escape(line) for line in return_address_lines or [])
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Notice {escape(reference)}</title><style>{_LETTER_CSS}</style>"
        f"</head><body><div class='return-address'>{sender}</div>"
        f"<div class='address'><p class='reference'>{escape(reference)}</p>"
        f"{address}</div><div class='body'>{body_html}</div></body></html>"
    )


def render_letter_pdf(
    address_lines: list[str],
    body_html: str,
    *,
    reference: str,
    return_address_lines: list[str] | None = None,
) -> bytes:
    """Return a letter PDF with the address placed in the envelope window."""
    html = letter_html(
        address_lines,
        body_html,
        reference=reference,
        return_address_lines=return_address_lines,
    )
    return HTML(string=html).write_pdf()


def build_letter(
    address_lines: list[str],
    body_html: str,
    *,
    reference: str,
    country_code: str,
    return_address_lines: list[str] | None = None,
) -> Letter:
    """Return a batch-ready ``Letter``: the PDF and its page count."""
    html = letter_html(
        address_lines,
        body_html,
        reference=reference,
        return_address_lines=return_address_lines,
    )
    document = HTML(string=html).render()
    return Letter(
        reference=reference,
        address_lines=address_lines,
        pdf=document.write_pdf(),
        pages=len(document.pages),
        country_code=country_code.upper(),
    )


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def defuse_csv_cell(value: str) -> str:
    """Return ``value`` safe to open in a spreadsheet.

    A cell starting with = + - @ tab or carriage return is read as a
    formula by Excel and LibreOffice (CSV injection); a leading apostrophe
    makes it text.
    """
    return "'" + value if value.startswith(_FORMULA_PREFIXES) else value


MANIFEST_COLUMNS = [
    "reference",
    "file",
    "pages",
    "sha256",
    "country_code",
    *[f"address_line_{n}" for n in range(1, MAX_ADDRESS_LINES + 1)],
]


def write_mail_batch(letters: Iterable[Letter], out_path: Path) -> Path:
    """Write a ZIP of one PDF per letter and a manifest; return its path."""
    out_path = Path(out_path)
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\r\n")
    writer.writerow(MANIFEST_COLUMNS)
    seen: set[str] = set()
    with _private_zip(out_path) as archive:
        for letter in letters:
            _check_unique(letter.reference, seen)
            name = f"letters/{_safe_file_name(letter.reference)}.pdf"
            archive.writestr(name, letter.pdf)
            row = [
                letter.reference,
                name,
                str(letter.pages),
                hashlib.sha256(letter.pdf).hexdigest(),
                letter.country_code,
                *_padded(letter),
            ]
            writer.writerow([defuse_csv_cell(cell) for cell in row])
        archive.writestr("manifest.csv", manifest.getvalue())
    return out_path


def _check_unique(reference: str, seen: set[str]) -> None:
    if reference in seen:
        raise ValueError(f"letter reference '{reference}' appears twice")
    seen.add(reference)


@contextmanager
def _private_zip(out_path: Path) -> Iterator[zipfile.ZipFile]:
    # Written under a temporary name and renamed at the end, so a crash or
    # an invalid letter never leaves a half-written batch that could be
    # sent to the mail house.
    partial = out_path.with_name(out_path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw, zipfile.ZipFile(raw, "w") as archive:
            yield archive
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, out_path)


COMBINED_MANIFEST_COLUMNS = [
    "reference",
    "first_page",
    "last_page",
    "country_code",
    *[f"address_line_{n}" for n in range(1, MAX_ADDRESS_LINES + 1)],
]


def write_combined_mail_batch(
    letters: Iterable[LetterContent],
    out_path: Path,
    *,
    return_address_lines: list[str] | None = None,
) -> Path:
    """Write all letters as one PDF plus a page-range manifest into a ZIP.

    About five times faster than one PDF per letter (measured in
    docs/performance.md), because WeasyPrint subsets the fonts once per
    PDF, and subsetting takes most of the time of a one-letter PDF. Use it
    where the mail house accepts one PDF with a page-range manifest.
    """
    out_path = Path(out_path)
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\r\n")
    writer.writerow(COMBINED_MANIFEST_COLUMNS)
    documents = []
    seen: set[str] = set()
    next_page = 1
    for letter in letters:
        _check_unique(letter.reference, seen)
        html = letter_html(
            letter.address_lines,
            letter.body_html,
            reference=letter.reference,
            return_address_lines=return_address_lines,
        )
        document = HTML(string=html).render()
        documents.append(document)
        last_page = next_page + len(document.pages) - 1
        row = [letter.reference, str(next_page), str(last_page), letter.country_code]
        writer.writerow([defuse_csv_cell(cell) for cell in row + _padded(letter)])
        next_page = last_page + 1
    if not documents:
        raise ValueError("a mail batch needs at least one letter")
    pages = [page for document in documents for page in document.pages]
    pdf = documents[0].copy(pages).write_pdf()
    with _private_zip(out_path) as archive:
        archive.writestr("letters.pdf", pdf)
        archive.writestr("manifest.csv", manifest.getvalue())
    return out_path


def _padded(letter: Letter | LetterContent) -> list[str]:
    blanks = [""] * (MAX_ADDRESS_LINES - len(letter.address_lines))
    return list(letter.address_lines) + blanks


def _safe_file_name(reference: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in reference)
    if not safe:
        raise ValueError("letter reference has no usable characters")
    return safe


RETURNED_MAIL_COLUMNS = ("reference", "return_date", "reason_code", "reason")


def read_returned_mail(path: Path) -> list[ReturnedMail]:
    """Return the rows of a mail house's returned-mail CSV.

    Columns: reference, return_date (YYYY-MM-DD), reason_code, reason, in any
    order, header names in any case. Raises ``ValueError`` naming the line
    and column of the first invalid row. Values are not quoted, because a
    return file may carry addresses in other columns.
    """
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip().lower() for name in reader.fieldnames or []]
        missing = [name for name in RETURNED_MAIL_COLUMNS if name not in header]
        if missing:
            raise ValueError(f"returned-mail file lacks columns: {', '.join(missing)}")
        reader.fieldnames = header
        return [_returned_row(row, reader.line_num) for row in reader]


def _returned_row(row: dict[str, str], line: int) -> ReturnedMail:
    reference = (row["reference"] or "").strip().lstrip("'")
    if not reference:
        raise ValueError(f"returned-mail file line {line}: reference is empty")
    try:
        returned_on = date.fromisoformat((row["return_date"] or "").strip())
    except ValueError as error:
        raise ValueError(
            f"returned-mail file line {line}: return_date is not YYYY-MM-DD"
        ) from error
    return ReturnedMail(
        reference=reference,
        returned_on=returned_on,
        reason_code=(row["reason_code"] or "").strip(),
        reason=(row["reason"] or "").strip(),
    )


def events_from_returned_mail(
    rows: Iterable[ReturnedMail], *, mail_house: str
) -> list[ProviderEvent]:
    """Return a hard-bounce event per returned letter, keyed by reference.

    A returned letter means the address did not reach the person; resending
    to the same address cannot help, hence hard.
    """
    return [
        ProviderEvent(
            provider=mail_house,
            provider_message_id=row.reference,
            kind=EventKind.BOUNCED,
            occurred_at=datetime.combine(row.returned_on, time(), tzinfo=UTC),
            code=row.reason_code,
            bounce=BounceType.HARD,
            attempt_key=row.reference,
            channel="letter",
        )
        for row in rows
    ]

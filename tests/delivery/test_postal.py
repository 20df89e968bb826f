import csv
import io
import zipfile
from datetime import date

import pytest
from weasyprint import HTML

from tocsin.delivery.errors import InvalidRecipient
from tocsin.delivery.events import BounceType, EventKind
from tocsin.delivery.postal import (
    MANIFEST_COLUMNS,
    LetterContent,
    build_letter,
    defuse_csv_cell,
    events_from_returned_mail,
    letter_html,
    postal_address_lines,
    read_returned_mail,
    render_letter_pdf,
    write_combined_mail_batch,
    write_mail_batch,
)

US_LINES = ["JANE DOE", "123 MAIN ST APT 4", "SPRINGFIELD IL 62701"]


def test_us_address_ends_with_city_state_zip() -> None:
    lines = postal_address_lines(
        name="Jane Doe",
        address1="123 Main St",
        address2="Apt 4",
        city="Springfield",
        province_code="IL",
        postal_code="62701",
        country_code="US",
    )

    assert lines == ["JANE DOE", "123 MAIN ST", "APT 4", "SPRINGFIELD IL 62701"]


def test_german_address_puts_postcode_first_and_country_last() -> None:
    lines = postal_address_lines(
        name="Erika Muster",
        address1="Beispielstr. 5",
        city="Berlin",
        postal_code="10115",
        country_code="DE",
    )

    assert lines == ["ERIKA MUSTER", "BEISPIELSTR. 5", "10115 BERLIN", "GERMANY"]


def test_british_address_puts_postcode_on_its_own_line() -> None:
    lines = postal_address_lines(
        name="A Person",
        address1="1 High Street",
        city="London",
        postal_code="SW1A 1AA",
        country_code="GB",
    )

    assert lines[-3:] == ["LONDON", "SW1A 1AA", "UNITED KINGDOM"]


def test_canadian_address_from_us_sender_names_canada() -> None:
    lines = postal_address_lines(
        name="A Person",
        address1="1 Rue Principale",
        city="Montreal",
        province_code="QC",
        postal_code="H2X 1Y4",
        country_code="CA",
    )

    assert lines[-2:] == ["MONTREAL QC H2X 1Y4", "CANADA"]


def test_unknown_country_name_is_reported_by_code() -> None:
    with pytest.raises(InvalidRecipient) as caught:
        postal_address_lines(name="A", address1="B", city="C", country_code="XK")

    assert str(caught.value) == (
        "no English name for country 'XK'; "
        "add it to tocsin.delivery.postal.COUNTRY_NAMES"
    )


def test_seven_line_address_is_rejected() -> None:
    with pytest.raises(
        InvalidRecipient, match="has 7 lines; an envelope window fits at most 6"
    ):
        render_letter_pdf(["L"] * 7, "<p>x</p>", reference="R-1")


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def _box_with_class(page, name):
    for box in _boxes(page._page_box):
        element = getattr(box, "element", None)
        if element is not None and element.get("class") == name:
            return box
    raise AssertionError(f"no box with class {name}")


def test_address_block_sits_inside_the_number_10_window() -> None:
    html = letter_html(
        US_LINES + ["LINE 4", "LINE 5", "UNITED STATES"], "<p>x</p>", reference="R"
    )
    page = HTML(string=html).render().pages[0]

    box = _box_with_class(page, "address")

    inch = 96  # CSS pixels
    assert box.position_x / inch >= 0.875
    assert (box.position_x + box.width) / inch <= 0.875 + 4.5
    assert box.position_y / inch >= 2.0
    assert (box.position_y + box.height) / inch <= 2.0 + 1.125


def test_six_address_lines_and_reference_fit_the_block_height() -> None:
    html = letter_html(["LINE"] * 6, "<p>x</p>", reference="R")
    page = HTML(string=html).render().pages[0]

    box = _box_with_class(page, "address")
    last_line = box.children[-1]

    assert last_line.position_y + last_line.height <= box.position_y + box.height


def test_long_notice_flows_onto_more_pages() -> None:
    letter = build_letter(
        US_LINES, "<p>paragraph</p>" * 300, reference="R-2", country_code="us"
    )

    assert letter.pages > 1
    assert letter.country_code == "US"
    assert letter.pdf.startswith(b"%PDF-")


def test_address_markup_is_escaped() -> None:
    html = letter_html(["<b>JANE</b>", "1 MAIN ST"], "<p>x</p>", reference="R")

    assert "&lt;b&gt;JANE&lt;/b&gt;" in html
    assert "<b>JANE</b>" not in html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1 555", "'+1 555"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tX", "'\tX"),
        ("\rX", "'\rX"),
        ("123 MAIN ST", "123 MAIN ST"),
        ("", ""),
    ],
)
def test_csv_cell_starting_like_a_formula_is_defused(value, expected) -> None:
    assert defuse_csv_cell(value) == expected


def test_batch_holds_letters_and_manifest(tmp_path) -> None:
    letters = [
        build_letter(US_LINES, "<p>notice</p>", reference=f"R-{n}", country_code="US")
        for n in range(3)
    ]

    path = write_mail_batch(letters, tmp_path / "batch.zip")

    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode())))
    assert names == [
        "letters/R-0.pdf",
        "letters/R-1.pdf",
        "letters/R-2.pdf",
        "manifest.csv",
    ]
    assert manifest[0] == MANIFEST_COLUMNS
    assert [row[0] for row in manifest[1:]] == ["R-0", "R-1", "R-2"]
    assert manifest[1][2] == "1"
    assert manifest[1][5:8] == US_LINES


def test_batch_file_is_private_to_its_owner(tmp_path) -> None:
    letter = build_letter(US_LINES, "<p>n</p>", reference="R-1", country_code="US")

    path = write_mail_batch([letter], tmp_path / "batch.zip")

    assert path.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "batch.zip.partial").exists()


def test_manifest_defuses_formula_in_an_address(tmp_path) -> None:
    lines = ["=CMD|' /C calc'!A0", "1 MAIN ST", "SPRINGFIELD IL 62701"]
    letter = build_letter(lines, "<p>n</p>", reference="R-1", country_code="US")

    path = write_mail_batch([letter], tmp_path / "batch.zip")

    with zipfile.ZipFile(path) as archive:
        rows = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode())))
    assert rows[1][5] == "'=CMD|' /C calc'!A0"


def test_duplicate_reference_in_batch_is_rejected(tmp_path) -> None:
    letter = build_letter(US_LINES, "<p>n</p>", reference="R-1", country_code="US")

    with pytest.raises(ValueError, match="letter reference 'R-1' appears twice"):
        write_mail_batch([letter, letter], tmp_path / "batch.zip")


def write_returns(tmp_path, text: str):
    path = tmp_path / "returns.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


def test_returned_mail_rows_are_read(tmp_path) -> None:
    path = write_returns(
        tmp_path,
        "Reference,Return_Date,Reason_Code,Reason,Address\r\n"
        "R-1,2026-12-01,NSN,No Such Number,1 MAIN ST\r\n"
        "'R-2,2026-12-02,VAC,Vacant,2 MAIN ST\r\n",
    )

    rows = read_returned_mail(path)

    assert [row.reference for row in rows] == ["R-1", "R-2"]
    assert rows[0].returned_on == date(2026, 12, 1)
    assert rows[0].reason_code == "NSN"
    assert rows[1].reason == "Vacant"


def test_returned_mail_missing_column_is_named(tmp_path) -> None:
    path = write_returns(tmp_path, "reference,reason\r\nR-1,x\r\n")

    with pytest.raises(ValueError) as caught:
        read_returned_mail(path)

    assert (
        str(caught.value)
        == "returned-mail file lacks columns: return_date, reason_code"
    )


def test_returned_mail_bad_date_names_the_line(tmp_path) -> None:
    path = write_returns(
        tmp_path,
        "reference,return_date,reason_code,reason\r\nR-1,2026-12-01,A,a\r\nR-2,12/01/26,A,a\r\n",
    )

    with pytest.raises(ValueError) as caught:
        read_returned_mail(path)

    assert (
        str(caught.value) == "returned-mail file line 3: return_date is not YYYY-MM-DD"
    )


def test_returned_letter_becomes_a_hard_bounce(tmp_path) -> None:
    path = write_returns(
        tmp_path, "reference,return_date,reason_code,reason\r\nR-1,2026-12-01,NSN,x\r\n"
    )

    (event,) = events_from_returned_mail(
        read_returned_mail(path), mail_house="acme-mail"
    )

    assert event.channel == "letter"
    assert event.provider == "acme-mail"
    assert event.kind is EventKind.BOUNCED
    assert event.bounce is BounceType.HARD
    assert event.attempt_key == "R-1"
    assert event.code == "NSN"


def test_failed_batch_leaves_no_partial_file(tmp_path) -> None:
    letter = build_letter(US_LINES, "<p>n</p>", reference="R-1", country_code="US")

    with pytest.raises(ValueError):
        write_mail_batch([letter, letter], tmp_path / "batch.zip")

    assert list(tmp_path.iterdir()) == []


def test_combined_batch_lists_page_ranges(tmp_path) -> None:
    letters = [
        LetterContent("R-1", US_LINES, "<p>short</p>"),
        LetterContent("R-2", US_LINES, "<p>long</p>" * 300),
        LetterContent("R-3", US_LINES, "<p>short</p>"),
    ]

    path = write_combined_mail_batch(letters, tmp_path / "batch.zip")

    with zipfile.ZipFile(path) as archive:
        rows = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode())))
        pdf = archive.read("letters.pdf")
    assert rows[0][:4] == ["reference", "first_page", "last_page", "country_code"]
    assert rows[1][:3] == ["R-1", "1", "1"]
    assert rows[2][0] == "R-2"
    assert int(rows[2][2]) > 2
    assert rows[3][1] == rows[3][2] == str(int(rows[2][2]) + 1)
    assert pdf.startswith(b"%PDF-")
    assert path.stat().st_mode & 0o777 == 0o600


def test_combined_batch_without_letters_is_rejected(tmp_path) -> None:
    with pytest.raises(ValueError, match="a mail batch needs at least one letter"):
        write_combined_mail_batch([], tmp_path / "batch.zip")

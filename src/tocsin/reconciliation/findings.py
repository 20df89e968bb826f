"""Reading a forensic findings CSV.

One row per compromised customer record, keyed by ``email`` and/or
``customer_id``, with the data elements exposed for that row in
``exposed_elements`` (codes separated by ``;``). Optional columns:
``finding_id`` and ``source_system``.
"""

from dataclasses import dataclass, field
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from tocsin.csvfiles import read_csv
from tocsin.incidents.elements import DataElement, parse_elements
from tocsin.reconciliation.errors import UnknownFindingsLayout

KEY_COLUMNS = ("email", "customer_id")
ELEMENTS_COLUMN = "exposed_elements"


@dataclass(frozen=True)
class FindingRow:
    """A usable findings row, in plaintext while in memory."""

    row_number: int
    finding_ref: str
    source_system: str
    email: str
    customer_id: str
    exposed: frozenset[DataElement]


@dataclass
class FindingsFile:
    """The usable rows of a findings file and the rows left out."""

    encoding: str
    rows: list[FindingRow] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)


def _header_map(header: list[str], label: str) -> dict[str, str]:
    normalized = {name.strip().lower().replace(" ", "_"): name for name in header}
    if ELEMENTS_COLUMN not in normalized or not set(KEY_COLUMNS) & set(normalized):
        raise UnknownFindingsLayout(
            f"file '{label}' is not a findings file: it needs an "
            f"'{ELEMENTS_COLUMN}' column and an 'email' or 'customer_id' column"
        )
    return normalized


def _row_problem(email: str, customer_id: str, elements_text: str) -> str:
    if not (email or customer_id):
        return "has neither an email nor a customer_id to match on"
    if not elements_text:
        return f"has no '{ELEMENTS_COLUMN}'; list codes such as 'name;ssn'"
    return ""


def _printable_code(code: str) -> str:
    # A cell can hold anything, even an address: quote only code-like text.
    if code.replace("_", "").isalnum() and len(code) <= 40:
        return repr(code)
    return "'<not a code>'"


def read_findings(path: Path) -> FindingsFile:
    """Read a findings CSV; bad rows are listed with their reasons."""
    decoded = read_csv(path)
    columns = _header_map(decoded.header, path.name)
    result = FindingsFile(encoding=decoded.encoding)
    for row in decoded.rows:
        if row.problem:
            result.rejected.append((row.number, row.problem))
            continue
        cell = {key: row.cells.get(name, "") for key, name in columns.items()}
        email, customer_id = cell.get("email", ""), cell.get("customer_id", "")
        elements_text = cell.get(ELEMENTS_COLUMN, "")
        problem = _row_problem(email, customer_id, elements_text)
        exposed, unknown = parse_elements(elements_text)
        if not problem and unknown:
            codes = ", ".join(_printable_code(code) for code in unknown)
            problem = f"names unknown data elements {codes}; see 'tocsin elements'"
        if not problem and email:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError:
                problem = "has an email that is not a valid address"
        if problem:
            result.rejected.append((row.number, problem))
            continue
        result.rows.append(
            FindingRow(
                row_number=row.number,
                finding_ref=cell.get("finding_id", "")[:80],
                source_system=cell.get("source_system", "")[:80],
                email=email.lower(),
                customer_id=customer_id,
                exposed=exposed,
            )
        )
    return result

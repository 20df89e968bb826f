"""Reading a forensic findings CSV.

One row per compromised customer record, keyed by ``email`` and/or
``customer_id``, with the data elements exposed for that row in
``exposed_elements`` (codes separated by ``;``). Optional columns:
``finding_id`` and ``source_system``.
"""

from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

from email_validator import EmailNotValidError, validate_email

from tocsin.csvfiles import read_csv
from tocsin.incidents.elements import ELEMENT_CODES, DataElement, parse_elements
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


def describe_unknown_elements(unknown: list[str]) -> str:
    """Return a rejection reason for unknown element codes, without them.

    The cell is never quoted: a shifted column puts a name, username or
    address there, and any of those can look like a code. The closest known
    codes are suggested instead, so a typo such as 'card_numbr' is still
    easy to fix.
    """
    count = len(unknown)
    reason = f"names {count} unknown data element{'s' if count > 1 else ''}"
    suggestions = sorted(
        {
            match
            for code in unknown
            for match in get_close_matches(code.lower(), ELEMENT_CODES, n=1, cutoff=0.8)
        }
    )
    if suggestions:
        reason += f" (did you mean {', '.join(map(repr, suggestions))}?)"
    return reason + "; see 'tocsin elements'"


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
            problem = describe_unknown_elements(unknown)
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

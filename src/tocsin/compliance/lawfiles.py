"""The law files as the compliance records see them: id, file and review date.

The jurisdiction rulebook loads and validates the files (bundled ones and
the operator folder ``TOCSIN_LAWS_DIR``), so the review list and the
evidence bundle show exactly the laws the engine applies.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings

from tocsin.jurisdictions.rulebook import load_rulebook


@dataclass(frozen=True)
class LawFile:
    """A law file on disk, with its id and last review date.

    ``origin`` is ``bundled`` or ``operator``, so two files with the same
    name from the two folders stay apart in the evidence bundle.
    """

    law_id: str
    path: Path
    origin: str
    review_date: date | None


def find_law_files() -> list[LawFile]:
    """Return every law file the rulebook loads, ordered by law id."""
    rulebook = load_rulebook(getattr(settings, "TOCSIN_LAWS_DIR", None))
    return [
        LawFile(law.id, Path(law.path), law.origin, law.last_reviewed)
        for law in rulebook
    ]

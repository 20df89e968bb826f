"""Finding the law files, isolated here until the rulebook loader exists.

Limitation: ``tocsin.jurisdictions`` has no rulebook loader yet, so this
module reads the YAML files itself: the bundled folder
``tocsin/jurisdictions/laws/`` and the operator folder ``TOCSIN_LAWS_DIR``.
Effect: a law file the future loader would reject still shows up in the
review list and the evidence bundle. Replace ``find_law_files`` with a call
to the loader once it is merged; callers need not change.
"""

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from django.conf import settings

logger = logging.getLogger(__name__)

BUNDLED_LAWS_DIR = Path(__file__).resolve().parent.parent / "jurisdictions" / "laws"


@dataclass(frozen=True)
class LawFile:
    """A law file on disk, with the id and review date read from it.

    ``origin`` is ``bundled`` or ``operator``, so two files with the same
    name from the two folders stay apart in the evidence bundle.
    """

    law_id: str
    path: Path
    origin: str
    review_date: date | None


def find_law_files() -> list[LawFile]:
    """Return every law file: bundled ones first, then the operator folder."""
    folders = [("bundled", BUNDLED_LAWS_DIR)]
    operator_dir = getattr(settings, "TOCSIN_LAWS_DIR", None)
    if operator_dir:
        folders.append(("operator", Path(operator_dir)))
    law_files = []
    for origin, folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            law_files.append(_read_law_file(path, origin))
    return law_files


def _read_law_file(path: Path, origin: str) -> LawFile:
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError:
        logger.warning("law file is not valid YAML", extra={"file": path.name})
        document = {}
    if not isinstance(document, dict):
        document = {}
    law_id = str(document.get("id") or document.get("jurisdiction") or path.stem)
    review = document.get("review_date") or document.get("reviewed_on")
    review_date = _as_date(review)
    return LawFile(law_id, path, origin, review_date)


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None

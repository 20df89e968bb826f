"""The rulebook: every law file, bundled and operator-supplied, by id.

``load_rulebook`` reads the bundled files under ``laws/`` and then the
operator folder (``TOCSIN_LAWS_DIR`` in settings, passed in as
``extra_dir``). An operator file replaces the bundled file with the same id,
so counsel can correct or add a law without a deploy.

Loading never fails because a review is overdue: an engine that refuses to
run during a breach helps nobody. ``find_review_problems`` reports overdue
files for ``tocsin rules check`` and ``tocsin rules review`` instead.
"""

import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from tocsin.jurisdictions.errors import LawFileError
from tocsin.jurisdictions.lawfile import Law, parse_law_file

logger = logging.getLogger(__name__)

REVIEW_PERIOD_DAYS = 365
LAW_FILE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ResidenceMatch:
    """The laws a residence code may fall under, and how sure the match is.

    ``status`` is ``exact`` (the code names one place), ``ambiguous`` (a
    country code such as ``US`` covering several laws), ``unknown`` (no
    residence given) or ``uncovered`` (no law file covers the code).
    """

    code: str | None
    status: str
    laws: tuple[Law, ...]


@dataclass(frozen=True)
class Rulebook:
    """Every loaded law by id, with which ids an operator file replaced."""

    laws: Mapping[str, Law]
    overridden: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Law]:
        return iter(self.laws[law_id] for law_id in sorted(self.laws))

    def law(self, law_id: str) -> Law:
        """Return the law with ``law_id``; raise LawFileError if missing."""
        try:
            return self.laws[law_id]
        except KeyError:
            raise LawFileError(
                f"no law file for jurisdiction '{law_id}'; add {law_id}.yaml "
                "under jurisdictions/laws/ or the operator laws folder"
            ) from None

    def rule_versions(self) -> dict[str, tuple[str, str]]:
        """Return law id -> (version, sha256 of the file) for every law."""
        return {law.id: (law.version, law.sha256) for law in self}

    def company_laws(self) -> tuple[Law, ...]:
        """Return the laws that apply by company profile, not by residence."""
        return tuple(law for law in self if law.scope == "company")

    def match_residence(self, code: str | None) -> ResidenceMatch:
        """Return the residence-scope laws that may cover ``code``."""
        normalized = normalize_residence(code)
        residence_laws = [law for law in self if law.scope == "residence"]
        if normalized is None:
            return ResidenceMatch(None, "unknown", tuple(residence_laws))
        exact = tuple(
            law for law in residence_laws if covers_residence(law, normalized)
        )
        if exact:
            return ResidenceMatch(normalized, "exact", exact)
        if "-" not in normalized:
            prefix = normalized + "-"
            within = tuple(
                law
                for law in residence_laws
                if any(place.startswith(prefix) for place in law.residences)
            )
            if within:
                return ResidenceMatch(normalized, "ambiguous", within)
        return ResidenceMatch(normalized, "uncovered", ())


def normalize_residence(code: str | None) -> str | None:
    """Return ``code`` upper-cased and trimmed, or None when it is blank."""
    if code is None:
        return None
    normalized = code.strip().upper().replace("_", "-")
    if normalized in ("", "UNKNOWN", "??"):
        return None
    return normalized


def covers_residence(law: Law, code: str | None) -> bool:
    """Return whether ``law`` lists ``code`` exactly or by a ``XX-*`` entry."""
    if code is None:
        return False
    for place in law.residences:
        if place == code:
            return True
        if place.endswith("-*") and code.startswith(place[:-1]):
            return True
    return False


def bundled_laws_dir() -> Path:
    """Return the folder of law files shipped with Tocsin."""
    return Path(str(resources.files(__package__).joinpath("laws")))


def load_rulebook(extra_dir: str | Path | None = None) -> Rulebook:
    """Load and return every bundled law, with operator files layered on top.

    Raises LawFileError naming each invalid file and its fix. An operator
    file whose id matches a bundled law replaces it.
    """
    laws = _load_folder(bundled_laws_dir(), origin="bundled")
    overridden: list[str] = []
    if extra_dir is not None:
        folder = Path(extra_dir)
        if not folder.is_dir():
            raise LawFileError(
                f"operator laws folder '{folder}' does not exist; create it or "
                "unset TOCSIN_LAWS_DIR"
            )
        operator_laws = _load_folder(folder, origin="operator")
        overridden = sorted(set(operator_laws) & set(laws))
        laws.update(operator_laws)
    logger.debug(
        "rulebook loaded", extra={"law_count": len(laws), "overridden": overridden}
    )
    return Rulebook(laws=MappingProxyType(laws), overridden=tuple(overridden))


def _load_folder(folder: Path, origin: str) -> dict[str, Law]:
    laws: dict[str, Law] = {}
    problems: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in LAW_FILE_SUFFIXES:
            continue
        try:
            law = parse_law_file(path, origin)
        except LawFileError as error:
            problems.append(str(error))
            continue
        laws[law.id] = law
    if problems:
        raise LawFileError("\n".join(problems))
    return laws


def find_review_problems(
    rulebook: Rulebook, today: dt.date, period_days: int = REVIEW_PERIOD_DAYS
) -> list[str]:
    """Return one message per law not reviewed within the period."""
    problems = []
    for law in rulebook:
        age = (today - law.last_reviewed).days
        if age > period_days:
            problems.append(
                f"{Path(law.path).name}: last reviewed {law.last_reviewed} "
                f"({age} days ago, limit {period_days}); review the law and "
                f"run 'tocsin rules review --mark {law.id} --reviewer NAME'"
            )
    return problems


def find_citation_problems(rulebook: Rulebook) -> list[str]:
    """Return one message per law or notice whose citation is blank."""
    problems = []
    for law in rulebook:
        name = Path(law.path).name
        if not law.citation.strip():
            problems.append(f"{name}: citation is blank; add the statute section")
        for notice in law.notices:
            if not notice.citation.strip():
                problems.append(
                    f"{name}: notice to {notice.recipient} has a blank citation; "
                    "add the statute section"
                )
    return problems

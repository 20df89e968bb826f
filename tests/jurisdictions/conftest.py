"""Shared fixtures for the jurisdiction engine tests (no database)."""

import datetime as dt
from functools import cache

import pytest

from tocsin.jurisdictions.engine import (
    CompanyProfile,
    IncidentFacts,
    PersonGroup,
    assess,
)
from tocsin.jurisdictions.results import Assessment
from tocsin.jurisdictions.rulebook import Rulebook, load_rulebook

# Monday 2 March 2026, 15:00 UTC: before US daylight saving starts (8 March).
DISCOVERED = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


@cache
def bundled_rulebook() -> Rulebook:
    """Return the bundled rulebook, loaded once per test run."""
    return load_rulebook()


@pytest.fixture
def rulebook() -> Rulebook:
    """Return the bundled rulebook."""
    return bundled_rulebook()


def make_incident(**changes: object) -> IncidentFacts:
    """Return incident facts discovered at DISCOVERED, with ``changes``."""
    company = changes.pop("company", None)
    if isinstance(company, dict):
        company = CompanyProfile(**company)
    values: dict[str, object] = {"discovered_at": DISCOVERED}
    values.update(changes)
    if company is not None:
        values["company"] = company
    return IncidentFacts(**values)


def assess_group(
    residence: str | None,
    exposed: tuple[str, ...],
    count: int = 1,
    **incident: object,
) -> Assessment:
    """Return the assessment of one person group under the bundled laws."""
    group = PersonGroup("group", residence, frozenset(exposed), count)
    return assess(bundled_rulebook(), make_incident(**incident), [group])

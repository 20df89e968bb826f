"""Settings of the extraction jobs, from Django settings or the environment.

Each value is read at call time, so tests and the benchmark can change them
with ``override_settings`` or an environment variable.
"""

import os

from django.conf import settings


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value)


def sources_file() -> str:
    """Return the path of the JSON file that lists the sources, or ""."""
    return _setting("TOCSIN_SOURCES_FILE", "")


def backoff_base_seconds() -> float:
    """Return the first retry's maximum wait; each retry doubles it."""
    return float(_setting("TOCSIN_SOURCE_BACKOFF_BASE", "1.0"))


def backoff_max_seconds() -> float:
    """Return the cap on one retry's wait, as Celery's retry_backoff_max."""
    return float(_setting("TOCSIN_SOURCE_BACKOFF_MAX", "600"))


def source_deadline_seconds() -> float:
    """Return how long a source may stay down before extraction fails over."""
    return float(_setting("TOCSIN_SOURCE_DEADLINE", "900"))


def breaker_threshold() -> int:
    """Return the consecutive failures that open a source's circuit breaker."""
    return int(_setting("TOCSIN_SOURCE_BREAKER_THRESHOLD", "5"))


def breaker_cooldown_seconds() -> float:
    """Return how long an open breaker keeps requests away from a source."""
    return float(_setting("TOCSIN_SOURCE_BREAKER_COOLDOWN", "30"))


def request_timeout_seconds() -> float:
    """Return the timeout of one request to a source over the network."""
    return float(_setting("TOCSIN_SOURCE_TIMEOUT", "60"))


def salesforce_api_share() -> float:
    """Return the share (0 to 1) of the org's daily API limit we may use.

    The CRM keeps serving the business during an incident, so extraction
    stops short of the limit instead of locking everyone else out.
    """
    return float(_setting("TOCSIN_SALESFORCE_API_SHARE", "0.5"))


def stalled_after_seconds() -> float:
    """Return how long a running source may go without progress before its
    next page is queued again (a worker was killed holding its task)."""
    return float(_setting("TOCSIN_SOURCE_STALLED_AFTER", "120"))


def delta_overlap_seconds() -> float:
    """Return how far before the previous pull a delta re-sync starts."""
    return float(_setting("TOCSIN_DELTA_OVERLAP", "300"))

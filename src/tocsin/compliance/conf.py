"""Settings of the compliance app, read from Django settings or environment.

Each value is looked up first as a Django setting, then as an environment
variable of the same name, then falls back to the default given here.
"""

import os

from django.conf import settings

from tocsin.errors import ConfigurationError


def _read_days(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(name) or default
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = -1
    if days < 1:
        raise ConfigurationError(
            f"{name} is '{value}'; set it to a whole number of days, 1 or more"
        )
    return days


def vendor_warning_days() -> int:
    """Return how many days before expiry a vendor attestation is flagged."""
    return _read_days("TOCSIN_VENDOR_WARNING_DAYS", 60)


def training_valid_days() -> int:
    """Return how many days a training completion counts as current."""
    return _read_days("TOCSIN_TRAINING_VALID_DAYS", 365)


def law_review_interval_days() -> int:
    """Return how many days a law file's review stays current."""
    return _read_days("TOCSIN_LAW_REVIEW_INTERVAL_DAYS", 365)


def drill_interval_days() -> int:
    """Return the longest gap between drills before one is overdue.

    92 days is the longest calendar quarter, so quarterly drills held on
    any day of each quarter are never reported overdue.
    """
    return _read_days("TOCSIN_DRILL_INTERVAL_DAYS", 92)

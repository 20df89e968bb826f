"""Deadline arithmetic: calendar days, business days and hours, by zone.

Conventions, applied to every law:

- A clock starts at a timezone-aware moment, which is first converted to the
  jurisdiction's zone. The local date of that moment is day 0.
- "Within N days" ends at 23:59:59 local time on day N. Business days skip
  Saturdays, Sundays and the jurisdiction's public holidays from the
  ``holidays`` package (subdivision-aware, e.g. Vermont's Town Meeting Day).
- A deadline that lands on a weekend or holiday is not moved: statutes that
  count calendar days do not extend them, and the earlier day is stricter.
- "Within N hours" (GDPR Art. 33) is exact elapsed time, so a daylight-saving
  change inside the window does not shift it.
"""

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import holidays

END_OF_DAY = dt.time(23, 59, 59)


def end_of_local_day(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """Return 23:59:59 on ``day`` in ``zone`` (DST-aware)."""
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=zone)


def add_calendar_days(start: dt.datetime, days: int, zone: ZoneInfo) -> dt.datetime:
    """Return the end of the ``days``-th calendar day after ``start``."""
    local_start = start.astimezone(zone).date()
    return end_of_local_day(local_start + dt.timedelta(days=days), zone)


def add_business_days(
    start: dt.datetime,
    days: int,
    zone: ZoneInfo,
    country: str,
    subdivision: str | None,
) -> dt.datetime:
    """Return the end of the ``days``-th business day after ``start``.

    Weekends and the public holidays of ``country``/``subdivision`` are
    skipped; the start day itself is never counted.
    """
    day = start.astimezone(zone).date()
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_business_day(day, country, subdivision):
            counted += 1
    return end_of_local_day(day, zone)


def add_hours(start: dt.datetime, hours: int, zone: ZoneInfo) -> dt.datetime:
    """Return ``start`` plus ``hours`` of elapsed time, shown in ``zone``."""
    elapsed = start.astimezone(dt.UTC) + dt.timedelta(hours=hours)
    return elapsed.astimezone(zone)


def is_business_day(day: dt.date, country: str, subdivision: str | None) -> bool:
    """Return whether ``day`` is neither a weekend day nor a public holiday."""
    if day.weekday() >= 5:
        return False
    return day not in holiday_calendar(country, subdivision, day.year)


@cache
def holiday_calendar(
    country: str, subdivision: str | None, year: int
) -> holidays.HolidayBase:
    """Return the public holidays of a country or subdivision for one year."""
    return holidays.country_holidays(country, subdiv=subdivision, years=year)


def add_period(
    start: dt.datetime,
    amount: int,
    unit: str,
    zone: ZoneInfo,
    country: str,
    subdivision: str | None,
) -> dt.datetime:
    """Return the end of a period of ``amount`` ``unit`` after ``start``.

    ``unit`` is ``calendar_days``, ``business_days`` or ``hours``, as in law
    files.
    """
    if unit == "calendar_days":
        return add_calendar_days(start, amount, zone)
    if unit == "business_days":
        return add_business_days(start, amount, zone, country, subdivision)
    if unit == "hours":
        return add_hours(start, amount, zone)
    raise ValueError(f"unknown deadline unit '{unit}'")


def describe_period(amount: int, unit: str) -> str:
    """Return a period as words, e.g. '30 calendar days' or '72 hours'."""
    words = unit.replace("_", " ")
    if amount == 1:
        words = words.removesuffix("s")
    return f"{amount} {words}"

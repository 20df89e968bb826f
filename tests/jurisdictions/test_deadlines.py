"""Deadline arithmetic: calendar and business days, zones, DST, leap days."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from tocsin.jurisdictions.deadlines import (
    add_business_days,
    add_calendar_days,
    add_hours,
    describe_period,
    is_business_day,
)
from tocsin.jurisdictions.engine import PersonGroup, assess
from tocsin.jurisdictions.facts import RiskFinding
from tocsin.jurisdictions.rulebook import bundled_laws_dir, load_rulebook

from .conftest import DISCOVERED, assess_group, make_incident

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
CHICAGO = ZoneInfo("America/Chicago")
NAME_SSN = ("name", "ssn")


def _result(assessment, law_id):
    return next(r for r in assessment.person_results if r.law_id == law_id)


def _notice(assessment, law_id, part):
    return next(
        n
        for n in assessment.regulator_notices
        if n.law_id == law_id and part in n.recipient
    )


def test_calendar_days_end_at_local_midnight_on_day_n() -> None:
    due = add_calendar_days(DISCOVERED, 30, NEW_YORK)

    assert due == dt.datetime(2026, 4, 1, 23, 59, 59, tzinfo=NEW_YORK)


def test_calendar_days_cross_spring_dst_change_keep_local_time() -> None:
    due = add_calendar_days(DISCOVERED, 30, NEW_YORK)

    assert due.utcoffset() == dt.timedelta(hours=-4)
    assert DISCOVERED.astimezone(NEW_YORK).utcoffset() == dt.timedelta(hours=-5)


def test_calendar_days_count_leap_day() -> None:
    start = dt.datetime(2028, 1, 30, 12, tzinfo=LOS_ANGELES)

    assert add_calendar_days(start, 30, LOS_ANGELES).date() == dt.date(2028, 2, 29)


def test_calendar_days_skip_leap_day_in_common_year() -> None:
    start = dt.datetime(2027, 1, 30, 12, tzinfo=LOS_ANGELES)

    assert add_calendar_days(start, 30, LOS_ANGELES).date() == dt.date(2027, 3, 1)


def test_day_zero_is_the_local_date_of_the_clock_start() -> None:
    # 06:00 UTC on 3 March is still 2 March in California but 3 March in
    # New York, so the same 30 days end on different dates.
    start = dt.datetime(2026, 3, 3, 6, 0, tzinfo=dt.UTC)

    assert add_calendar_days(start, 30, LOS_ANGELES).date() == dt.date(2026, 4, 1)
    assert add_calendar_days(start, 30, NEW_YORK).date() == dt.date(2026, 4, 2)


def test_business_days_skip_vermont_town_meeting_day() -> None:
    due = add_business_days(DISCOVERED, 14, NEW_YORK, "US", "VT")

    assert due.date() == dt.date(2026, 3, 23)


def test_business_days_without_state_holiday_end_earlier() -> None:
    due = add_business_days(DISCOVERED, 14, NEW_YORK, "US", "NY")

    assert due.date() == dt.date(2026, 3, 20)


def test_business_days_skip_christmas_and_weekend() -> None:
    start = dt.datetime(2026, 12, 23, 12, tzinfo=CHICAGO)

    due = add_business_days(start, 5, CHICAGO, "US", "IA")

    assert due.date() == dt.date(2026, 12, 31)


def test_business_days_cross_new_year_holiday() -> None:
    start = dt.datetime(2026, 12, 30, 12, tzinfo=CHICAGO)

    due = add_business_days(start, 2, CHICAGO, "US", "IA")

    assert due.date() == dt.date(2027, 1, 4)


def test_weekend_day_is_not_a_business_day() -> None:
    assert is_business_day(dt.date(2026, 3, 7), "US", "CA") is False


def test_hours_are_elapsed_time_across_eu_dst_change() -> None:
    brussels = ZoneInfo("Europe/Brussels")
    start = dt.datetime(2026, 3, 28, 12, 0, tzinfo=dt.UTC)

    due = add_hours(start, 72, brussels)

    assert due == dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)
    assert due.utcoffset() == dt.timedelta(hours=2)


def test_hours_are_elapsed_time_across_uk_dst_end() -> None:
    london = ZoneInfo("Europe/London")
    start = dt.datetime(2026, 10, 24, 12, 0, tzinfo=dt.UTC)

    due = add_hours(start, 72, london)

    assert due == dt.datetime(2026, 10, 27, 12, 0, tzinfo=dt.UTC)
    assert due.utcoffset() == dt.timedelta(0)


def test_period_words_use_singular_for_one() -> None:
    assert describe_period(1, "business_days") == "1 business day"
    assert describe_period(72, "hours") == "72 hours"


def test_california_individual_deadline_is_30_days_from_discovery() -> None:
    result = _result(assess_group("US-CA", NAME_SSN), "US-CA")

    assert result.deadline == dt.datetime(2026, 4, 1, 23, 59, 59, tzinfo=LOS_ANGELES)
    assert result.outer_limit is None


def test_texas_outer_limit_counts_from_determination() -> None:
    determined = dt.datetime(2026, 3, 5, 9, 0, tzinfo=CHICAGO)

    result = _result(assess_group("US-TX", NAME_SSN, determined_at=determined), "US-TX")

    assert result.deadline is None
    assert result.outer_limit == dt.datetime(2026, 5, 4, 23, 59, 59, tzinfo=CHICAGO)


def test_missing_determination_time_counts_from_discovery() -> None:
    result = _result(assess_group("US-TX", NAME_SSN), "US-TX")

    assert result.outer_limit == dt.datetime(2026, 5, 1, 23, 59, 59, tzinfo=CHICAGO)
    assert "counted from discovery" in result.deadline_text


def test_without_unreasonable_delay_has_no_date() -> None:
    result = _result(assess_group("US-MA", NAME_SSN), "US-MA")

    assert result.deadline is None
    assert result.outer_limit is None
    assert result.deadline_text.startswith("as soon as practicable")


def test_law_enforcement_delay_leaves_deadline_open() -> None:
    result = _result(
        assess_group("US-CA", NAME_SSN, law_enforcement_delay_requested=True), "US-CA"
    )

    assert result.deadline is None
    assert "law enforcement" in result.deadline_text


def test_law_enforcement_clearance_restarts_the_clock() -> None:
    cleared = dt.datetime(2026, 3, 20, 17, 0, tzinfo=LOS_ANGELES)

    result = _result(
        assess_group(
            "US-CA",
            NAME_SSN,
            law_enforcement_delay_requested=True,
            law_enforcement_cleared_at=cleared,
        ),
        "US-CA",
    )

    assert result.deadline == dt.datetime(2026, 4, 19, 23, 59, 59, tzinfo=LOS_ANGELES)


def test_gdpr_authority_deadline_is_72_hours_after_awareness() -> None:
    assessment = assess_group("DE", ("email",), risk_finding=RiskFinding.RISK)

    notice = _notice(assessment, "EU-GDPR", "supervisory authority")

    assert notice.deadline == DISCOVERED + dt.timedelta(hours=72)


def test_vermont_preliminary_notice_uses_vermont_business_days() -> None:
    notice = _notice(assess_group("US-VT", NAME_SSN), "US-VT", "Attorney General")

    assert notice.deadline == dt.datetime(2026, 3, 23, 23, 59, 59, tzinfo=NEW_YORK)


def test_california_ag_is_due_15_days_after_individuals() -> None:
    notice = _notice(assess_group("US-CA", NAME_SSN, 501), "US-CA", "Attorney General")

    assert notice.deadline == dt.datetime(2026, 4, 16, 23, 59, 59, tzinfo=LOS_ANGELES)


def test_iowa_ag_notice_has_no_fixed_date() -> None:
    notice = _notice(assess_group("US-IA", NAME_SSN, 501), "US-IA", "Attorney General")

    assert notice.deadline is None
    assert "five business days" in notice.deadline_text


def test_notice_with_individual_notice_shares_its_deadline() -> None:
    assessment = assess_group("US-CT", NAME_SSN)
    notice = _notice(assessment, "US-CT", "Attorney General")

    assert notice.deadline == _result(assessment, "US-CT").outer_limit
    assert notice.order_constraint == "not later than the notice to residents"


def test_new_jersey_police_notice_comes_before_individuals() -> None:
    notice = _notice(assess_group("US-NJ", NAME_SSN), "US-NJ", "State Police")

    assert notice.deadline_text.startswith("before the first notice to individuals")


def test_ftc_safeguards_notice_is_due_30_days_after_discovery() -> None:
    assessment = assess_group(
        "US-OH", NAME_SSN, 500, company={"is_glba_financial_institution": True}
    )

    notice = _notice(assessment, "US-FTC-SAFEGUARDS", "Federal Trade Commission")

    assert notice.deadline == dt.datetime(2026, 4, 1, 23, 59, 59, tzinfo=NEW_YORK)


def test_hbnr_individual_outer_limit_is_60_calendar_days() -> None:
    assessment = assess_group(
        "US-OH", ("name", "medical"), company={"keeps_personal_health_records": True}
    )

    result = _result(assessment, "US-FTC-HBNR")

    assert result.outer_limit == dt.datetime(2026, 5, 1, 23, 59, 59, tzinfo=NEW_YORK)


def test_vendor_notice_clock_counts_from_the_vendor_notice(tmp_path: Path) -> None:
    document = yaml.safe_load((bundled_laws_dir() / "US-NY.yaml").read_text())
    document["individual_notice"]["deadline"]["clock_start"] = "vendor_notice"
    (tmp_path / "US-NY.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    vendor_notice = dt.datetime(2026, 3, 10, 12, 0, tzinfo=NEW_YORK)
    incident = make_incident(vendor_notified_at=vendor_notice)
    group = PersonGroup("g", "US-NY", frozenset(NAME_SSN))

    result = assess(load_rulebook(tmp_path), incident, [group]).person_results[0]

    assert result.outer_limit == dt.datetime(2026, 4, 9, 23, 59, 59, tzinfo=NEW_YORK)

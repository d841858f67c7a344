"""Digest periods: the days they cover, when each is due, and what a subscription owes."""

from datetime import UTC, date, datetime

import pytest

from store.errors import ValidationFailed
from store.periods import (
    Period,
    canonical_zone,
    check_time,
    custom_period,
    due_at,
    due_periods,
    last_complete_period,
    local_days_in_order,
    period_containing,
    utc_offsets,
)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("kind", "day", "start", "end"), [
    ("daily", date(2026, 11, 25), date(2026, 11, 25), date(2026, 11, 26)),
    ("weekly", date(2026, 11, 25), date(2026, 11, 23), date(2026, 11, 30)),  # ISO week, Monday
    ("weekly", date(2026, 11, 29), date(2026, 11, 23), date(2026, 11, 30)),  # Sunday ends it
    ("monthly", date(2026, 2, 14), date(2026, 2, 1), date(2026, 3, 1)),
    ("monthly", date(2026, 12, 31), date(2026, 12, 1), date(2027, 1, 1)),
])
def test_a_period_covers_its_local_days(kind, day, start, end):
    assert period_containing(kind, day) == Period(kind, start, end)


def test_previous_periods_step_back_by_day_week_calendar_month_or_length():
    assert period_containing("monthly", date(2026, 3, 10)).previous() == \
        Period("monthly", date(2026, 2, 1), date(2026, 3, 1))
    assert period_containing("weekly", date(2026, 1, 1)).previous().start == date(2025, 12, 22)
    assert custom_period(date(2026, 11, 3), date(2026, 11, 4)).previous() == \
        Period("custom", date(2026, 11, 1), date(2026, 11, 3))
    assert last_complete_period("daily", date(2026, 11, 25)).start == date(2026, 11, 24)


def test_labels_read_like_people_write_them():
    assert period_containing("daily", date(2026, 11, 25)).label() == "Wed 25 Nov 2026"
    assert period_containing("weekly", date(2026, 11, 25)).label() == "Week 48 2026, 23–29 Nov 2026"
    assert period_containing("monthly", date(2026, 11, 25)).label() == "November 2026"
    assert custom_period(date(2026, 10, 30), date(2026, 11, 2)).label() == "30 Oct – 02 Nov 2026"


def test_a_digest_is_due_after_its_period_at_the_local_time():
    day = period_containing("daily", date(2026, 11, 25))
    assert due_at(day, at_time="08:00", tz="UTC") == utc(2026, 11, 26, 8)
    assert due_at(day, at_time="08:00", tz="Europe/Berlin") == utc(2026, 11, 26, 7)
    week = period_containing("weekly", date(2026, 11, 25))
    assert due_at(week, at_time="09:30", tz="America/New_York") == utc(2026, 11, 30, 14, 30)
    month = period_containing("monthly", date(2026, 10, 5))
    assert due_at(month, at_time="08:00", tz="UTC") == utc(2026, 11, 1, 8)


def test_local_days_follow_daylight_saving_changes():
    # Berlin leaves summer time on 25 Oct 2026: that day has 25 hours.
    start, end = Period("daily", date(2026, 10, 25), date(2026, 10, 26)).utc_bounds("Europe/Berlin")
    assert (start, end) == (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Europe/Berlin",
                                "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata"])
def test_local_dates_go_forward_in_real_zones(tz):
    # Santiago's clock goes back at 24:00 to 23:00: the same Saturday, still in order.
    assert local_days_in_order(utc_offsets(utc(2026, 1, 1), utc(2027, 1, 1), tz))


def test_a_clock_set_back_across_midnight_puts_local_dates_out_of_order():
    # 00:30 at +60 set back to 23:30 the day before at 0.
    assert not local_days_in_order(((utc(2026, 3, 1), 60), (utc(2026, 3, 1, 23, 30), 0)))
    assert local_days_in_order(((utc(2026, 3, 1), 60), (utc(2026, 3, 1, 22, 30), 0)))


def test_due_periods_are_the_ones_due_since_subscribing_oldest_first():
    since, now = utc(2026, 11, 20, 9), utc(2026, 11, 25, 8, 0)
    owed = due_periods("daily", at_time="08:00", tz="UTC", since=since, now=now)
    # Due 21 Nov 08:00 (for the 20th) ... 25 Nov 08:00 (for the 24th); the 19th was due
    # on the 20th at 08:00, before the subscription existed.
    assert [p.start for p in owed] == [date(2026, 11, d) for d in (20, 21, 22, 23, 24)]


def test_a_period_is_not_due_a_minute_early():
    owed = due_periods("daily", at_time="08:00", tz="UTC", since=utc(2026, 11, 1),
                       now=utc(2026, 11, 25, 7, 59))
    assert owed[-1].start == date(2026, 11, 23)


def test_catch_up_is_capped_to_the_newest_periods():
    owed = due_periods("daily", at_time="08:00", tz="UTC", since=utc(2025, 1, 1),
                       now=utc(2026, 11, 25, 9))
    assert len(owed) == 31 and owed[-1].start == date(2026, 11, 24)
    monthly = due_periods("monthly", at_time="08:00", tz="UTC", since=utc(2025, 1, 1),
                          now=utc(2026, 11, 25, 9))
    assert [p.start for p in monthly] == [date(2026, 9, 1), date(2026, 10, 1)]


@pytest.mark.parametrize("bad", ["25:00", "8", "08:60", "eight"])
def test_a_bad_time_is_refused(bad):
    with pytest.raises(ValidationFailed):
        check_time(bad)


def test_time_zones_are_matched_case_insensitively_and_bad_ones_refused():
    assert canonical_zone("europe/berlin") == "Europe/Berlin"
    with pytest.raises(ValidationFailed, match="not a time zone"):
        canonical_zone("Mars/Olympus")


def test_a_custom_range_must_run_forwards_and_stay_under_a_year():
    with pytest.raises(ValidationFailed):
        custom_period(date(2026, 11, 4), date(2026, 11, 3))
    with pytest.raises(ValidationFailed):
        custom_period(date(2025, 1, 1), date(2026, 11, 3))

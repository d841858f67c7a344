"""Dates in words resolve against a fixed now (Wed 25 Nov 2026, 15:00 UTC)."""

from datetime import UTC, date, datetime

import pytest

from store.questions.dates import find_dates

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
OPEN = None


@pytest.mark.parametrize("text, start, end", [
    ("yesterday", date(2026, 11, 24), date(2026, 11, 25)),
    ("today", date(2026, 11, 25), date(2026, 11, 26)),
    ("the day before yesterday", date(2026, 11, 23), date(2026, 11, 24)),
    ("3 days ago", date(2026, 11, 22), date(2026, 11, 23)),
    ("a couple of days ago", date(2026, 11, 23), date(2026, 11, 24)),
    ("last week", date(2026, 11, 16), date(2026, 11, 23)),
    ("this week", date(2026, 11, 23), date(2026, 11, 26)),
    ("2 weeks ago", date(2026, 11, 9), date(2026, 11, 16)),
    ("the past week", date(2026, 11, 18), date(2026, 11, 26)),
    ("last 10 days", date(2026, 11, 15), date(2026, 11, 26)),
    ("past two weeks", date(2026, 11, 11), date(2026, 11, 26)),
    ("this month", date(2026, 11, 1), date(2026, 11, 26)),
    ("last month", date(2026, 10, 1), date(2026, 11, 1)),
    ("in October", date(2026, 10, 1), date(2026, 11, 1)),
    ("in december", date(2025, 12, 1), date(2026, 1, 1)),  # the latest December begun
    ("in oct 2025", date(2025, 10, 1), date(2025, 11, 1)),
    ("September 2026", date(2026, 9, 1), date(2026, 10, 1)),
    ("in 2025", date(2025, 1, 1), date(2026, 1, 1)),
    ("last year", date(2025, 1, 1), date(2026, 1, 1)),
    ("since Monday", date(2026, 11, 23), date(2026, 11, 26)),
    ("since last week", date(2026, 11, 16), date(2026, 11, 26)),
    ("since October", date(2026, 10, 1), date(2026, 11, 26)),
    ("since 11/20", date(2026, 11, 20), date(2026, 11, 26)),
    ("on Monday", date(2026, 11, 23), date(2026, 11, 24)),
    ("last friday", date(2026, 11, 20), date(2026, 11, 21)),
    ("last wednesday", date(2026, 11, 18), date(2026, 11, 19)),  # not today
    ("Wednesday", date(2026, 11, 25), date(2026, 11, 26)),
    # Ahead, as in "what's due …": "next Monday" was read as the Monday just past, and
    # "tomorrow" was searched for as a word.
    ("tomorrow", date(2026, 11, 26), date(2026, 11, 27)),
    ("next Monday", date(2026, 11, 30), date(2026, 12, 1)),
    ("next wednesday", date(2026, 12, 2), date(2026, 12, 3)),  # not today
    ("this coming Friday", date(2026, 11, 27), date(2026, 11, 28)),
    ("Nov 20", date(2026, 11, 20), date(2026, 11, 21)),
    ("on Nov 20th", date(2026, 11, 20), date(2026, 11, 21)),
    ("for Nov 20", date(2026, 11, 20), date(2026, 11, 21)),
    ("the 3rd of November", date(2026, 11, 3), date(2026, 11, 4)),
    ("Dec 20", date(2025, 12, 20), date(2025, 12, 21)),  # a date ahead means last year's
    ("2026-11-02", date(2026, 11, 2), date(2026, 11, 3)),
    ("between nov 1 and nov 15", date(2026, 11, 1), date(2026, 11, 16)),
    ("from Oct 3 to Oct 20", date(2026, 10, 3), date(2026, 10, 21)),
    ("before Nov 20", OPEN, date(2026, 11, 20)),
    ("until friday", OPEN, date(2026, 11, 21)),
    ("after Nov 20", date(2026, 11, 21), date(2026, 11, 26)),
])
def test_a_date_phrase_becomes_a_utc_range(text, start, end):
    found, rest = find_dates(f"acme orders {text} please", NOW)
    assert found is not None, text
    assert (found.start and found.start.date(), found.end and found.end.date()) == (start, end)
    assert all(t.tzinfo == UTC for t in (found.start, found.end) if t)
    left = set(rest.split()) - {"acme", "orders", "please"}
    assert left <= {"the", "on", "for"}, "the phrase is taken out of the text"


@pytest.mark.parametrize("text", [
    "status of SO-1042", "may I ask about acme", "March Industries", "sat on it", "PO 7781",
    "1Z999AA10123456784", "the Jan Smith order", "wed co",
])
def test_words_that_only_look_like_dates_are_left_alone(text):
    assert find_dates(text, NOW) == (None, text)


def test_relative_dates_follow_the_injected_now():
    later = datetime(2027, 2, 3, 8, tzinfo=UTC)
    found, _ = find_dates("in October", later)
    assert (found.start.date(), found.end.date()) == (date(2026, 10, 1), date(2026, 11, 1))
    found, _ = find_dates("yesterday", later)
    assert found.start.date() == date(2027, 2, 2) and found.phrase == "yesterday"


def test_days_are_the_askers_in_their_time_zone():
    early = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Tue 24 Nov 18:00 in Los Angeles
    found, _ = find_dates("orders from yesterday", early, "America/Los_Angeles")
    assert (found.start, found.end) == (datetime(2026, 11, 23, 8, tzinfo=UTC),
                                        datetime(2026, 11, 24, 8, tzinfo=UTC))
    found, _ = find_dates("orders from yesterday", early)
    assert (found.start, found.end) == (datetime(2026, 11, 24, tzinfo=UTC),
                                        datetime(2026, 11, 25, tzinfo=UTC))
    assert find_dates("today", early, "Not/AZone")[0].start == datetime(2026, 11, 25, tzinfo=UTC)

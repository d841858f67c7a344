"""The suite's sense of time. Test data is built relative to TEST_NOW, never at calendar dates
that age: ORDERDESK_TEST_NOW (ISO 8601 with an offset, e.g. 2028-06-05T09:30:00Z) or, unset,
the real now. scripts/test.sh runs the suite at several; tests/conftest.py sets the one clock
to it before every test."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta


def _test_now() -> datetime:
    value = os.environ.get("ORDERDESK_TEST_NOW", "").strip()
    if not value:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"ORDERDESK_TEST_NOW={value!r} needs an offset, e.g. 2028-06-05T09:30Z")
    return moment.astimezone(UTC)


TEST_NOW = _test_now()
TODAY = TEST_NOW.date()  # the tests' workspace zone is UTC


def days_ago(days: int, hour: int = 9, minute: int = 0, *, today: date = TODAY) -> datetime:
    """A moment `days` whole days before today (UTC), at hour:minute. `today` is for a desk
    pinned to its own calendar (tests/support/threads_desk.py)."""
    return datetime.combine(today - timedelta(days=days), time(hour, minute), UTC)


def in_days(days: int, *, today: date = TODAY) -> date:
    """The calendar day `days` from today (negative: in the past)."""
    return today + timedelta(days=days)

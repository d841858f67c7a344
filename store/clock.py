"""The one clock: every "now" and "today" in Orderdesk comes from here.

A check, a digest or a reply that read the wall clock in one place and a passed-in `now` in
another would answer differently depending on when it ran. So nothing outside this module
calls `datetime.now()`, `date.today()` or `time.time()` (tests/test_one_clock.py fails when
something does). The composition root installs the workspace's clock once (`install`, with
the workspace time zone); tests install one set to the day they are about.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo


class Clock:
    """The wall clock, read in UTC; `today()` is the date in the workspace's zone."""

    def __init__(self, zone: str | tzinfo = "UTC") -> None:
        self.zone = ZoneInfo(zone) if isinstance(zone, str) else zone

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        """The workspace's calendar day: a promised date passes at local midnight, not UTC's."""
        return self.date_of(self.now())

    def date_of(self, moment: datetime) -> date:
        """The workspace's calendar day at `moment`."""
        return moment.astimezone(self.zone).date()


class SetClock(Clock):
    """A clock that starts at a chosen moment: frozen, or ticking on from it in real time.

    Ticking is the default, so waits and retry back-offs still come due in a test that is
    pinned to a date; `freeze()` stops it for a test that compares exact timestamps.
    """

    def __init__(self, at: datetime, zone: str | tzinfo = "UTC", *, ticking: bool = True):
        super().__init__(zone)
        self.set(at, ticking=ticking)

    def set(self, at: datetime, *, ticking: bool | None = None) -> None:
        if at.tzinfo is None:
            raise ValueError(f"naive datetime {at!r}: pass an aware datetime")
        self._at = at.astimezone(UTC)
        self._since = time.monotonic()
        if ticking is not None:
            self.ticking = ticking

    def freeze(self) -> None:
        self.set(self.now(), ticking=False)

    def advance(self, delta: timedelta) -> None:
        self.set(self.now() + delta)

    def now(self) -> datetime:
        if not self.ticking:
            return self._at
        return self._at + timedelta(seconds=time.monotonic() - self._since)


_current: Clock = Clock()


def install(clock: Clock) -> Clock:
    """Make `clock` the process's clock; returns the one it replaces (for tests to restore)."""
    global _current
    previous, _current = _current, clock
    return previous


def current() -> Clock:
    return _current


def now() -> datetime:
    """Now, aware, in UTC."""
    return _current.now()


def today() -> date:
    """Today in the workspace's time zone."""
    return _current.today()


def date_of(moment: datetime) -> date:
    """The workspace's calendar day at `moment` (for operations given an explicit `now`)."""
    return _current.date_of(moment)


def wall() -> datetime:
    """The machine's real time, for the scheduler's own timers only (APScheduler compares
    its run times with it); never for what a date means to an order or a report."""
    return datetime.now(UTC)

"""Digest periods: the days a daily, weekly or monthly digest covers, when each is due, and
which periods a subscription still owes. Pure functions of dates, times and zones.

A period is local days [start, end) in a time zone. A daily digest for day D is due on D+1
at the subscription's time; a weekly one (ISO week, Monday to Sunday) the next Monday; a
monthly one on the 1st of the next month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from store.enums import DigestPeriod
from store.errors import ValidationFailed

CUSTOM = "custom"
KINDS = tuple(p.value for p in DigestPeriod)
# Catch-up after downtime posts at most this many missed periods per subscription, oldest first.
MAX_CATCH_UP = {"daily": 31, "weekly": 6, "monthly": 2}
MAX_CUSTOM_DAYS = 366
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    start: date
    end: date  # exclusive: the day after the last day

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days)]

    def previous(self) -> Period:
        if self.kind == "monthly":
            return month_of(self.start - timedelta(days=1))
        return Period(self.kind, self.start - (self.end - self.start), self.start)

    def utc_bounds(self, tz: str) -> tuple[datetime, datetime]:
        return local_midnight(self.start, tz), local_midnight(self.end, tz)

    def label(self) -> str:
        if self.kind == "daily":
            return self.start.strftime("%a %d %b %Y")
        if self.kind == "weekly":
            week = self.start.isocalendar()
            return f"Week {week.week} {week.year}, {_span(self.start, self.last_day)}"
        if self.kind == "monthly":
            return self.start.strftime("%B %Y")
        return _span(self.start, self.last_day)


def _span(first: date, last: date) -> str:
    if first == last:
        return first.strftime("%d %b %Y")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last.strftime('%b %Y')}"
    if first.year == last.year:
        return f"{first.strftime('%d %b')} – {last.strftime('%d %b %Y')}"
    return f"{first.strftime('%d %b %Y')} – {last.strftime('%d %b %Y')}"


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return Period("monthly", start, end)


def period_containing(kind: str, day: date) -> Period:
    kind = check_kind(kind)
    if kind == "daily":
        return Period(kind, day, day + timedelta(days=1))
    if kind == "weekly":
        monday = day - timedelta(days=day.weekday())
        return Period(kind, monday, monday + timedelta(days=7))
    return month_of(day)


def last_complete_period(kind: str, today: date) -> Period:
    return period_containing(kind, today).previous()


def custom_period(first_day: date, last_day: date) -> Period:
    if last_day < first_day:
        raise ValidationFailed({"to": f"{last_day} is before {first_day}."})
    if (last_day - first_day).days >= MAX_CUSTOM_DAYS:
        raise ValidationFailed({"to": f"a report covers at most {MAX_CUSTOM_DAYS} days."})
    return Period(CUSTOM, first_day, last_day + timedelta(days=1))


def check_kind(kind: str) -> str:
    value = str(kind).strip().lower()
    if value not in KINDS:
        raise ValidationFailed(
            {"period": f"`{kind}` is not a period. Use daily, weekly or monthly."})
    return value


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(canonical_zone(name))


def canonical_zone(name: str) -> str:
    """The IANA name as the tz database spells it ("europe/berlin" -> "Europe/Berlin")."""
    text = str(name).strip()
    try:
        ZoneInfo(text)
        return text
    except (ZoneInfoNotFoundError, ValueError):
        found = _zones_by_lower_name().get(text.lower())
    if found is None:
        raise ValidationFailed({"timezone": (
            f"`{name}` is not a time zone. Use a name like UTC, Europe/Berlin or "
            "America/New_York.")})
    return found


@lru_cache(maxsize=1)
def _zones_by_lower_name() -> dict[str, str]:
    return {z.lower(): z for z in available_timezones()}


def check_time(value: str) -> str:
    match = _HHMM.match(str(value).strip())
    if not match:
        raise ValidationFailed({"at": f"`{value}` is not a time. Use HH:MM, e.g. 08:00."})
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone(tz)).astimezone(UTC)


def local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(zone(tz)).date()


def past_due_point(period: Period, tz: str, now: datetime) -> tuple[datetime, date]:
    """Where "past due at the end" is counted, as (the moment, its local day): the period's
    end, or for a period still running, the start of today there: an order due on Friday is
    not past due on Wednesday."""
    day = min(period.end, local_date(now, tz))
    return local_midnight(day, tz), day


def utc_offsets(start: datetime, end: datetime, tz: str) -> tuple[tuple[datetime, int], ...]:
    """The zone's UTC offsets (minutes) over [start, end): ((from, offset), ...), the first
    from `start`, then one per change (a DST switch), each from the instant it takes effect.
    Lets SQL read a timestamp's local day at its own offset without time-zone support."""
    place = zone(tz)

    def offset(moment: datetime) -> int:
        found = moment.astimezone(place).utcoffset()
        return int(found.total_seconds() // 60) if found else 0

    found = [(start, offset(start))]
    hour, moment = timedelta(hours=1), start
    while moment < end:
        step = min(moment + hour, end)
        if offset(step) != found[-1][1]:
            low, high = moment, step  # the change is in (low, high]: bisect to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == found[-1][1] else (low, middle)
            found.append((high.replace(second=0, microsecond=0), offset(high)))
        moment = step
    return tuple(found)


def local_days_in_order(offsets: tuple[tuple[datetime, int], ...]) -> bool:
    """Whether the local date never goes back over these offsets (utc_offsets): true unless a
    change turns the clock back across a midnight (Chile's 24:00 -> 23:00), after which some
    instants past a local midnight are again on the day before."""
    for (at, after), (_, before) in zip(offsets[1:], offsets, strict=False):
        just_before = at + timedelta(minutes=before) - timedelta(microseconds=1)
        if (at + timedelta(minutes=after)).date() < just_before.date():
            return False
    return True


def due_at(period: Period, *, at_time: str, tz: str) -> datetime:
    """When the digest of `period` is due: the day after its last day, at `at_time` local."""
    hours, minutes = (int(x) for x in check_time(at_time).split(":"))
    local = datetime.combine(period.end, time(hours, minutes), tzinfo=zone(tz))
    # A time skipped by a DST change resolves forward (zoneinfo's fold=0 rule); fine for a digest.
    return local.astimezone(UTC)


def due_periods(kind: str, *, at_time: str, tz: str, since: datetime, now: datetime,
                limit: int | None = None) -> list[Period]:
    """Periods due in (since, now], oldest first, at most `limit` (the newest ones)."""
    limit = MAX_CATCH_UP[check_kind(kind)] if limit is None else limit
    period = last_complete_period(kind, local_date(now, tz))
    if due_at(period, at_time=at_time, tz=tz) > now:
        period = period.previous()
    found: list[Period] = []
    while len(found) < limit and due_at(period, at_time=at_time, tz=tz) > since:
        found.append(period)
        period = period.previous()
    return found[::-1]

"""Dates in words -> a UTC range: "yesterday", "last week", "in October", "since Monday".

Rule-based on purpose: a question names at most one period, and the phrases people use for
orders are few. python-dateutil does the calendar arithmetic (relativedelta) and reads
explicit dates ("Nov 20", "2026-11-20"). Everything resolves against an injected `now` (UTC),
so the same words always give the same range in tests. Pure functions, no database.

Conventions: weeks start on Monday; "last week" is the previous calendar week; a month
or weekday without a year is the latest one not in the future; "since X" runs to now.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from store.views.questions import DateRange

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a few": 3, "couple of": 2,
          "few": 3}

_MONTH = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
          r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAY = (r"(?P<wd>mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|"
            r"fri(?:day)?|sat(?:urday)?|sun(?:day)?)")
_COUNT = r"(?P<n>\d{1,3}|a couple of|couple of|a few|few|a|one|two|three|four|five|six|seven|" \
         r"eight|nine|ten)"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_ORD = r"(?:st|nd|rd|th)?"

# A single day. Named groups say which kind matched.
DAY = (
    r"(?P<today>today|tonight|this morning|this afternoon)"
    r"|(?P<tomorrow>tomorrow|tmrw)"
    r"|(?P<dby>(?:the\s+)?day\s+before\s+yesterday)"
    r"|(?P<yesterday>yesterday|yday|last night)"
    r"|(?P<ago>" + _COUNT.replace("?P<n>", "?P<dn>") + r")\s+days?\s+ago"
    r"|(?P<iso>\d{4}-\d{1,2}-\d{1,2})"
    r"|(?P<slash>\d{1,2}/\d{1,2}(?:/\d{2,4})?)"
    r"|(?P<md>" + _MONTH.replace("?P<month>", "?P<mdm>") + r"\s+(?P<mdd>\d{1,2})" + _ORD
    + _YEAR.replace("?P<year>", "?P<mdy>") + r")"
    r"|(?P<dm>(?P<dmd>\d{1,2})" + _ORD + r"\s+(?:of\s+)?"
    + _MONTH.replace("?P<month>", "?P<dmm>") + _YEAR.replace("?P<year>", "?P<dmy>") + r")"
    r"|(?P<wdx>(?P<wdq>last|this|past|on|previous|next|coming|this\s+coming)\s+" + _WEEKDAY
    + r")"
    r"|(?P<wdfull>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)
# A stretch of days: weeks, months, years, "last N days".
PERIOD = (
    r"(?P<thisweek>this\s+week|so\s+far\s+this\s+week)"
    r"|(?P<lastweek>last\s+week|previous\s+week|the\s+week\s+before)"
    r"|(?P<weeksago>" + _COUNT.replace("?P<n>", "?P<wn>") + r")\s+weeks?\s+ago"
    r"|(?P<lastn>(?:last|past|previous)\s+" + _COUNT.replace("?P<n>", "?P<ln>")
    + r"\s+(?P<unit>days?|weeks?|months?))"
    r"|(?P<pastweek>(?:the\s+)?past\s+week|last\s+7\s+days)"
    r"|(?P<thismonth>this\s+month)"
    r"|(?P<lastmonth>last\s+month|previous\s+month)"
    r"|(?P<thisyear>this\s+year)"
    r"|(?P<lastyear>last\s+year)"
    r"|(?P<inmonth>(?:in|during|for|of|since|from)\s+" + _MONTH
    + _YEAR.replace("?P<year>", "?P<my>") + r")"
    r"|(?P<monthyear>" + _MONTH.replace("?P<month>", "?P<mym>") + r"\s+(?P<myy>(?:19|20)\d\d))"
    r"|(?P<barem>january|february|april|june|july|august|september|october|november|december"
    r"|sept|oct|nov|dec|aug|feb)"
    r"|(?P<inyear>in\s+(?P<iy>(?:19|20)\d\d))"
)
_DAY_RE = re.compile(rf"\b(?:{DAY})\b", re.IGNORECASE)
_PERIOD_RE = re.compile(rf"\b(?:{PERIOD})\b", re.IGNORECASE)


def _either(prefix: str) -> str:
    """DAY or PERIOD with prefixed group names; DAY first so 'Nov 20' beats 'Nov'."""
    return (rf"(?:{DAY.replace('?P<', f'?P<{prefix}a_')}"
            rf"|{PERIOD.replace('?P<', f'?P<{prefix}b_')})")


_BOUND_RE = re.compile(rf"(?<!day )\b(?P<word>since|after|before|until|till)\s+{_either('x')}\b",
                       re.IGNORECASE)
_BETWEEN_RE = re.compile(
    rf"\b(?:between|from)\s+{_either('l')}\s+(?:and|to|until|till|through|thru|-)\s+"
    rf"{_either('r')}\b", re.IGNORECASE)


def find_dates(text: str, now: datetime, tz: str = "UTC") -> tuple[DateRange | None, str]:
    """The first date phrase in `text` as a range, and the text with every date phrase blanked
    out (a second date is not used, but must not be read as an order number either). Days are
    the asker's (`tz`, an IANA name): 'yesterday' at 02:00 UTC in Los Angeles is the day
    before their today, from their midnight to their midnight."""
    zone = _zone(tz)
    today = now.astimezone(zone).date()
    first = _earliest(text, today)
    if first is None:
        return None, text
    (start, end), (lo, hi) = first
    found = DateRange(start=_at(start, zone), end=_at(end, zone), phrase=" ".join(text[lo:hi].split()))
    span: tuple[int, int] | None = (lo, hi)
    for _ in range(3):
        text = text[:span[0]] + " " * (span[1] - span[0]) + text[span[1]:]
        more = _earliest(text, today)
        if more is None:
            break
        span = more[1]
    return found, text


def _earliest(text: str, today: date):
    candidates = [f for f in (_between(text, today), _bounded(text, today),
                              _first(text, today)) if f is not None]
    # The first phrase in the text wins; at one place, the longest ("since Nov 20" > "Nov 20").
    return min(candidates, key=lambda f: (f[1][0], -f[1][1])) if candidates else None


def _first(text: str, today: date):
    """The earliest phrase; of two that overlap, the one reaching further ('for Nov 20' is a
    day, not November)."""
    found = []
    for regex, resolve in ((_PERIOD_RE, _period), (_DAY_RE, _day_range)):
        for m in regex.finditer(text):
            span = resolve(m.groupdict(), today)
            if span is not None:
                found.append((span, m.span()))
                break
    if len(found) == 2 and found[0][1][1] > found[1][1][0] and found[1][1][1] > found[0][1][0]:
        return max(found, key=lambda f: (f[1][1], -f[1][0]))
    return min(found, key=lambda f: f[1][0]) if found else None


def _resolve(groups: dict, prefix: str, today: date) -> tuple[date | None, date | None] | None:
    inner = {k[len(prefix) + 2:]: v for k, v in groups.items()
             if k.startswith((f"{prefix}a_", f"{prefix}b_"))}
    is_period = any(v for k, v in groups.items() if k.startswith(f"{prefix}b_"))
    return _period(inner, today) if is_period else _day_range(inner, today)


def _between(text: str, today: date):
    for m in _BETWEEN_RE.finditer(text):
        left, right = _resolve(m.groupdict(), "l", today), _resolve(m.groupdict(), "r", today)
        if left and right and left[0] < right[1]:
            return (left[0], right[1]), m.span()
    return None


def _bounded(text: str, today: date):
    """'since Monday', 'before Nov 20': one end from the phrase, the other open (or today)."""
    for m in _BOUND_RE.finditer(text):
        span = _resolve(m.groupdict(), "x", today)
        if span is None:
            continue
        word = m.group("word").lower()
        tomorrow = today + timedelta(days=1)
        if word == "since":
            return (span[0], tomorrow), m.span()
        if word == "after":
            return (span[1], tomorrow), m.span()
        if word == "before":
            return (None, span[0]), m.span()
        return (None, span[1]), m.span()  # until / till: that day included
    return None


def _day_range(g: dict, today: date) -> tuple[date, date] | None:
    day = _day(g, today)
    return None if day is None else (day, day + timedelta(days=1))


def _day(g: dict, today: date) -> date | None:  # noqa: C901 - one branch per phrase kind
    if g.get("today"):
        return today
    if g.get("tomorrow"):  # what is due or promised: the desk asks ahead too
        return today + timedelta(days=1)
    if g.get("dby"):
        return today - timedelta(days=2)
    if g.get("yesterday"):
        return today - timedelta(days=1)
    if g.get("ago"):
        return today - timedelta(days=_count(g["dn"]))
    if g.get("iso"):
        return _parse(g["iso"], today, yearless=False)
    if g.get("slash"):
        return _parse(g["slash"], today, yearless=g["slash"].count("/") == 1)
    if g.get("md"):
        return _parse(f"{g['mdm']} {g['mdd']} {g.get('mdy') or ''}", today, not g.get("mdy"))
    if g.get("dm"):
        return _parse(f"{g['dmm']} {g['dmd']} {g.get('dmy') or ''}", today, not g.get("dmy"))
    if g.get("wdx") or g.get("wdfull"):
        qualifier = " ".join((g.get("wdq") or "").lower().split())
        if qualifier in ("next", "coming", "this coming"):  # the first one after today
            return _weekday(g.get("wd") or g["wdfull"], today + timedelta(days=7),
                            strictly_before=False)
        return _weekday(g.get("wd") or g["wdfull"], today,
                        strictly_before=qualifier in ("last", "past", "previous"))
    return None


def _period(g: dict, today: date) -> tuple[date, date] | None:  # noqa: C901
    tomorrow = today + timedelta(days=1)
    monday = today - timedelta(days=today.weekday())
    if g.get("thisweek"):
        return monday, tomorrow
    if g.get("lastweek"):
        return monday - timedelta(days=7), monday
    if g.get("weeksago"):
        start = monday - timedelta(days=7 * _count(g["wn"]))
        return start, start + timedelta(days=7)
    if g.get("pastweek"):
        return today - timedelta(days=7), tomorrow
    if g.get("lastn"):
        n, unit = _count(g["ln"]), g["unit"].lower().rstrip("s")
        delta = {"day": relativedelta(days=n), "week": relativedelta(weeks=n),
                 "month": relativedelta(months=n)}[unit]
        return today - delta, tomorrow
    first = today.replace(day=1)
    if g.get("thismonth"):
        return first, tomorrow
    if g.get("lastmonth"):
        return first - relativedelta(months=1), first
    if g.get("thisyear"):
        return today.replace(month=1, day=1), tomorrow
    if g.get("lastyear"):
        return date(today.year - 1, 1, 1), date(today.year, 1, 1)
    if g.get("inyear"):
        return date(int(g["iy"]), 1, 1), date(int(g["iy"]) + 1, 1, 1)
    month = g.get("month") or g.get("mym") or g.get("barem")
    if month:
        return _month(month, g.get("my") or g.get("myy"), today)
    return None


def _month(name: str, year: str | None, today: date) -> tuple[date, date]:
    number = next(i for i, m in enumerate(MONTHS, start=1) if m.startswith(name.lower()[:3]))
    if year:
        start = date(int(year), number, 1)
    else:  # the latest such month that has begun
        start = date(today.year if number <= today.month else today.year - 1, number, 1)
    return start, start + relativedelta(months=1)


def _weekday(name: str, today: date, *, strictly_before: bool) -> date:
    target = next(i for i, d in enumerate(WEEKDAYS) if d.startswith(name.lower()[:3]))
    back = (today.weekday() - target) % 7
    if back == 0 and strictly_before:
        back = 7
    return today - timedelta(days=back)


def _parse(text: str, today: date, yearless: bool) -> date | None:
    try:
        day = date_parser.parse(text, default=datetime(today.year, 1, 1)).date()
    except (ValueError, OverflowError):
        return None
    if yearless and day > today:  # "Dec 20" said in January means the one just past
        day = day.replace(year=day.year - 1)
    return day


def _count(text: str) -> int:
    text = " ".join(text.lower().split())
    return int(text) if text.isdecimal() else COUNTS[text]


def _at(day: date | None, zone: tzinfo) -> datetime | None:
    return None if day is None else datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _zone(tz: str) -> tzinfo:
    """An unknown zone (Slack sends IANA names; a stale one may not be known here) reads as UTC."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC

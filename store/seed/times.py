"""When demo orders were placed: the last 90 days, busy on weekdays, quiet on weekends,
mostly in business hours, growing slowly; ascending, so refs follow time."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from store.seed.states import Weighted

DAYS = 90
_DAY = 86_400
_WEEKDAY = (1.15, 1.2, 1.15, 1.1, 0.95, 0.25, 0.15)  # Monday first
_HOURS = Weighted([(w, h) for h, w in enumerate(
    (1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 9, 11, 12, 12, 11, 9, 7, 5, 4, 3, 2, 1))])


def day_counts(total: int, now: int) -> list[tuple[int, int]]:
    """(day number, orders that day) for the DAYS days ending today; today only so far."""
    today = now // _DAY
    days = list(range(today - DAYS + 1, today + 1))
    weights = []
    for n, day in enumerate(days):
        weekday = (date(1970, 1, 1) + timedelta(days=day)).weekday()
        weight = _WEEKDAY[weekday] * (1 + 0.004 * n)
        if day == today:
            weight *= (now % _DAY) / _DAY
        weights.append(weight)
    scale = total / (sum(weights) or 1)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    # Largest remainder: hand the leftover orders to the days that lost the most by rounding.
    order = sorted(range(len(days)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return list(zip(days, counts, strict=True))


def order_times(rng: random.Random, total: int, now: int) -> Iterator[int]:
    """Unix seconds of each order, ascending, all before `now`."""
    today = now // _DAY
    for day, count in day_counts(total, now):
        limit = now % _DAY if day == today else _DAY
        start = day * _DAY
        times = []
        for _ in range(count):
            second = _HOURS.pick(rng) * 3600 + rng.randrange(3600)
            if second >= limit:
                second = rng.randrange(max(1, limit))
            times.append(start + second)
        times.sort()
        yield from times

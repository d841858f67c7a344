"""Digest figures: one period against the one before, computed by SQL aggregates.

    view = build_digest(db, period=Period(...), timezone="Europe/Berlin", now=None)

Everything is counted in the database (store.metrics.queries); Python only adds up the
handful of rows that come back. Definitions: README, "Digests and metrics".
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from store import clock
from store.db import Database
from store.metrics import queries as q
from store.periods import Period, local_midnight, past_due_point, utc_offsets, zone
from store.views.metrics import (
    CustomerFigure,
    DayPoint,
    DigestView,
    PeriodFigures,
    TypeCount,
)

TOP_CUSTOMERS = 5
REPORT_THREADS = 2
ONE_DAY = timedelta(days=1)
# SQLite reads big periods through the OS page cache; memory-mapping it saves a copy per page.
SQLITE_MMAP_BYTES = 1 << 30

__all__ = ["build_digest", "refresh_planner_statistics", "tune_for_reports"]


def build_digest(db: Database, *, period: Period, timezone: str,
                 now: datetime | None = None, top: int = TOP_CUSTOMERS,
                 on_days: Callable[[tuple[DayPoint, ...]], object] | None = None) -> DigestView:
    """The figures of `period` (local days in `timezone`) and of the period before it.

    `on_days`: called on this thread with the chart's days as soon as they are read, while the
    other reads go on (the digest job draws its chart there: 0.2 s of Python that otherwise
    followed the reads)."""
    zone(timezone)
    now = now or clock.now()
    dialect = db.dialect
    cur, prev = period.utc_bounds(timezone), period.previous().utc_bounds(timezone)
    # Timestamps from the previous period's start on; completions may come after the end.
    offsets = utc_offsets(prev[0], max(cur[1], now) + ONE_DAY, timezone)
    day_bounds = [(local_midnight(d, timezone), local_midnight(d + ONE_DAY, timezone))
                  for d in period.days]
    def days_read(counts) -> tuple[DayPoint, ...]:
        return tuple(DayPoint(d, *c) for d, c in zip(period.days, counts, strict=True))

    # The chart's days first, so that on_days draws the chart while the rest is read; then
    # longest first, so the two threads finish together (1M orders: the days 0.2 s, the
    # periods ~0.4 s each, the customers 0.1 s).
    found = _run_reads(db, {
        "days": lambda s: days_read(q.daily_counts(s, dialect, day_bounds)),
        "current": lambda s: _period(s, dialect, period, cur, timezone, offsets, now),
        "previous": lambda s: _period(s, dialect, period.previous(), prev, timezone,
                                      offsets, now),
        "customers": lambda s: q.top_customers(s, dialect, cur, prev, top),
        "backlog": lambda s: (q.backlog_at(s, dialect, cur[1]), q.backlog_at(s, dialect, cur[0]),
                              q.open_by_age(s, min(cur[1], now))),
    }, first=("days", on_days))
    current, previous = found["current"], found["previous"]
    customers = found["customers"]
    backlog_end, backlog_start, ages = found["backlog"]
    return DigestView(
        period=period, timezone=timezone,
        current=_figures(cur, current, backlog_end),
        previous=_figures(prev, previous, backlog_start),
        days=found["days"],
        top_customers=tuple(CustomerFigure(**c) for c in customers),
        discrepancy_types=_types(current, previous),
        open_by_age=ages, built_at=now, past_due_by_age=current["past_due_by_age"],
    )


def _run_reads(db: Database, steps: dict[str, Callable[[Session], object]],
               first: tuple[str, Callable[[object], object] | None]) -> dict:
    """Each step in its own short read transaction; on a connection pool, two at a time (the
    periods are independent, and SQLite and PostgreSQL both run them on separate cores).
    One shared in-memory SQLite connection cannot, so there they run one after another.
    `first`: (a step, a callback or None): the callback gets that step's result on this
    thread as soon as it is there, while the other steps go on."""
    name_first, callback = first

    def read(step):
        with db.read() as session:
            tune_for_reports(session, db.dialect)
            if db.dialect == "postgresql":
                # The reads already run REPORT_THREADS at a time: parallel workers on top
                # of them only contend for the same cores (1M orders, 2 cores: 0.56 -> 0.47 s).
                session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
            return step(session)

    if isinstance(db.engine.pool, StaticPool):
        found = {name: read(step) for name, step in steps.items()}
        if callback is not None:
            callback(found[name_first])
        return found
    with ThreadPoolExecutor(max_workers=REPORT_THREADS, thread_name_prefix="digest") as pool:
        futures = {name: pool.submit(read, step) for name, step in steps.items()}
        if callback is not None:
            callback(futures[name_first].result())
        return {name: future.result() for name, future in futures.items()}


def _period(session: Session, dialect: str, period: Period, bounds: tuple[datetime, datetime],
            timezone: str, offsets, now: datetime) -> dict:
    start, end = bounds
    found = q.received(session, start, end)
    found.update(q.shipped(session, dialect, start, end, offsets))
    found.update(q.due(session, dialect, period, timezone, offsets))
    found["past_due_by_age"] = q.past_due(session, dialect,
                                          *past_due_point(period, timezone, now))
    found["past_due"] = sum(b.count for b in found["past_due_by_age"])
    found["orders_returned"] = q.returned(session, start, end)
    found.update(q.returns_of_shipped(session, dialect, start, end))
    found.update(q.discrepancies(session, dialect, start, end))
    return found


_FIELDS = set(PeriodFigures.__dataclass_fields__) - {"start", "end", "backlog"}


def _figures(bounds: tuple[datetime, datetime], found: dict, backlog: int) -> PeriodFigures:
    return PeriodFigures(start=bounds[0], end=bounds[1], backlog=backlog,
                         **{k: v for k, v in found.items() if k in _FIELDS})


def _types(current: dict, previous: dict) -> tuple[TypeCount, ...]:
    names = set(current["opened_by_type"]) | set(current["resolved_by_type"]) \
        | set(previous["opened_by_type"]) | set(previous["resolved_by_type"])
    rows = [TypeCount(type=name, opened=current["opened_by_type"].get(name, 0),
                      resolved=current["resolved_by_type"].get(name, 0),
                      previous_opened=previous["opened_by_type"].get(name, 0),
                      previous_resolved=previous["resolved_by_type"].get(name, 0))
            for name in names]
    return tuple(sorted(rows, key=lambda r: (-r.opened, -r.resolved, r.type)))


def tune_for_reports(session: Session, dialect: str) -> None:
    """Per-connection settings for big read-only aggregates (measured in bench/).

    PostgreSQL: JIT compilation took ~2 s of a 3 s cohort query, and 4 MB of work_mem
    spilled the percentile sort to disk; both are set for this transaction only.
    """
    if dialect == "sqlite":
        session.execute(text(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}"))
    elif dialect == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '64MB'"))


def refresh_planner_statistics(db: Database) -> None:
    """SQLite picks good plans for the digest queries only with statistics (ANALYZE):
    without them a monthly digest at 1M orders took three times as long. analysis_limit
    samples each index, so this takes well under a second. PostgreSQL's autovacuum keeps
    its own statistics."""
    if db.dialect != "sqlite":
        return
    with db.write() as session:
        session.execute(text("PRAGMA analysis_limit = 1000"))
        session.execute(text("ANALYZE"))

"""Periodic digests work for the clock process.

A tick every minute works out, from the database alone, which periods each subscription
owes and claims and posts each one (bot.digest_runner). Nothing depends on APScheduler's
misfire handling: the first tick runs at start, so a clock that was down catches up then,
and a second clock started by mistake only loses the claims (DESIGN.md, "Scheduling").
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.digest_runner import clock_identity, run_due_digests
from store import clock
from store.metrics import refresh_planner_statistics

log = logging.getLogger("orderdesk.clock.digests")
TICK_SECONDS = 60


def register_jobs(scheduler, *, settings, db, client) -> None:
    """Add this feature's jobs to the clock's scheduler."""
    now = clock.wall()
    scheduler.add_job(tick, IntervalTrigger(seconds=TICK_SECONDS), id="digests.tick",
                      kwargs={"db": db, "client": client, "claimed_by": clock_identity()},
                      next_run_time=now, max_instances=1, coalesce=True, replace_existing=True)
    scheduler.add_job(refresh_planner_statistics, CronTrigger(hour=3, minute=17, timezone=UTC),
                      id="digests.statistics", args=[db], next_run_time=now,
                      max_instances=1, coalesce=True, replace_existing=True)


def tick(*, db, client, claimed_by: str, now: datetime | None = None) -> list:
    """One pass: post every due, unposted digest. Returns the outcomes (for tests, logs)."""
    outcomes = run_due_digests(db, client, now=now, claimed_by=claimed_by)
    for outcome in outcomes:
        level = logging.WARNING if outcome.status == "failed" else logging.INFO
        log.log(level, outcome.summary_line())
    return outcomes

"""Every piece of scheduled work, in one list; bot/clock.py runs it in the single clock process.

    job id                  every           what
    triage.outbox           3 s             deliver the outbox (what the web process could not)
    triage.sla              60 s            wake snoozed items, nudge overdue ones, escalate
    digests.tick            60 s, at start  post each period a subscription owes, once
    digests.statistics      03:17 UTC       refresh the planner's statistics
    fulfilment.sweep        RULES           flag late orders, allocate ready ones, post approval
                                            requests made while no manager channel was routed
    mail.deliver            5 s             send customer mail (when ORDERDESK_SMTP_URL is set)
    mail.notices            5 min           queue the automatic notices customers opted into
    threads.forget_events   1 h             forget event claims older than a day and modal
                                            submission tokens older than a week

Safe to run in two clocks at once: outbox rows are claimed before sending; each SLA step and
each allocation re-checks its record under a row lock; late findings are unique per order;
digest periods are claimed in the database (DESIGN.md, "Scheduling"). Nothing depends on
APScheduler's misfire handling: the digest tick runs at start, so a clock that was down
catches up then.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs.digests import clock_identity, run_due_digests
from jobs.mail import Smtp, deliver_mail, queue_notices
from jobs.outbox import deliver_due, sending_client
from jobs.renderers import Renderers
from messages.i18n import ENGLISH
from store import clock
from store.fulfilment import RULES as FULFILMENT_RULES
from store.fulfilment import allocate_ready, flag_late_orders, post_unrouted
from store.metrics import refresh_planner_statistics
from store.triage import escalate_overdue, nudge_overdue, wake_snoozed
from store.workspace import forget_events, forget_submissions

log = logging.getLogger("orderdesk.jobs")
OUTBOX_EVERY_S = 3
MAIL_EVERY_S = 5
SLA_EVERY_S = 60
DIGEST_TICK_S = 60
# Slack stops retrying an event after minutes; a day of claims is plenty to answer once.
KEEP_CLAIMS = timedelta(days=1)
# A modal is submitted (or submitted again) within hours of opening; a week is plenty.
KEEP_SUBMISSIONS = timedelta(days=7)


def register_jobs(scheduler, *, db, client, renderers: Renderers, smtp: Smtp | None = None,
                  default_locale: str = ENGLISH) -> None:
    """Add every job to the clock's scheduler (an APScheduler scheduler, or a test's fake).
    `renderers`: the outbox's renderer table, built from the settings by bot/; `smtp`: the
    mail server (None: no mail jobs); `default_locale`: digests' language unless their
    subscription has one (ORDERDESK_DEFAULT_LOCALE)."""
    sender = sending_client(client)
    once = dict(replace_existing=True, max_instances=1, coalesce=True)
    now = clock.wall()
    scheduler.add_job(sweep_outbox, "interval", seconds=OUTBOX_EVERY_S, id="triage.outbox",
                      args=(db, sender, renderers), **once)
    scheduler.add_job(run_sla, "interval", seconds=SLA_EVERY_S, id="triage.sla",
                      args=(db, sender, renderers), **once)
    scheduler.add_job(tick_digests, IntervalTrigger(seconds=DIGEST_TICK_S), id="digests.tick",
                      kwargs={"db": db, "client": client, "claimed_by": clock_identity(),
                              "default_locale": default_locale},
                      next_run_time=now, **once)
    scheduler.add_job(refresh_planner_statistics, CronTrigger(hour=3, minute=17, timezone=UTC),
                      id="digests.statistics", args=[db], next_run_time=now, **once)
    scheduler.add_job(sweep_fulfilment, "interval",
                      seconds=FULFILMENT_RULES.sweep_every.total_seconds(),
                      id="fulfilment.sweep", args=(db, sender, renderers), **once)
    if smtp is not None:
        scheduler.add_job(deliver_mail, "interval", seconds=MAIL_EVERY_S, id="mail.deliver",
                          args=(db, smtp), **once)
        scheduler.add_job(queue_notices, "interval", minutes=5, id="mail.notices",
                          args=(db, smtp), **once)
    scheduler.add_job(forget_old_events, "interval", hours=1, id="threads.forget_events",
                      args=(db,), replace_existing=True)


def sweep_outbox(db, client, renderers: Renderers) -> int:
    return deliver_due(db, client, renderers)


def run_sla(db, client, renderers: Renderers) -> tuple[int, int, int]:
    counts = (wake_snoozed(db), nudge_overdue(db), escalate_overdue(db))
    if any(counts):
        log.info("triage: woke %d, nudged %d, escalated %d", *counts)
        deliver_due(db, client, renderers)
    return counts


def tick_digests(*, db, client, claimed_by: str, now: datetime | None = None,
                 default_locale: str = ENGLISH) -> list:
    """One pass: post every due, unposted digest. Returns the outcomes (for tests, logs)."""
    outcomes = run_due_digests(db, client, now=now, claimed_by=claimed_by,
                               default_locale=default_locale)
    for outcome in outcomes:
        level = logging.WARNING if outcome.status == "failed" else logging.INFO
        log.log(level, outcome.summary_line())
    return outcomes


def sweep_fulfilment(db, client, renderers: Renderers, *,
                     now: datetime | None = None) -> tuple[int, int, int]:
    """Late orders flagged, ready orders allocated (their pick requests queued), unrouted
    approval requests posted; then what that queued is delivered."""
    counts = (flag_late_orders(db, now=now), len(allocate_ready(db)), len(post_unrouted(db)))
    if any(counts):
        log.info("fulfilment: %d late, %d allocated, %d approval(s) posted", *counts)
        deliver_due(db, client, renderers)
    return counts


def forget_old_events(db) -> int:
    now = clock.now()
    return (forget_events(db, before=now - KEEP_CLAIMS)
            + forget_submissions(db, before=now - KEEP_SUBMISSIONS))

"""Periodic triage work for the clock process: deliver the outbox (what the web process could
not), wake snoozed items, nudge overdue ones in their thread, then escalate them.

Safe to run in two clocks at once: outbox rows are claimed before sending, and each SLA step
re-checks the item's state under a row lock before acting (store.triage.operations).
"""

from __future__ import annotations

import logging

from bot.outbox import deliver_due, sending_client
from store.triage import escalate_overdue, nudge_overdue, wake_snoozed

log = logging.getLogger("orderdesk.clock.triage")
OUTBOX_EVERY_S = 3
SLA_EVERY_S = 60


def sweep_outbox(db, client) -> int:
    return deliver_due(db, client)


def run_sla(db, client) -> tuple[int, int, int]:
    counts = (wake_snoozed(db), nudge_overdue(db), escalate_overdue(db))
    if any(counts):
        log.info("triage: woke %d, nudged %d, escalated %d", *counts)
        deliver_due(db, client)
    return counts


def register_jobs(scheduler, *, settings, db, client) -> None:
    """Add this feature's jobs to the clock's scheduler."""
    sender = sending_client(client)
    options = dict(replace_existing=True, max_instances=1, coalesce=True)
    scheduler.add_job(sweep_outbox, "interval", seconds=OUTBOX_EVERY_S, id="triage.outbox",
                      args=(db, sender), **options)
    scheduler.add_job(run_sla, "interval", seconds=SLA_EVERY_S, id="triage.sla",
                      args=(db, sender), **options)

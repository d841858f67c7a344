"""Periodic fulfilment work for the clock, and the renderers of fulfilment's Slack posts.

Every sweep (RULES.sweep_every): open `late` discrepancies for orders past their promised
date with goods still to ship; allocate ready orders and post their pick requests (only
while a warehouse channel is routed); post approval requests made while no manager channel
was routed. Then deliver what that queued (the triage outbox job delivers it anyway within
seconds). Safe in two clocks at once: late findings are unique per order, allocation
re-checks each order under its row lock, and outbox rows are claimed before sending.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.outbox import deliver_due, sending_client
from messages.approvals import approval_outcome, approval_request
from messages.fulfilment import cancel_notice, pick_request
from store.fulfilment import (
    NOTICE,
    OUTCOME,
    PICK,
    REQUEST,
    RULES,
    allocate_ready,
    flag_late_orders,
    install_renderers,
    post_unrouted,
)

log = logging.getLogger("orderdesk.clock.fulfilment")


def install_post_renderers() -> None:
    """store/ queues fulfilment posts rendered by these (store renders no Block Kit itself)."""
    install_renderers(**{PICK: pick_request, REQUEST: approval_request,
                         OUTCOME: approval_outcome, NOTICE: cancel_notice})


def run_sweep(db, client, *, now: datetime | None = None) -> tuple[int, int, int]:
    counts = (flag_late_orders(db, now=now), len(allocate_ready(db)), len(post_unrouted(db)))
    if any(counts):
        log.info("fulfilment: %d late, %d allocated, %d approval(s) posted", *counts)
        deliver_due(db, client)
    return counts


def register_jobs(scheduler, *, settings, db, client) -> None:
    """Add this feature's jobs to the clock's scheduler."""
    install_post_renderers()
    scheduler.add_job(run_sweep, "interval", seconds=RULES.sweep_every.total_seconds(),
                      id="fulfilment.sweep", args=(db, sending_client(client)),
                      replace_existing=True, max_instances=1, coalesce=True)

"""Periodic work of the threads feature: forget old event claims."""

from datetime import timedelta

from store import clock
from store.workspace import forget_events

# Slack stops retrying an event after minutes; a day of claims is plenty to answer once.
KEEP_CLAIMS = timedelta(days=1)


def register_jobs(scheduler, *, settings, db, client) -> None:
    scheduler.add_job(lambda: forget_events(db, before=clock.now() - KEEP_CLAIMS), "interval",
                      hours=1, id="threads.forget_events", replace_existing=True)

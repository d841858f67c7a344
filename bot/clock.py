"""The clock process: the only place scheduled work runs (Procfile `clock`).

Wiring only: one BlockingScheduler, in one process, running what jobs/schedule.py lists with
the Slack client built here. Running it twice is harmless by design: each job claims its work
in the database before acting (DESIGN.md, Scheduling).
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler

from bot.config import Settings
from bot.slack_client import make_web_client
from jobs.renderers import renderer_table
from jobs.schedule import register_jobs
from store.db import Database

log = logging.getLogger("orderdesk.clock")


def build_scheduler(settings: Settings, db: Database, *, scheduler=None, client=None):
    scheduler = scheduler or BlockingScheduler(timezone="UTC")
    client = client or make_web_client(settings)
    register_jobs(scheduler, db=db, client=client,
                  renderers=renderer_table(settings.audience, settings.default_locale),
                  smtp=settings.smtp, default_locale=settings.default_locale)
    return scheduler


def run_clock(settings: Settings, db: Database) -> None:
    settings.require_slack()
    scheduler = build_scheduler(settings, db)
    log.warning("clock started with %d job(s)", len(scheduler.get_jobs()))
    scheduler.start()

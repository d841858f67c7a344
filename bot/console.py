"""`orderdesk console`: Orderdesk against the Slack sandbox, in a terminal, with no workspace.

Starts the sandbox (the stand-in for Slack), points the app at it, serves the app over
real HTTP, and hands the terminal to the sandbox's REPL. Every typed command travels as
a signed request, exactly as it would from Slack.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from bot.config import Settings
from store import clock
from store.enums import Role

DEMO_ROLES = {"U0PROC1": Role.PROCESSOR, "U0MGR1": Role.MANAGER}
DEMO_NAMES = {"U0PROC1": "priya", "U0MGR1": "max"}  # as the sandbox workspace names them
DEMO_ADMIN = "U0ADMIN"
# The sandbox's channels, routed the way a desk would route them.
DEMO_ROUTES = {"default": "C0TRIAGE", "manager": "C0MGR", "warehouse": "C0WH"}
DEMO_CHECK_DAYS = 14  # check the last two weeks of demo orders, so triage has real items
MANIFEST = Path(__file__).resolve().parents[1] / "manifest.json"


def start_stack(settings: Settings, *, db, sandbox=None):
    """Sandbox + app wired together over HTTP. Returns (sandbox, running_app, app_settings);
    `running_app.stop()` stops the app's server."""
    from bot.app import create_app
    from bot.web import create_wsgi_app
    from jobs.renderers import renderer_table
    from sandbox import SlackSandbox
    from sandbox.appserver import serve_wsgi

    sandbox = sandbox or SlackSandbox().start()
    if MANIFEST.exists():  # the Workflow Builder steps the app declares
        sandbox.define_functions(json.loads(MANIFEST.read_text()).get("functions") or {})
    if settings.public_url:  # its order links unfurl, as the manifest's unfurl_domains says
        sandbox.ws.unfurl_domains = [urlparse(settings.public_url).hostname]
    app_settings = dataclasses.replace(
        settings,
        slack_bot_token=sandbox.bot_token,
        slack_signing_secret=sandbox.signing_secret,
        slack_app_token=None,
        slack_api_url=sandbox.api_url,
        admins=settings.admins | {DEMO_ADMIN},
    )
    app = create_app(app_settings, db=db)
    wsgi_app = create_wsgi_app(app, db, renderers=renderer_table(app_settings.audience),
                               signing_secret=app_settings.slack_signing_secret,
                               intake_secret=app_settings.intake_secret,
                               connect_secrets=app_settings.connect_secrets,
                               connect_reps=app_settings.connect_reps)
    running = serve_wsgi(wsgi_app)
    sandbox.app_url = running.url
    return sandbox, running, app_settings


def run(settings: Settings, *, orders: int, user: str, **console_io) -> int:
    """`console_io` (input_fn, output) lets tests script the session."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.clock import build_scheduler
    from bot.progress import progress_bar
    from sandbox.console import run_console
    from store import schema
    from store.db import open_database, sqlite_url_for
    from store.seed import seed_demo
    from store.triage import check_stored_orders
    from store.workspace import set_role, set_route

    if settings.has_slack_credentials:
        print("orderdesk: Slack credentials are set; the console always uses the sandbox, "
              "never your workspace.", file=sys.stderr)
    # Demo data never lands in the real database unless DATABASE_URL points there on purpose.
    url = settings.database_url if os.environ.get("DATABASE_URL") else sqlite_url_for(
        settings.data_dir, name="demo.sqlite3")
    db = open_database(url)
    # The console is for trying things: it brings its own database up to date.
    schema.upgrade(db)
    fresh = _is_empty(db)
    if fresh:
        print(f"Seeding {orders:,} demo orders into {db.engine.url.render_as_string()} …")
        with progress_bar("seed", unit="orders") as progress:
            print(seed_demo(db, orders=orders, seed=42, progress=progress).summary_line())
    for user_id, role in DEMO_ROLES.items():
        set_role(db, actor=DEMO_ADMIN, user_id=user_id, role=role,
                 admins=frozenset({DEMO_ADMIN}), default_role=settings.default_role,
                 display_name=DEMO_NAMES[user_id])
    for key, channel_id in DEMO_ROUTES.items():
        set_route(db, actor=DEMO_ADMIN, key=key, channel_id=channel_id)
    if fresh:
        report = check_stored_orders(db, order_ids=_recent_order_ids(db), actor="system")
        print(f"checked the last {DEMO_CHECK_DAYS} days of orders: {report.findings:,} problems "
              "found; see #order-triage (`in #order-triage`) or `/orders queue`")
    sandbox, running, app_settings = start_stack(settings, db=db)
    # The console is one process, so it also runs the clock's work (outbox, SLAs, digests).
    scheduler = build_scheduler(app_settings, db, scheduler=BackgroundScheduler(timezone="UTC"))
    scheduler.start()
    try:
        run_console(sandbox, user=user, channel="C0ORDERS", **console_io)
    finally:
        scheduler.shutdown(wait=False)
        running.stop()
        sandbox.stop()
    return 0


def _recent_order_ids(db) -> list[int]:
    from datetime import timedelta

    from sqlalchemy import select

    from store.models import Order

    since = clock.now() - timedelta(days=DEMO_CHECK_DAYS)
    with db.read() as session:
        return list(session.scalars(select(Order.id).where(Order.ordered_at >= since)))


def _is_empty(db) -> bool:
    from sqlalchemy import func, select

    from store.models import Order

    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Order)) == 0

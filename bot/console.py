"""`orderdesk console`: Orderdesk against the Slack sandbox, in a terminal, with no workspace.

Starts the sandbox (the stand-in for Slack), points the app at it, serves the app over
real HTTP, and hands the terminal to the sandbox's REPL. Every typed command travels as
a signed request, exactly as it would from Slack.
"""

from __future__ import annotations

import dataclasses
import os
import sys

from bot.config import Settings
from store.enums import Role
from store.types import utcnow

DEMO_ROLES = {"U0PROC1": Role.PROCESSOR, "U0MGR1": Role.MANAGER}
DEMO_ADMIN = "U0ADMIN"


def start_stack(settings: Settings, *, db, sandbox=None, now=None):
    """Sandbox + app wired together over HTTP. Returns (sandbox, running_app, app_settings);
    `running_app.stop()` stops the app's server."""
    from bot.app import create_app
    from bot.web import create_wsgi_app
    from sandbox import SlackSandbox
    from sandbox.appserver import serve_wsgi

    sandbox = sandbox or SlackSandbox().start()
    app_settings = dataclasses.replace(
        settings,
        slack_bot_token=sandbox.bot_token,
        slack_signing_secret=sandbox.signing_secret,
        slack_app_token=None,
        slack_api_url=sandbox.api_url,
        admins=settings.admins | {DEMO_ADMIN},
    )
    app = create_app(app_settings, db=db, now=now or utcnow)
    wsgi_app = create_wsgi_app(app, db, intake_secret=app_settings.intake_secret)
    running = serve_wsgi(wsgi_app)
    sandbox.app_url = running.url
    return sandbox, running, app_settings


def run(settings: Settings, *, orders: int, user: str) -> int:
    from bot.progress import progress_bar
    from sandbox.console import run_console
    from store import schema
    from store.db import open_database, sqlite_url_for
    from store.roles import set_role
    from store.seed import seed_demo

    if settings.has_slack_credentials:
        print("orderdesk: Slack credentials are set; the console always uses the sandbox, "
              "never your workspace.", file=sys.stderr)
    # Demo data never lands in the real database unless DATABASE_URL points there on purpose.
    url = settings.database_url if os.environ.get("DATABASE_URL") else sqlite_url_for(
        settings.data_dir, name="demo.sqlite3")
    db = open_database(url)
    # The console is for trying things: it brings its own database up to date.
    schema.upgrade(db)
    if _is_empty(db):
        print(f"Seeding {orders:,} demo orders into {db.engine.url.render_as_string()} …")
        with progress_bar("seed", unit="orders") as progress:
            print(seed_demo(db, orders=orders, seed=42, progress=progress).summary_line())
    for user_id, role in DEMO_ROLES.items():
        set_role(db, actor=DEMO_ADMIN, user_id=user_id, role=role,
                 admins=frozenset({DEMO_ADMIN}), default_role=settings.default_role)
    sandbox, running, _ = start_stack(settings, db=db)
    try:
        run_console(sandbox, user=user, channel="C0ORDERS")
    finally:
        running.stop()
        sandbox.stop()
    return 0


def _is_empty(db) -> bool:
    from sqlalchemy import func, select

    from store.models import Order

    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Order)) == 0

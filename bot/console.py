"""`orderdesk console` and `orderdesk sandbox`: Orderdesk against the Slack sandbox, with no
workspace, in a terminal or as a Slack-like web page.

Starts the sandbox (the stand-in for Slack), points the app at it, serves the app over
real HTTP, and hands the terminal to the sandbox's REPL (or serves the page, sandbox.web).
Every typed command travels as a signed request, exactly as it would from Slack.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import sys
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from bot.config import Settings
from jobs.mail import MemorySink, deliver_mail, join_senders
from store import clock
from store.enums import Role

DEMO_ROLES = {"U0PROC1": Role.PROCESSOR, "U0MGR1": Role.MANAGER}
DEMO_NAMES = {"U0PROC1": "priya", "U0MGR1": "max"}  # as the sandbox workspace names them
DEMO_ADMIN = "U0ADMIN"
# The sandbox's channels, routed the way a desk would route them.
DEMO_ROUTES = {"default": "C0TRIAGE", "manager": "C0MGR", "warehouse": "C0WH",
               "inbound_mail": "C0TRIAGE"}
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
    # its order links (and the ERP's) unfurl, as the manifest's unfurl_domains says
    sandbox.ws.unfurl_domains = list(settings.unfurl_domains)
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
                               inbound_mail_secret=app_settings.inbound_mail_secret,
                               connect_reps=app_settings.connect_reps)
    running = serve_wsgi(wsgi_app)
    sandbox.app_url = running.url
    return sandbox, running, app_settings


class ConsoleMail:
    """The console's customer mail: kept in memory (never sent: the demo's customers are made
    up), listed by `mail`; `reply n text` posts the customer's answer to /connect/mail as a
    mail service would, so it is matched and lands in the order's thread."""

    def __init__(self, sink, secret: str):
        self.sink, self.secret, self.app_url = sink, secret, ""
        self.flush = lambda: None  # send what is queued now (set once the app runs)

    def listing(self) -> list[str]:
        self.flush()
        return [f"{n}. to {m['To']}: {m['Subject']}\n   " + "\n   ".join(
            m.get_body(("plain",)).get_content().strip().splitlines()[:6])
            for n, m in enumerate(self.sink.sent, 1)]

    def reply(self, number: int, text: str) -> str:
        self.flush()
        if not 1 <= number <= len(self.sink.sent):
            raise LookupError(f"no mail {number}; `mail` lists {len(self.sink.sent)}")
        sent = self.sink.sent[number - 1]
        body = urlencode({"from": sent["To"], "to": sent["Reply-To"],
                          "subject": f"Re: {sent['Subject']}", "text": text,
                          "headers": f"In-Reply-To: {sent['Message-ID']}\r\n"}).encode()
        auth = base64.b64encode(f"console:{self.secret}".encode()).decode()
        request = urllib.request.Request(
            self.app_url.replace("/slack/events", "/connect/mail"), data=body, method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Authorization": f"Basic {auth}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
        return (f"(the customer replied to mail {number}: matched "
                f"{answer.get('order_ref') or 'no order'} by {answer.get('matched_by')})")


def console_mail(settings: Settings) -> tuple[Settings, ConsoleMail]:
    """Customer email on, into memory, whatever the environment says."""
    import secrets

    secret = secrets.token_hex(12)
    mail = ConsoleMail(MemorySink(), secret)
    return dataclasses.replace(settings, smtp_url="smtp://console.invalid",
                               mail_from=settings.mail_from or "orders@orderdesk.example",
                               inbound_mail_secret=secret, mail_sink=mail.sink), mail


def run(settings: Settings, *, orders: int, user: str, **console_io) -> int:
    """`console_io` (input_fn, output) lets tests script the session."""
    from sandbox.console import run_console

    with demo_stack(settings, orders=orders, hint="`in #order-triage`") as (sandbox, mail):
        run_console(sandbox, user=user, channel="C0ORDERS", mail=mail, **console_io)
    return 0


def run_web(settings: Settings, *, orders: int, user: str, port: int, host: str,
            until=None) -> int:
    """`orderdesk sandbox`: the same stack as the console, shown as a Slack-like web page.
    Serves until Ctrl-C, or until `until(page)` returns (tests)."""
    from sandbox import web

    with demo_stack(settings, orders=orders, hint="open #order-triage") as (sandbox, _):
        page = web.serve(sandbox, port, host=host, labels=demo_labels(settings), user=user,
                         channel="C0ORDERS")
        print(f"Orderdesk sandbox: {page.url}", flush=True)
        try:
            (until or _until_interrupted)(page)
        except KeyboardInterrupt:
            pass
        finally:
            page.close()
    return 0


def _until_interrupted(_page) -> None:
    import threading

    threading.Event().wait()


def demo_labels(settings: Settings) -> dict[str, str]:
    """What the page's user switcher says each sandbox person is (a sales user is a rep)."""
    from sandbox.core import DEFAULT_HUMANS

    def label(role: Role) -> str:
        return "rep" if role == Role.SALES else role.value

    roles = {user_id: settings.default_role for user_id, _, _ in DEFAULT_HUMANS}
    return {user_id: label(role) for user_id, role in
            {**roles, **DEMO_ROLES, DEMO_ADMIN: Role.ADMIN}.items()}


@contextmanager
def demo_stack(settings: Settings, *, orders: int, hint: str):
    """The demo database (seeded when empty), the app on the sandbox, and the clock's work,
    for the console and the web page alike. Yields (sandbox, mail)."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.clock import build_scheduler

    if settings.has_slack_credentials:
        print("orderdesk: Slack credentials are set; the sandbox is used, never your workspace.",
              file=sys.stderr)
    db = _demo_database(settings, orders=orders, hint=hint)
    settings, mail = console_mail(settings)
    sandbox, running, app_settings = start_stack(settings, db=db)
    mail.app_url = sandbox.app_url
    mail.flush = lambda: (join_senders(), deliver_mail(db, app_settings.smtp))
    # One process, so it also runs the clock's work (outbox, SLAs, digests).
    scheduler = build_scheduler(app_settings, db, scheduler=BackgroundScheduler(timezone="UTC"))
    scheduler.start()
    try:
        yield sandbox, mail
    finally:
        scheduler.shutdown(wait=False)
        running.stop()
        sandbox.stop()


def _demo_database(settings: Settings, *, orders: int, hint: str):
    from bot.progress import progress_bar
    from store import schema
    from store.db import open_database, sqlite_url_for
    from store.seed import seed_demo
    from store.triage import check_stored_orders
    from store.workspace import set_role, set_route

    # Demo data never lands in the real database unless DATABASE_URL points there on purpose.
    url = settings.database_url if os.environ.get("DATABASE_URL") else sqlite_url_for(
        settings.data_dir, name="demo.sqlite3")
    db = open_database(url)
    # The demo is for trying things: it brings its own database up to date.
    schema.upgrade(db)
    fresh = _is_empty(db)
    if fresh:
        print(f"Seeding {orders:,} demo orders into {db.engine.url.render_as_string()} …")
        # the summary once the bar is closed: printed while it draws, the two would overwrite
        # each other on the terminal and the bar would be drawn twice
        with progress_bar("seed", unit="orders", total=orders) as progress:
            report = seed_demo(db, orders=orders, seed=42, progress=progress)
        print(report.summary_line())
    for user_id, role in DEMO_ROLES.items():
        set_role(db, actor=DEMO_ADMIN, user_id=user_id, role=role,
                 admins=frozenset({DEMO_ADMIN}), default_role=settings.default_role,
                 display_name=DEMO_NAMES[user_id])
    for key, channel_id in DEMO_ROUTES.items():
        set_route(db, actor=DEMO_ADMIN, key=key, channel_id=channel_id)
    if fresh:
        report = check_stored_orders(db, order_ids=_recent_order_ids(db), actor="system")
        print(f"checked the last {DEMO_CHECK_DAYS} days of orders: {report.findings:,} problems "
              f"found; see #order-triage ({hint}) or `/orders queue`")
    return db


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

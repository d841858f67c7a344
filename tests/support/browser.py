"""The browser tests' kit: Debian's Chromium (never a browser Playwright downloads), driven by
Playwright, against the sandbox's web page (sandbox.web) served for a fresh demo desk; and the
screenshots of each step, kept as test artefacts under test-artifacts/browser/<test>/."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.console import DEMO_ADMIN, DEMO_ROUTES
from jobs import outbox
from jobs.renderers import renderer_table
from sandbox.web import serve
from store.enums import FulfilmentStatus, OrderStatus
from store.models import Order, OrderLine, StockLevel
from store.seed import seed_demo
from store.triage import RULES, check_stored_orders
from store.workspace import set_route

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "test-artifacts" / "browser"
INSTALL = ("apt-get install -y --no-install-recommends chromium (as root; scripts/test.sh does "
           "it), or set ORDERDESK_BROWSER=/path/to/chromium")
# The machine's network is closed: these keep Chromium from trying to reach Google's services.
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WINDOW = {"width": 1400, "height": 900}  # the README's screenshot is taken at this size
VIEWER_ZONE = "America/Los_Angeles"  # the people's zone: not UTC, so a date in UTC is caught
DEMO_ORDERS = 300  # enough for triage items and the familiar customers, seeded in under a second
# The user switcher's roles, as `orderdesk sandbox` labels the demo workspace's people.
LABELS = {"U0PROC1": "processor", "U0SALES1": "rep", "U0SALES2": "rep", "U0MGR1": "manager",
          DEMO_ADMIN: "admin"}


def chromium_path() -> str:
    """ORDERDESK_BROWSER, else Debian's chromium on PATH; fails the test (never skips) when
    there is none, naming the install command."""
    wanted = os.environ.get("ORDERDESK_BROWSER")
    if wanted:
        if not (os.path.isfile(wanted) and os.access(wanted, os.X_OK)):
            pytest.fail(f"ORDERDESK_BROWSER={wanted} is not an executable file", pytrace=False)
        return wanted
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(f"the browser tests need Chromium and there is none: {INSTALL}",
                    pytrace=False)
    return found


class Steps:
    """`step(page, "card shown")` screenshots the page as <nn>-card-shown.png in the test's
    folder, numbered in order, so a failed journey shows how far it got."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.count = folder, 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)  # xdist workers may share a module's folder

    def __call__(self, page, name: str, *, full_page: bool = False) -> Path:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


@contextmanager
def page_server(sb):
    """The sandbox's web page for `sb` on a free port (its URL), everyone in the workspace in
    VIEWER_ZONE (their Slack profile's zone)."""
    for user in sb.ws.users.values():
        user.tz = VIEWER_ZONE
    served = serve(sb, port=0, labels=LABELS)
    try:
        yield served.url
    finally:
        served.close()


def new_page(browser):
    """A page in a context of its own: the window size, the viewer's zone, no cookies."""
    context = browser.new_context(viewport=WINDOW, timezone_id=VIEWER_ZONE, locale="en-US")
    context.set_default_timeout(15_000)  # as expect's, set in tests/browser/conftest.py
    return context.new_page()


def artefact_folder(node_name: str) -> Path:
    return ARTEFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", node_name)


@dataclass
class BareWeb:
    """The page over a sandbox with no app behind it."""

    sb: object
    url: str


@dataclass
class WebDesk:
    """The demo desk behind the page: the stack (sandbox + app over HTTP) and the page's URL."""

    stack: object
    url: str

    @property
    def sb(self):
        return self.stack.sb

    @property
    def db(self):
        return self.stack.db

    def order(self, **where) -> Order:
        """The first demo order (by ref) matching `where` (columns = values)."""
        with self.db.read() as session:
            query = select(Order).filter_by(**where).order_by(Order.ref).limit(1)
            found = session.scalars(query).first()
            assert found is not None, f"no demo order with {where}"
            session.expunge(found)
            return found


def load_demo(stack) -> None:
    """The console's demo on the stack's database: seeded orders, the desk's routes, and the
    problems a check finds, each posted to #order-triage with its buttons (the demo's data
    depends on the date, so one shortage with a fix to apply is made sure of, and no backlog
    is batched into a summary)."""
    seed_demo(stack.db, orders=DEMO_ORDERS, seed=42)
    for key, channel_id in DEMO_ROUTES.items():
        set_route(stack.db, actor=DEMO_ADMIN, key=key, channel_id=channel_id)
    _run_short(stack.db)
    with stack.db.read() as session:
        ids = list(session.scalars(select(Order.id)))
    report = check_stored_orders(stack.db, order_ids=ids, actor="system",
                                 rules=dataclasses.replace(RULES, batch_threshold=10_000))
    assert report.findings, "the demo desk has nothing to triage"
    client = WebClient(base_url=stack.sb.api_url, token=stack.sb.bot_token)
    outbox.kick(stack.db, client, renderer_table(stack.settings.audience))


def _run_short(db) -> None:
    """The newest open order's first line's product keeps 1 unit free, fewer than it needs."""
    with db.write() as session:
        wanted = OrderLine.quantity - OrderLine.quantity_reserved - OrderLine.quantity_backordered
        line = session.scalars(
            select(OrderLine).join(Order).where(
                Order.status == OrderStatus.OPEN,
                Order.fulfilment_status == FulfilmentStatus.UNFULFILLED,
                OrderLine.product_id.is_not(None), wanted > 1)
            .order_by(Order.ref.desc()).limit(1)).one()
        levels = session.scalars(select(StockLevel).where(
            StockLevel.product_id == line.product_id).order_by(StockLevel.id)).all()
        for n, level in enumerate(levels):
            level.on_hand = level.reserved + (1 if n == 0 else 0)

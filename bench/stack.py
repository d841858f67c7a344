"""The real stack for the long reliability commands (bench/faults.py, bench/soak.py).

    db_url = fresh_database("sqlite", name="faults", orders=2000)
    with Stack(db_url) as stack:            # sandbox in this process; `orderdesk serve` and
        stack.kill_web(); stack.start_web() # `orderdesk clock` as real subprocesses
        desk = Desk(stack)                  # traffic: signed requests through the sandbox
        desk.intake(...); desk.edit(...)    # each answer lands in desk.ledger for the audit

The sandbox (sandbox/) is Slack: it signs the requests it sends to the web process and records
every Web API call and message the app makes. Processes run in their own session so a SIGKILL
of the group kills gunicorn's master and workers together, as a crashed dyno would.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from bot.console import DEMO_ADMIN, DEMO_ROUTES  # noqa: E402
from messages.actions import EditOrderIds, TriageActions  # noqa: E402
from sandbox import SlackSandbox  # noqa: E402
from store.db import Database, open_database  # noqa: E402
from store.enums import Role  # noqa: E402
from store.models import (  # noqa: E402
    Customer,
    DigestRun,
    Discrepancy,
    Event,
    Order,
    OrderLine,
    OutboxMessage,
    Product,
)
from store.roles import set_role  # noqa: E402
from store.routing import set_route  # noqa: E402
from store.schema import upgrade  # noqa: E402
from store.seed import seed_demo  # noqa: E402
from store.types import utcnow  # noqa: E402

OUT = ROOT / "bench" / "out"
SIGNING_SECRET = "bench-signing-secret"
INTAKE_SECRET = "bench-intake-secret"
CHANNEL, TRIAGE = "C0ORDERS", "C0TRIAGE"
# One processor per traffic thread: the sandbox keeps one modal stack per user.
PROCESSORS = [f"U0DESK{n:02d}" for n in range(48)]


# --- the database ---------------------------------------------------------------------------

def fresh_database(kind: str, *, name: str, orders: int, pg_base: str,
                   digest_days: int = 0) -> str:
    """An empty database of `kind`, seeded with `orders` demo orders, routed, with roles (and
    `digest_days` of owed daily digests, for the clock to post). Returns its URL."""
    if kind == "sqlite":
        path = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        admin = create_engine(pg_base.replace("postgresql://", "postgresql+psycopg://"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'drop database if exists "{name}" with (force)'))
            conn.execute(text(f'create database "{name}"'))
        admin.dispose()
        url = pg_base.rsplit("/", 1)[0] + "/" + name
    db = open_database(url)
    upgrade(db)
    seed_demo(db, orders=orders, seed=42)
    admins = frozenset({DEMO_ADMIN})
    for user in PROCESSORS:
        set_role(db, actor=DEMO_ADMIN, user_id=user, role=Role.PROCESSOR, admins=admins,
                 default_role=Role.SALES)
    for key, channel in DEMO_ROUTES.items():
        set_route(db, actor=DEMO_ADMIN, key=key, channel_id=channel)
    if digest_days:
        _owe_digests(db, days=digest_days)
    db.dispose()
    return url


def _owe_digests(db: Database, *, days: int) -> None:
    """A daily subscription created `days` ago: the clock owes (and posts) that many digests."""
    from store.digests import subscribe_digest

    subscribe_digest(db, period="daily", channel_id="C0MGR", at_time="00:05", timezone="UTC",
                     actor=DEMO_ADMIN, now=utcnow() - timedelta(days=days))


# --- the processes --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


class Stack:
    """Sandbox + `orderdesk serve` + `orderdesk clock` on one database."""

    def __init__(self, db_url: str, *, name: str, workers: int = 2, threads: int = 8,
                 clock: bool = True, unbatched: bool = True) -> None:
        self.db_url, self.name, self.with_clock = db_url, name, clock
        # bench/orderdesk_unbatched.py: every discrepancy its own parent (see there)
        self.command = [sys.executable, str(ROOT / "bench" / "orderdesk_unbatched.py")] \
            if unbatched else [sys.executable, "-m", "bot.cli"]
        self.sb = SlackSandbox(signing_secret=SIGNING_SECRET)
        for user in PROCESSORS:
            self.sb.add_user(user, user.lower(), channels=[CHANNEL, TRIAGE])
        self.port = free_port()
        self.web: subprocess.Popen | None = None
        self.clock: subprocess.Popen | None = None
        self.extra_env = {"WEB_CONCURRENCY": str(workers), "ORDERDESK_THREADS": str(threads)}
        self.logs = OUT / "logs"
        for old_log in self.logs.glob(f"{name}-*.log"):
            old_log.unlink()
        self.db = open_database(db_url)
        with self.db.read() as s:  # the seeded accounts' reps get DMs: they must exist
            reps = set(s.scalars(select(Customer.sales_rep_id).distinct())) - {None}
        for rep in sorted(reps - set(self.sb.ws.users)):
            self.sb.add_user(rep, rep.lower())

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict:
        return {**os.environ, **self.extra_env, "SLACK_BOT_TOKEN": self.sb.bot_token,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": self.sb.api_url,
                "DATABASE_URL": self.db_url, "PORT": str(self.port), "PYTHONPATH": str(ROOT),
                "ORDERDESK_ADMINS": DEMO_ADMIN, "ORDERDESK_INTAKE_SECRET": INTAKE_SECRET}

    def __enter__(self) -> Stack:
        self.sb.start()
        self.sb.app_url = f"{self.base_url}/slack/events"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.start_web()
        if self.with_clock:
            self.start_clock()
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in (self.web, self.clock):
            _stop(proc, signal.SIGTERM)
        self.sb.stop()
        self.db.dispose()

    def _spawn(self, what: str) -> subprocess.Popen:
        log = open(self.logs / f"{self.name}-{what}.log", "ab")  # noqa: SIM115 - child owns it
        return subprocess.Popen([*self.command, what], env=self.env(),
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
                                start_new_session=True)

    def start_web(self, timeout: float = 60) -> float:
        """Start `orderdesk serve`; returns seconds until /healthz answered 200."""
        started = time.monotonic()
        self.web = self._spawn("serve")
        while time.monotonic() - started < timeout:
            if self.web.poll() is not None:
                raise SystemExit(f"orderdesk serve exited; see {self.logs}")
            if self.healthy():
                return time.monotonic() - started
            time.sleep(0.1)
        raise SystemExit(f"orderdesk serve not healthy after {timeout} s")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as resp:  # noqa: S310
                return resp.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def start_clock(self) -> None:
        self.clock = self._spawn("clock")

    def kill_web(self) -> None:
        _stop(self.web, signal.SIGKILL)

    def kill_clock(self) -> None:
        _stop(self.clock, signal.SIGKILL)

    def web_pids(self) -> list[int]:
        if self.web is None:
            return []
        children = subprocess.run(["pgrep", "-P", str(self.web.pid)], capture_output=True,
                                  text=True).stdout.split()
        return [self.web.pid, *map(int, children)]

    def web_rss_mb(self) -> dict[int, float]:
        """VmRSS of gunicorn's master and each worker, MB by pid."""
        return {pid: rss_kb(pid) / 1024 for pid in self.web_pids()}


def _stop(proc: subprocess.Popen | None, sig: int) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# --- traffic --------------------------------------------------------------------------------

@dataclass
class Answer:
    kind: str
    status: int  # HTTP status; 0 = no answer (connection refused or reset)
    ms: float
    accepted: bool
    at: float = field(default_factory=time.monotonic)  # when the answer came


@dataclass
class Ledger:
    """Every request sent and what the app answered; the audit checks the accepted ones."""

    answers: list[Answer] = field(default_factory=list)
    orders: dict[str, int] = field(default_factory=dict)  # ref -> lines sent
    accepted_orders: set[str] = field(default_factory=set)
    edits: dict[str, str] = field(default_factory=dict)  # city token -> order ref
    flags: dict[str, str] = field(default_factory=dict)  # reason token -> order ref
    takes: set[int] = field(default_factory=set)  # discrepancy ids taken by a click
    questions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer: Answer) -> Answer:
        with self.lock:
            self.answers.append(answer)
        return answer


class Desk:
    """Drives the web process like Slack and an intake client would, recording every answer."""

    def __init__(self, stack: Stack) -> None:
        self.stack, self.sb = stack, stack.sb
        self.ledger = Ledger()
        with stack.db.read() as s:
            self.customers = list(s.scalars(select(Customer.code).order_by(Customer.id)))
            self.products = [(sku, price) for sku, price in s.execute(
                select(Product.sku, Product.unit_price_minor).order_by(Product.id))]
            self.refs = list(s.scalars(select(Order.ref).order_by(Order.id)))

    # intake: HMAC-signed JSON, not a Slack request
    def intake(self, ref: str, n: int) -> Answer:
        """An order with one line priced off the catalog, so it opens a discrepancy."""
        sku, price = self.products[n % len(self.products)]
        body = {"order_ref": ref, "customer_code": self.customers[n % len(self.customers)],
                "order_date": utcnow().isoformat(),
                "lines": [{"sku": sku, "quantity": 1 + n % 3,
                           "unit_price": f"{(price * 2 + 137) / 100:.2f}"}]}
        data = json.dumps(body).encode()
        sig = hmac.new(INTAKE_SECRET.encode(), data, hashlib.sha256).hexdigest()
        req = urllib.request.Request(f"{self.stack.base_url}/intake/orders", data=data,
                                     method="POST", headers={"Content-Type": "application/json",
                                                             "X-Orderdesk-Signature": sig})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback
                status = resp.status
                resp.read()
        except urllib.error.HTTPError as err:
            status = err.code
            err.read()
        except (OSError, urllib.error.URLError):
            status = 0
        ms = (time.perf_counter() - started) * 1000
        with self.ledger.lock:
            self.ledger.orders[ref] = len(body["lines"])
            if status in (200, 201):
                self.ledger.accepted_orders.add(ref)
        return self.ledger.add(Answer("intake", status, ms, status in (200, 201)))

    def lookup(self, ref: str, user: str) -> Answer:
        d = self.sb.slash("/order", ref, user=user, channel=CHANNEL)
        return self.ledger.add(Answer("lookup", d.status, d.ack_ms, d.status == 200))

    def flag(self, ref: str, user: str, token: str) -> Answer:
        d = self.sb.slash("/order", f"flag {ref} bench {token}", user=user, channel=CHANNEL)
        accepted = d.status == 200 and "Flagged" in json.dumps(d.body)
        if accepted:
            with self.ledger.lock:
                self.ledger.flags[token] = ref
        return self.ledger.add(Answer("flag", d.status, d.ack_ms, accepted))

    def open_editor(self, ref: str, user: str):
        """The edit modal of `ref` for `user`, or None if it did not open."""
        for view in self.sb.views(user=user):
            self.sb.close_view(view, user=user)
        d = self.sb.slash("/order", f"edit {ref}", user=user, channel=CHANNEL)
        self.ledger.add(Answer("open_editor", d.status, d.ack_ms, d.status == 200))
        if d.status != 200:
            return None
        try:  # the app acks first, then calls views.open
            self.sb.wait_for(lambda: self.sb.views(user=user), timeout=5)
        except AssertionError:
            return None
        view = self.sb.views(user=user)[-1]
        return view if view.callback_id == EditOrderIds.CALLBACK else None

    def submit_edit(self, view, ref: str, user: str, token: str) -> Answer:
        d = self.sb.submit(view, {"ship_to.city": token}, user=user)
        body = d.body if isinstance(d.body, dict) else {}
        accepted = d.status == 200 and not body.get("response_action")
        if accepted:
            with self.ledger.lock:
                self.ledger.edits[token] = ref
        return self.ledger.add(Answer("edit", d.status, d.ack_ms, accepted))

    def edit(self, ref: str, user: str, token: str) -> Answer | None:
        view = self.open_editor(ref, user)
        return None if view is None else self.submit_edit(view, ref, user, token)

    def take(self, message, discrepancy_id: int, user: str) -> Answer:
        """Click "Take it" on a triage parent."""
        told = len(self.sb.ephemerals(user=user))
        d = self.sb.click(f"{TriageActions.ASSIGN_ME}:{discrepancy_id}", user=user,
                          message=message)
        # A click's ack is an empty 200 whatever happens; a failure is told in an ephemeral
        # (sent before the ack, and this user is only ever driven by one sender thread).
        refused = any(icon in json.dumps(m.blocks) for m in self.sb.ephemerals(user=user)[told:]
                      for icon in (":x:", ":hourglass:", ":warning:"))
        accepted = d.status == 200 and not refused
        if accepted:
            with self.ledger.lock:
                self.ledger.takes.add(discrepancy_id)
        return self.ledger.add(Answer("take", d.status, d.ack_ms, accepted))

    def ask(self, question: str, user: str) -> Answer:
        d = self.sb.mention(question, user=user, channel=CHANNEL)
        with self.ledger.lock:
            self.ledger.questions += 1
        return self.ledger.add(Answer("question", d.status, d.ack_ms, d.status == 200))

    def triage_parents(self) -> list[tuple[object, int]]:
        """(message, discrepancy id) of every posted triage parent with a Take-it button."""
        found = []
        for message in self.sb.messages(TRIAGE):
            for block in message.blocks:
                for element in block.get("elements", []) if block.get("type") == "actions" \
                        else []:
                    prefix, _, ident = element.get("action_id", "").partition(":")
                    if prefix == TriageActions.ASSIGN_ME and ident.isdigit():
                        found.append((message, int(ident)))
        return found


# --- the audit ------------------------------------------------------------------------------

def wait_drained(db: Database, timeout: float) -> float | None:
    """Seconds until no outbox row is pending (None: still pending after `timeout`)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with db.read() as s:
                pending = s.scalar(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status == "pending"))
            if pending == 0:
                return time.monotonic() - started
        except Exception:  # noqa: BLE001 - the database may still be coming back
            pass
        time.sleep(0.5)
    return None


def audit(stack: Stack, ledger: Ledger) -> dict:
    """Exactly once, from the database and the sandbox's record of what the app posted."""
    db, sb = stack.db, stack.sb
    with db.read() as s:
        refs = list(ledger.orders)
        orders = Counter(s.scalars(select(Order.ref).where(Order.ref.in_(refs))))
        lines = dict(s.execute(select(Order.ref, func.count(OrderLine.id)).join(OrderLine)
                               .where(Order.ref.in_(refs)).group_by(Order.ref)).all())
        disc = s.execute(select(Discrepancy.id, Order.ref, Discrepancy.fingerprint,
                                Discrepancy.message_ts, Discrepancy.title,
                                Discrepancy.channel_id)
                         .join(Order, Discrepancy.order_id == Order.id)).all()
        edited = [e.changes for e in s.scalars(select(Event).where(Event.kind == "edited"))]
        taken = Counter(s.scalars(select(Event.discrepancy_id).where(
            Event.kind == "triage.assigned")))
        outbox = Counter(s.scalars(select(OutboxMessage.status)))
        sent_posts = s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == "sent", OutboxMessage.method == "chat.postMessage"))
        runs = Counter(str(r.status.value if hasattr(r.status, "value") else r.status)
                       for r in s.scalars(select(DigestRun)))
        posted_runs = set(s.scalars(select(DigestRun.id).where(DigestRun.status == "posted")))
    accepted_orders = ledger.accepted_orders
    # orders: every accepted one present once; none of any (refused too) half-written
    lost_orders = sorted(r for r in accepted_orders if orders[r] == 0)
    dup_orders = sorted(r for r, n in orders.items() if n > 1)
    half = sorted(r for r in orders if lines.get(r, 0) != ledger.orders[r])
    # discrepancies: each (order, type) once; each posted; intake orders each opened one
    per_key = Counter((ref, fingerprint) for _, ref, fingerprint, *_ in disc)
    dup_disc = sum(n - 1 for n in per_key.values() if n > 1)
    disc_refs = {ref for _, ref, *_ in disc}
    missing_disc = sorted(r for r in accepted_orders if r not in disc_refs)
    unposted = sum(1 for _, _, _, ts, _, channel in disc if channel and not ts)
    # edits and flags by their unique tokens
    cities = Counter(c.get("after") for changes in edited for c in (changes or [])
                     if c.get("field") == "ship-to city")
    lost_edits = [t for t in ledger.edits if cities[t] == 0]
    dup_edits = [t for t in ledger.edits if cities[t] > 1]
    reasons = Counter(title.rsplit(" ", 1)[-1] for _, _, _, _, title, _ in disc
                      if (title or "").startswith("bench flag-"))
    lost_flags = [t for t in ledger.flags if reasons[t] == 0]
    dup_flags = [t for t in ledger.flags if reasons[t] > 1]
    # takes: one assignment event and one "took it" note in the parent's thread each
    lost_takes = [d for d in ledger.takes if taken[d] == 0]
    dup_takes = [d for d in ledger.takes if taken[d] > 1]
    parent_ts = {i: ts for i, _, _, ts, *_ in disc}
    notes = {d: sum("took it" in json.dumps(m.blocks) for m in sb.thread(TRIAGE, parent_ts[d]))
             for d in ledger.takes if parent_ts.get(d)}
    lost_notes = [d for d in ledger.takes if notes.get(d, 0) == 0]
    dup_notes = [d for d, n in notes.items() if n > 1]
    # posts: what Slack accepted vs what we recorded as sent (outbox) or posted (digests)
    ok_posts = [c for c in sb.calls("chat.postMessage") if c.ok]
    digest_msgs = Counter()
    for channel_msgs in sb.ws.messages.values():
        for m in channel_msgs:
            meta = (m.metadata or {}).get("event_payload") or {}
            if (m.metadata or {}).get("event_type") == "orderdesk_digest":
                digest_msgs[meta.get("run_id")] += 1
    thread_answers = sum(1 for c in ok_posts if c.params.get("channel") == CHANNEL)
    same = Counter(_post_key(c.params) for c in ok_posts
                   if c.params.get("channel") != CHANNEL)
    repeated = sum(n - 1 for n in same.values() if n > 1)
    return {
        "orders": {"sent": len(ledger.orders), "accepted": len(accepted_orders),
                   "lost": len(lost_orders), "duplicated": len(dup_orders),
                   "half_written": len(half), "examples": (lost_orders + half)[:5]},
        "discrepancies": {"total": len(disc), "duplicated": dup_disc,
                          "accepted_orders_without_one": len(missing_disc),
                          "not_posted": unposted},
        "edits": {"accepted": len(ledger.edits), "lost": len(lost_edits),
                  "duplicated": len(dup_edits)},
        "flags": {"accepted": len(ledger.flags), "lost": len(lost_flags),
                  "duplicated": len(dup_flags)},
        "takes": {"accepted": len(ledger.takes), "lost": len(lost_takes),
                  "duplicated": len(dup_takes), "thread_notes_lost": len(lost_notes),
                  "thread_notes_duplicated": len(dup_notes)},
        "outbox": {str(getattr(k, "value", k)): v for k, v in outbox.items()},
        "posts": {"slack_accepted": len(ok_posts), "outbox_sent": sent_posts,
                  "digests_posted_runs": len(posted_runs), "thread_answers": thread_answers,
                  "unrecorded_extra": len(ok_posts) - sent_posts - sum(digest_msgs.values())
                  - thread_answers,
                  "same_content_repeated": repeated},
        "digests": {"runs": dict(runs), "posted_runs_without_message": sum(
            1 for r in posted_runs if digest_msgs[r] == 0),
            "runs_posted_more_than_once": sum(1 for n in digest_msgs.values() if n > 1)},
    }


def _post_key(params: dict) -> str:
    return json.dumps([params.get("channel"), params.get("thread_ts"), params.get("text"),
                       params.get("metadata")], sort_keys=True, default=str)


def audit_failures(result: dict) -> list[str]:
    """The audit's lost/duplicated counts that are not zero. Repeated posts are a failure only
    beyond the known limit: a post Slack took whose ts we never recorded (a process killed
    between the two) is sent again, and shows as posts.unrecorded_extra."""
    bad = []
    for section, figures in result.items():
        for key, value in figures.items():
            if isinstance(value, int) and value and key in (
                    "lost", "duplicated", "half_written", "accepted_orders_without_one",
                    "not_posted", "thread_notes_lost", "posted_runs_without_message",
                    "pending", "dead"):
                bad.append(f"{section}.{key}={value}")
    posts = result["posts"]
    if posts["unrecorded_extra"] < 0:
        bad.append(f"posts.recorded_but_not_in_slack={-posts['unrecorded_extra']}")
    if posts["same_content_repeated"] > posts["unrecorded_extra"]:
        bad.append(f"posts.repeated_beyond_known_limit="
                   f"{posts['same_content_repeated'] - posts['unrecorded_extra']}")
    return bad


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def status_counts(answers: list[Answer]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for a in answers:
        counts[str(a.status)] += 1
    return dict(counts)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- a steady mix of traffic on background threads ------------------------------------------

class Traffic:
    """`threads` senders, each a processor with a few users' edit modals kept open (so edits
    can be submitted while Slack's API is failing), sending a weighted mix until stopped.

    mix: {"intake": 3, "lookup": 3, "edit": 2, "flag": 1, "take": 1} (relative weights)."""

    def __init__(self, desk: Desk, *, threads: int = 4, mix: dict[str, int] | None = None,
                 pause_s: float = 0.02, intake_retries: int = 5, prefix: str = "WEB",
                 limit: int | None = None) -> None:
        import random

        self.desk, self.pause_s, self.intake_retries = desk, pause_s, intake_retries
        self.mix = mix or {"intake": 3, "lookup": 3, "edit": 2, "flag": 1, "take": 1}
        self.threads, self.prefix, self.limit = threads, prefix, limit
        self.stop_event = threading.Event()
        self._counter = iter(range(10**9))
        self._lock = threading.Lock()
        self._rng = random.Random(7)
        self._workers: list[threading.Thread] = []
        self._taken: set[int] = set()
        users_each = len(PROCESSORS) // threads
        self._users = [PROCESSORS[i * users_each:(i + 1) * users_each] for i in range(threads)]

    def next_n(self) -> int:
        with self._lock:
            return next(self._counter)

    def start(self) -> Traffic:
        for i in range(self.threads):
            worker = threading.Thread(target=self._run, args=(i,), daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def join(self) -> None:
        for worker in self._workers:
            worker.join()

    def stop(self) -> None:
        self.stop_event.set()
        for worker in self._workers:
            worker.join(120)

    def _run(self, index: int) -> None:
        import random

        rng = random.Random(index)
        users, ready = self._users[index], {}
        kinds = [k for k, w in self.mix.items() for _ in range(w)]
        turn = 0
        while not self.stop_event.is_set():
            if self.limit is not None and len(self.desk.ledger.answers) >= self.limit:
                return
            kind = rng.choice(kinds)
            user = users[turn % len(users)]
            turn += 1
            try:
                self.one(kind, user, ready, rng)
            except Exception as exc:  # noqa: BLE001 - a sender keeps going; counted below
                self.desk.ledger.add(Answer(f"{kind}-error:{type(exc).__name__}", -1, 0.0,
                                            False))
            time.sleep(self.pause_s)

    def one(self, kind: str, user: str, ready: dict, rng) -> None:
        desk, n = self.desk, self.next_n()
        if kind == "intake":
            ref = f"{self.prefix}-{n:07d}"
            for attempt in range(self.intake_retries + 1):
                answer = desk.intake(ref, n)
                # A client retries what got no answer or a 5xx; the same order is idempotent.
                if answer.status and answer.status < 500:
                    break
                time.sleep(min(2.0, 0.2 * 2 ** attempt))
        elif kind == "lookup":
            desk.lookup(rng.choice(desk.refs), user)
        elif kind == "flag":
            desk.flag(rng.choice(desk.refs), user, f"flag-{n}")
        elif kind == "edit":
            # Submit the modal this user opened earlier (it may have been open across a
            # fault), then keep a fresh one open; with none open, open one and submit it.
            view = ready.pop(user, None)
            if view is None or not view.is_open:
                view = desk.open_editor(rng.choice(desk.refs), user)
            if view is not None:
                desk.submit_edit(view, view_ref(view), user, f"City{n}")
            opened = desk.open_editor(rng.choice(desk.refs), user)
            if opened is not None:
                ready[user] = opened
        elif kind == "take":
            with self._lock:
                choices = [(m, d) for m, d in desk.triage_parents() if d not in self._taken]
                pick = rng.choice(choices) if choices else None
                if pick is not None:
                    self._taken.add(pick[1])
            if pick is not None:
                desk.take(pick[0], pick[1], user)
        elif kind == "question":
            desk.ask(f"status of {rng.choice(desk.refs)}?", user)


def view_ref(view) -> str:
    """The order ref an edit modal is about (from its private metadata)."""
    meta = json.loads(view.private_metadata or "{}")
    return str(meta.get("ref") or meta.get("order_ref") or "?")

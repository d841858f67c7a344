"""The real stack for the long reliability commands (bench/faults.py, bench/soak.py): a
freshly seeded database, the Slack sandbox in this process, and `orderdesk serve` (gunicorn)
and `orderdesk clock` as real subprocesses.

    url = fresh_database("sqlite", name="faults", orders=2000, pg_base=...)
    with Stack(url, name="faults-sqlite") as stack:
        stack.kill_web(); stack.start_web()      # SIGKILL the process group, start again

Traffic through the sandbox is bench/traffic.py; the exactly-once audit is bench/audit.py.
Processes run in their own session so a SIGKILL of the group kills gunicorn's master and
workers together, as a crashed dyno would.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402

from bot.console import DEMO_ADMIN, DEMO_ROUTES  # noqa: E402
from sandbox import SlackSandbox  # noqa: E402
from store import clock  # noqa: E402
from store.db import Database, open_database  # noqa: E402
from store.enums import Role  # noqa: E402
from store.models import Customer  # noqa: E402
from store.schema import upgrade  # noqa: E402
from store.seed.demo import seed_demo  # noqa: E402
from store.workspace.roles import set_role  # noqa: E402
from store.workspace.routing import set_route  # noqa: E402

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
    from store.metrics.subscriptions import subscribe_digest

    subscribe_digest(db, period="daily", channel_id="C0MGR", at_time="00:05", timezone="UTC",
                     actor=DEMO_ADMIN, now=clock.now() - timedelta(days=days))


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


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])

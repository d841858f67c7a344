"""Scale out on one PostgreSQL (issue 23 item 5): two `orderdesk serve` on two ports and two
`orderdesk clock` sharing one database, the shape a team that outgrows one machine runs.

    .venv/bin/python bench/scale_out.py [ORDERS] [--senders 20] [--requests 600] [--rounds 2]
        [--dup-orders 2000] [--dup-requests 400] [--digest-days 30] [--skip-throughput]
        [--skip-duplicates] [--pg-url postgresql://root@127.0.0.1/postgres]
        [--dup-db od_scaleout]

Throughput: on the shared dataset of ORDERS orders (bench/dataset.py, od_orders_<N>), two
`orderdesk serve` (gunicorn, WEB_CONCURRENCY workers each) are started; --senders concurrent
senders send the /order mix of bench/roundtrip_bench.py (signed; 70 % exact refs, 30 % typo'd
names) to ONE of them, then round robin to BOTH, alternating --rounds times in the same run.
Each row: p50/p99, req/s, and the CPU seconds the web processes (/proc, master + workers),
their PostgreSQL backends (/proc, by application_name) and this load generator spent on it.

Duplicates: a fresh small database (--dup-db, --dup-orders, owing --digest-days daily
digests) behind both web processes and both clocks (bench/stack.py), with traffic that makes
posts (intake and flags -> triage parents through the outbox, edits, "Take it" clicks)
spread round robin over the two web processes, and Slack slowed by 100 ms a call so
deliveries and digest posts overlap. Then the exactly-once audit (bench/audit.py): every
accepted order, flag, edit and click once, every triage parent posted once, each digest
period posted once, and which clock claimed which period. Exits 1 if the audit fails.

The duplicates run does not grow with ORDERS (its own --dup-orders database), so at
1,000,000 orders the command takes the seeding (if not done yet) plus a few minutes.
Prints a table and writes bench/out/scale_out_<N>.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/stack.py's own imports

from audit import audit, audit_failures, wait_drained  # noqa: E402
from faults import _wait_digests  # noqa: E402
from sqlalchemy import text  # noqa: E402
from stack import OUT, SIGNING_SECRET, Stack, _stop, fresh_database, load_average  # noqa: E402
from traffic import Desk, Traffic, status_counts  # noqa: E402

from bench import roundtrip_bench  # noqa: E402
from bench.dataset import DEFAULT_PG, seeded, url_for  # noqa: E402
from sandbox import SlackSandbox  # noqa: E402
from sandbox.player import Player  # noqa: E402
from store.db import Database, open_database  # noqa: E402

# Posts are made by intake and flags (triage parents), edits and clicks (thread notes).
DUP_MIX = {"intake": 3, "flag": 2, "edit": 1, "take": 1, "lookup": 1}
APP_NAME = "orderdesk-scaleout"  # PGAPPNAME of the web processes: their backends' CPU
DUP_DB = "od_scaleout"  # the duplicates run's own database, dropped at the end


# --- throughput: 1 web process vs 2, same run ---------------------------------------------

def measure(orders: int, sb: SlackSandbox, *, senders: int = 20, requests: int = 600,
            rounds: int = 2, pg_base: str = DEFAULT_PG) -> dict:
    """1 vs 2 web processes on the ORDERS dataset, alternated `rounds` times."""
    url = url_for("postgresql", orders, pg_base)
    db = seeded("postgresql", orders, pg_base, quiet=True)
    texts = roundtrip_bench.queries(db, requests)
    env = {**os.environ, "SLACK_BOT_TOKEN": sb.bot_token,
           "SLACK_SIGNING_SECRET": roundtrip_bench.SECRET, "SLACK_API_URL": sb.api_url,
           "DATABASE_URL": url, "PYTHONPATH": str(roundtrip_bench.ROOT)}
    ports = [roundtrip_bench.free_port() for _ in range(2)]
    servers = [roundtrip_bench.start_server(
        [sys.executable, "-m", "bot.cli", "serve"],
        {**env, "PORT": str(port), "PGAPPNAME": f"{APP_NAME}-{i}"}, port)
        for i, port in enumerate(ports)]
    urls = [f"http://127.0.0.1:{port}/slack/events" for port in ports]
    rows: dict[str, list[dict]] = {"1": [], "2": []}
    try:
        # Unmeasured: every worker of both processes builds its search index and pool first,
        # so neither arm pays for warming up.
        roundtrip_bench.load(urls, texts[:200], senders)
        for _ in range(rounds):
            for processes in (1, 2):
                before = _cpu(db, servers)
                row = roundtrip_bench.load(urls[:processes], texts, senders)
                spent = {k: v - before[k] for k, v in _cpu(db, servers).items()}
                # per request, in ms (the warm-up's 10 requests per process are in the CPU)
                sent = len(texts) + 10 * processes
                row.update({f"{k}_cpu_ms": 1000 * v / sent for k, v in spent.items()})
                row["load"] = load_average()
                rows[str(processes)].append(row)
        return {"orders": orders, "senders": senders, "requests": requests, "rounds": rows,
                "median": {p: _median(r) for p, r in rows.items()},
                "web_rss_mb": [roundtrip_bench.rss_mb(s) for s in servers]}
    finally:
        for server in servers:
            roundtrip_bench.stop_server(server)
        db.dispose()


def _cpu(db: Database, servers) -> dict[str, float]:
    """CPU seconds so far: the web processes (master + workers), their PostgreSQL backends,
    and this process (the load generator and the sandbox)."""
    web = sum(_proc_cpu(pid) for s in servers for pid in _family(s.pid))
    with db.engine.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE application_name "
                                 "LIKE :name"), {"name": f"{APP_NAME}-%"}).scalars().all()
    return {"web": web, "pg": sum(_proc_cpu(pid) for pid in pids),
            "loadgen": time.process_time()}


def _family(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid, *map(int, children.read_text().split())] if children.exists() else [pid]


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _median(rows: list[dict]) -> dict:
    keys = [k for k, v in rows[0].items() if isinstance(v, int | float)]
    return {k: statistics.median(r[k] for r in rows) for k in keys}


# --- duplicates: 2 web processes + 2 clocks, the exactly-once audit ------------------------

class RoundRobinPlayer(Player):
    """The sandbox's request sender, sending each request to the next web process."""

    def __init__(self, signing_secret: str, urls: list[str], sent: Counter) -> None:
        super().__init__(signing_secret)
        self._urls, self.sent = itertools.cycle(urls), sent

    @property
    def app_url(self) -> str:
        with self._lock:
            url = next(self._urls)
            self.sent[url.rsplit(":", 1)[1].split("/")[0]] += 1
            return url

    @app_url.setter
    def app_url(self, url: str | None) -> None:
        """Player.__init__ sets it; the URLs come from the constructor."""


class ScaledStack(Stack):
    """bench/stack.py's stack with `webs` `orderdesk serve` (each on its own port) and
    `clocks` `orderdesk clock`, all on one database and one sandbox."""

    def __init__(self, db_url: str, *, name: str, webs: int = 2, clocks: int = 2) -> None:
        super().__init__(db_url, name=name, clock=False)
        self.ports = [self.port, *(roundtrip_bench.free_port() for _ in range(webs - 1))]
        self.clock_count = clocks
        self.webs: list = []
        self.clocks: list = []
        self._spread = False
        self._turn = itertools.count()
        self.sent_to: Counter = Counter()  # requests per web process, by port
        self._count_lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """While starting, the process being started; then each request to the next one."""
        port = self.ports[next(self._turn) % len(self.ports)] if self._spread else self.port
        if self._spread:
            with self._count_lock:
                self.sent_to[str(port)] += 1
        return f"http://127.0.0.1:{port}"

    def __enter__(self) -> ScaledStack:
        self.sb.start()
        self.logs.mkdir(parents=True, exist_ok=True)
        for port in self.ports:
            self.port = port  # env() and healthy() read it
            self.start_web()
            self.webs.append(self.web)
        for _ in range(self.clock_count):
            self.start_clock()
            self.clocks.append(self.clock)
        self._spread = True
        self.sb.player = RoundRobinPlayer(
            SIGNING_SECRET, [f"http://127.0.0.1:{p}/slack/events" for p in self.ports],
            self.sent_to)
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in (*self.webs, *self.clocks):
            _stop(proc, signal.SIGTERM)
        self.sb.stop()
        self.db.dispose()


def duplicates(*, orders: int, requests: int, digest_days: int, threads: int, name: str,
               pg_base: str, slack_delay_ms: int = 100) -> dict:
    url = fresh_database("postgresql", name=name, orders=orders, pg_base=pg_base,
                         digest_days=digest_days)
    try:
        with ScaledStack(url, name="scale-out") as stack:
            stack.sb.faults.add("*", delay_ms=slack_delay_ms, until=time.monotonic() + 10 ** 6)
            desk = Desk(stack)
            started = time.monotonic()
            Traffic(desk, threads=threads, mix=DUP_MIX, limit=requests, pause_s=0.0).start() \
                .join()
            wall = time.monotonic() - started
            drain = wait_drained(stack.db, 300)
            _wait_digests(stack, timeout=180, want=digest_days)
            result = {"requests": len(desk.ledger.answers), "wall_s": round(wall, 1),
                      "answers": status_counts(desk.ledger.answers),
                      "answers_by_kind": {k: status_counts([a for a in desk.ledger.answers
                                                            if a.kind == k])
                                          for k in sorted({a.kind for a in desk.ledger.answers})},
                      "drain_s": None if drain is None else round(drain, 1),
                      "requests_by_web_port": dict(stack.sent_to),
                      "digest_claims_by_clock": _claims(stack.db),
                      "audit": audit(stack, desk.ledger)}
    finally:
        _drop(pg_base, name)
    result["audit_failures"] = audit_failures(result["audit"])
    return result


def _claims(db: Database) -> dict[str, int]:
    """Digest periods claimed per clock process (host:pid): both clocks share the work."""
    from sqlalchemy import func, select

    from store.models import DigestRun

    with db.read() as s:
        return {str(who): n for who, n in s.execute(
            select(DigestRun.claimed_by, func.count()).group_by(DigestRun.claimed_by))}


def _drop(pg_base: str, name: str) -> None:
    admin = open_database(pg_base)
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'drop database if exists "{name}" with (force)')
    admin.dispose()


def run(orders: int, sb: SlackSandbox, pg_base: str = DEFAULT_PG, *, requests: int = 600,
        rounds: int = 2) -> dict:
    """bench/run.py's section: the throughput at 20 senders and the duplicates run."""
    return {"throughput": measure(orders, sb, requests=requests, rounds=rounds, pg_base=pg_base),
            "duplicates": duplicates(orders=2000, requests=400, digest_days=30, threads=8,
                                     name=DUP_DB, pg_base=pg_base)}


# --- report --------------------------------------------------------------------------------

def print_report(through: dict | None, dups: dict | None) -> None:
    if through:
        print(f"\nPostgreSQL, {through['orders']:,} orders: /order round trip, "
              f"{through['senders']} senders, {through['requests']} requests per row")
        print(f"  {'round':>5} {'web processes':>13} {'p50 ms':>7} {'p99 ms':>7} {'req/s':>6} "
              f"{'errors':>6}   CPU ms/request: {'web':>5} {'pg':>5} {'loadgen':>7}   load")
        by_processes = through["rounds"]
        for i, pair in enumerate(zip(by_processes["1"], by_processes["2"], strict=True), 1):
            for processes, r in zip(("1", "2"), pair, strict=True):  # in the order they ran
                print(f"  {i:>5} {processes:>13} {r['p50']:>7.1f} {r['p99']:>7.1f} "
                      f"{r['rps']:>6.0f} {r['errors']:>6}   {'':>15} {r['web_cpu_ms']:>5.2f} "
                      f"{r['pg_cpu_ms']:>5.2f} {r['loadgen_cpu_ms']:>7.2f}   {r['load']}")
        one, two = through["median"]["1"], through["median"]["2"]
        print(f"  median: 2 processes / 1 = {two['rps'] / one['rps']:.2f}x req/s, "
              f"p50 {two['p50'] / one['p50']:.2f}x, p99 {two['p99'] / one['p99']:.2f}x")
    if dups:
        print(f"\n2 web processes + 2 clocks: {dups['requests']} requests in {dups['wall_s']} s "
              f"{dups['answers']}; outbox drained {dups['drain_s']} s after the last")
        print(f"  answers by kind: {dups['answers_by_kind']}")
        print(f"  requests per web process (port): {dups['requests_by_web_port']}; "
              f"digest periods claimed per clock (host:pid): {dups['digest_claims_by_clock']}")
        for section, figures in dups["audit"].items():
            print(f"  audit {section:<14} " + ", ".join(f"{k} {v}" for k, v in figures.items()))
        failures = dups["audit_failures"]
        verdict = f"FAILED: {', '.join(failures)}" if failures else "passed: 0 lost, 0 duplicated"
        print(f"  audit {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", type=int, nargs="?", default=20_000)
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--dup-orders", type=int, default=2000)
    parser.add_argument("--dup-requests", type=int, default=400)
    parser.add_argument("--digest-days", type=int, default=30)
    parser.add_argument("--threads", type=int, default=8, help="senders of the duplicates run")
    parser.add_argument("--dup-db", default=DUP_DB)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-duplicates", action="store_true")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="the server's admin database")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    report = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
              "load_before": load_average(), "args": vars(args)}
    if not args.skip_throughput:
        with SlackSandbox(signing_secret=roundtrip_bench.SECRET) as sb:
            report["throughput"] = measure(args.orders, sb, senders=args.senders,
                                           requests=args.requests, rounds=args.rounds,
                                           pg_base=args.pg_url)
    if not args.skip_duplicates:
        report["duplicates"] = duplicates(
            orders=args.dup_orders, requests=args.dup_requests, digest_days=args.digest_days,
            threads=args.threads, name=args.dup_db, pg_base=args.pg_url)
    report["load_after"] = load_average()
    print_report(report.get("throughput"), report.get("duplicates"))
    path = OUT / f"scale_out_{args.orders}.json"
    path.write_text(json.dumps(report, indent=1, default=str))
    print(f"\nload average before/after: {report['load_before']} / {report['load_after']}; "
          f"written {path}")
    return 1 if report.get("duplicates", {}).get("audit_failures") else 0


if __name__ == "__main__":
    sys.exit(main())

"""/order round trip through the real HTTP server (gunicorn), with real request signing.

    .venv/bin/python bench/roundtrip_bench.py [ORDERS] [--db sqlite|postgresql|both]
        [--concurrency 1,20,50] [--requests 600] [--pg-url postgresql://root@127.0.0.1/postgres]

Starts the Slack sandbox (for the Web API), then `orderdesk serve` (gunicorn, gthread) on the
shared benchmark dataset (bench/dataset.py), and sends signed /order slash commands from C
concurrent senders: a mix of exact refs (70 %) and typo'd customer names (30 %). Next to it, the
same gunicorn serving a Bolt app whose /order only acks (bench/trivial_app.py): the ratio is our
own cost. Prints p50/p99 latency, throughput, the servers' CPU per request (steady on a busy
machine, where latency is not) and the resident memory of the web processes.
Budget (issue 3): p99 <= 300 ms with 20 senders; web RSS <= 500 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.dataset import DEFAULT_PG, seeded, url_for  # noqa: E402
from bench.lookup_bench import _name_typo  # noqa: E402
from bench.stack import free_port, rss_kb  # noqa: E402
from sandbox import SlackSandbox  # noqa: E402
from sandbox.player import signed_headers  # noqa: E402
from store.models import Customer, Order  # noqa: E402

SECRET = "bench-signing-secret"


def start_server(argv: list[str], env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"server exited: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    raise SystemExit("server did not start in 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def rss_mb(proc: subprocess.Popen) -> float:
    """Resident memory of the gunicorn master and its workers."""
    pids = [proc.pid] + [int(p) for p in subprocess.run(
        ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()]
    return sum(rss_kb(pid) for pid in pids) / 1024


def cpu_seconds(proc: subprocess.Popen) -> float:
    """User + system CPU of the gunicorn master and its workers so far (/proc, clock ticks):
    unlike latency, it does not move with what else the machine is running."""
    return _cpu_of([proc.pid] + [int(p) for p in subprocess.run(
        ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()])


def database_cpu_seconds() -> float:
    """User + system CPU of every PostgreSQL process on this host so far (the server and its
    backends; 0 when none runs): what a request costs the database shares the same cores."""
    return _cpu_of([int(p) for p in subprocess.run(
        ["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout.split()])


def _cpu_of(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # gone since pgrep listed it
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def timed_load(proc: subprocess.Popen, url: str, texts: list[str], concurrency: int) -> dict:
    """`load`, plus CPU milliseconds per request (the 10 warm-up ones counted) of the server,
    of PostgreSQL and of this process (the load generator; the sandbox in it is idle for
    /order): together the machine's cost of a request, which 2 cores bound."""
    before = cpu_seconds(proc), database_cpu_seconds(), time.process_time()
    result = load(url, texts, concurrency)
    after = cpu_seconds(proc), database_cpu_seconds(), time.process_time()
    web, database, sender = ((a - b) * 1000 / (len(texts) + 10) for a, b in zip(after, before,
                                                                                strict=True))
    result.update(cpu_ms=web, database_cpu_ms=database, sender_cpu_ms=sender)
    return result


def queries(db, n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    with db.read() as s:
        top = s.scalar(select(func.max(Order.id)))
        refs = list(s.scalars(select(Order.ref).where(
            Order.id.in_([rng.randint(1, top) for _ in range(n)]))))
        names = list(s.scalars(select(Customer.name).limit(2000)))
    out = [rng.choice(refs) if rng.random() < 0.7 else _name_typo(rng, rng.choice(names))
           for _ in range(n)]
    return out


def send(url: str, text: str) -> float:
    body = urlencode({"command": "/order", "text": text, "user_id": "U0PROC1",
                      "user_name": "priya", "channel_id": "C0ORDERS", "team_id": "T0ORDERDESK",
                      "trigger_id": "bench.trigger", "response_url": "http://127.0.0.1:9/r"}).encode()
    headers = signed_headers(SECRET, body, "application/x-www-form-urlencoded")
    started = time.perf_counter()
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}")
    return (time.perf_counter() - started) * 1000


def load(url: str | list[str], texts: list[str], concurrency: int) -> dict:
    """`texts` sent by `concurrency` senders; given several URLs (web processes), request i
    goes to url i mod n (round robin, as a load balancer would)."""
    urls = [url] if isinstance(url, str) else url
    for each in urls:
        for text in texts[:10]:  # warm the process: fuzzy index, connection pool
            send(each, text)
    lock, latencies, errors = threading.Lock(), [], 0
    started = time.perf_counter()

    def one(i: int, text: str) -> None:
        nonlocal errors
        try:
            ms = send(urls[i % len(urls)], text)
            with lock:
                latencies.append(ms)
        except Exception:  # counted, reported: a benchmark keeps going
            with lock:
                errors += 1

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(len(texts)), texts))
    wall = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    return {"p50": q[49], "p99": q[98], "rps": len(latencies) / wall, "errors": errors}


def measure(backend: str, orders: int, sb: SlackSandbox, concurrency: list[int],
            requests: int, pg_base: str = DEFAULT_PG) -> dict:
    """Per number of senders, ours and the baseline's p50/p99/req/s; both servers' RSS."""
    url = url_for(backend, orders, pg_base)
    db = seeded(backend, orders, pg_base, quiet=True)
    texts = queries(db, requests)
    db.dispose()
    env = {**os.environ, "SLACK_BOT_TOKEN": sb.bot_token, "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": sb.api_url, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    port, base_port = free_port(), free_port()
    app = start_server([sys.executable, "-m", "bot.cli", "serve"], {**env, "PORT": str(port)},
                       port)
    # The same gunicorn settings as `orderdesk serve` (bot/server.py), access log included: the
    # ratio is then what our code costs beyond Bolt's, not gunicorn's logging.
    base = start_server([sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{base_port}",
                         "-k", "gthread", "-w", os.environ.get("WEB_CONCURRENCY", "2"),
                         "--threads", os.environ.get("ORDERDESK_THREADS", "8"), "--timeout", "30",
                         "--access-logfile", "-", "bench.trivial_app:application"], env,
                        base_port)
    try:
        rows = {c: {"ours": timed_load(app, f"http://127.0.0.1:{port}/slack/events", texts, c),
                    "baseline": timed_load(base, f"http://127.0.0.1:{base_port}/slack/events",
                                           texts, c)}
                for c in concurrency}
        return {"requests": requests, "senders": rows, "rss_mb": rss_mb(app),
                "baseline_rss_mb": rss_mb(base)}
    finally:
        stop_server(app)
        stop_server(base)


def report(label: str, orders: int, result: dict) -> None:
    print(f"\n{label}, {orders:,} orders: /order round trip, {result['requests']} requests "
          "per row")
    print(f"  {'senders':>7} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>7} {'errors':>6}"
          f"   {'baseline p50':>12} {'p99':>6} {'req/s':>7}   ratio p50/p99")
    for c, row in result["senders"].items():
        ours, triv = row["ours"], row["baseline"]
        print(f"  {c:>7} {ours['p50']:>8.1f} {ours['p99']:>8.1f} {ours['rps']:>7.0f} "
              f"{ours['errors']:>6}   {triv['p50']:>12.1f} {triv['p99']:>6.1f} "
              f"{triv['rps']:>7.0f}   {ours['p50'] / triv['p50']:.1f}x / "
              f"{ours['p99'] / triv['p99']:.1f}x")
        print(f"  {'':>7} server CPU per request: {ours['cpu_ms']:.2f} ms, baseline "
              f"{triv['cpu_ms']:.2f} ms = {ours['cpu_ms'] / triv['cpu_ms']:.1f}x")
        print(f"  {'':>7} machine CPU per request: {cpu_split(ours)}; baseline {cpu_split(triv)}")
    print(f"  web processes' resident memory (master + workers): {result['rss_mb']:.0f} MB "
          f"(baseline {result['baseline_rss_mb']:.0f} MB)")


def cpu_split(x: dict) -> str:
    """'4.8 ms = web 3.4 + database 0.8 + load generator 0.5' (what 2 cores share)."""
    parts = x["cpu_ms"], x["database_cpu_ms"], x["sender_cpu_ms"]
    return (f"{sum(parts):.2f} ms = web {parts[0]:.2f} + database {parts[1]:.2f} "
            f"+ load generator {parts[2]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("orders", type=int, nargs="?", default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--concurrency", default="1,20,50",
                        type=lambda v: [int(x) for x in v.split(",")])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="the server's admin database")
    args = parser.parse_args()
    with SlackSandbox(signing_secret=SECRET) as sb:
        for backend, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
            if args.db in (backend, "both"):
                result = measure(backend, args.orders, sb, args.concurrency, args.requests,
                                 args.pg_url)
                report(label, args.orders, result)


if __name__ == "__main__":
    main()

"""Monthly digest build time at N orders, against one hand-written SQL aggregate.

    .venv/bin/python bench/digest_bench.py [ORDERS] [--db sqlite|postgresql|both]
        [--repeat 3] [--pg-url postgresql://root@127.0.0.1/postgres] [--profile]

Uses the shared benchmark datasets (bench/dataset.py: N demo orders over 90 days in
bench/out/orders_<N>.sqlite3 and the PostgreSQL database od_orders_<N>). The schema is upgraded
(the digest indexes are migration 0002), discrepancies are added if there are none (the demo
seed has none: ~3 % of orders, most resolved), and planner statistics are refreshed, as the
clock does daily.

What is timed, for the last complete month before the newest order: build_digest (that month
and the one before, every figure, and the chart PNG drawn while they are read, as the digest
job does) and then the message, cold (first run) and warm (median of --repeat). The baseline
is one aggregate over the same month's orders and lines.
Budgets (the issue): 1,000,000 orders, <= 2 s on SQLite, <= 1 s on PostgreSQL, chart included.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dataset import DEFAULT_PG, seeded, url_for  # noqa: E402
from bench.import_rate import cpu_seconds  # noqa: E402
from jobs.digests import Chart  # noqa: E402
from messages.digest import digest_message  # noqa: E402
from store.db import Database, open_database  # noqa: E402
from store.metrics import queries as q  # noqa: E402
from store.metrics.digest import build_digest, refresh_planner_statistics, tune_for_reports  # noqa: E402
from store.models import Discrepancy, Order  # noqa: E402
from store.periods import (  # noqa: E402
    last_complete_period,
    local_date,
    local_midnight,
    utc_offsets,
)
from store.schema import upgrade  # noqa: E402

OUT = ROOT / "bench" / "out"
BUDGET_S = {"sqlite": 2.0, "postgresql": 1.0}
TYPES = ("price_mismatch", "insufficient_stock", "bad_address", "payment_error", "unknown_sku",
         "duplicate_order", "credit_limit", "late", "other")


def main() -> None:
    args = _args()
    results = []
    for backend in ("sqlite", "postgresql"):
        if args.db in (backend, "both"):
            seeded(backend, args.orders, args.pg_url).dispose()
            results.append(run(backend, url_for(backend, args.orders, args.pg_url), args))
    print()
    print(f"{'database':<11} {'orders':>10} {'month rows':>10} {'cold s':>7} {'warm s':>7} "
          f"{'digest+chart s':>14} {'message s':>9} {'baseline s':>10} {'ratio':>6}  budget")
    for r in results:
        verdict = "OK" if r["warm"] <= BUDGET_S[r["db"]] else f"over {BUDGET_S[r['db']]:.0f} s"
        print(f"{r['db']:<11} {r['orders']:>10,} {r['month']:>10,} {r['cold']:>7.2f} "
              f"{r['warm']:>7.2f} {r['digest']:>14.2f} {r['message']:>9.2f} {r['baseline']:>10.3f} "
              f"{r['warm'] / r['baseline']:>6.1f}  {verdict}")


def _args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("orders", nargs="?", type=int, default=20_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="the server's admin database")
    parser.add_argument("--profile", action="store_true", help="time each query too")
    return parser.parse_args()


def run(name: str, url: str, args) -> dict:
    print(f"[{name}] {url}")
    db = prepare(url, args.orders)
    with db.read() as s:
        newest = s.scalar(select(func.max(Order.ordered_at)))
    period = last_complete_period("monthly", local_date(newest, "UTC"))
    start, end = period.utc_bounds("UTC")
    with db.read() as s:
        month = s.scalar(select(func.count()).where(Order.ordered_at >= start,
                                                    Order.ordered_at < end))
    print(f"  {period.label()}: {month:,} orders in the month; digest as of {newest:%Y-%m-%d}")
    times = [timed_digest(db, period, newest) for _ in range(1 + max(1, args.repeat))]
    cold, warm = times[0], times[1:]
    baseline = statistics.median(timed_baseline(db, start, end) for _ in range(3))
    baseline_cpu = statistics.median(_cpu(db, lambda: timed_baseline(db, start, end))
                                     for _ in range(3))
    if args.profile:
        profile(db, period)
    pick = sorted(warm, key=lambda t: t["total"])[len(warm) // 2]
    runs = ", ".join(f"{t['total']:.2f}" for t in warm)
    cpus = ", ".join(f"{t['cpu']:.2f}" for t in warm)
    warm_cpu = statistics.median(t["cpu"] for t in warm)
    print(f"  cold {cold['total']:.2f} s; warm runs {runs} s (CPU {cpus} s); "
          f"baseline {baseline:.3f} s; load average {os.getloadavg()[0]:.1f}")
    print(f"  CPU (this process + PostgreSQL backends, steadier than wall on a shared machine): "
          f"warm {warm_cpu:.3f} s, baseline {baseline_cpu:.3f} s = {warm_cpu / baseline_cpu:.1f}x")
    db.dispose()
    return {"db": name, "orders": args.orders, "month": month, "cold": cold["total"],
            "warm": pick["total"], "digest": pick["digest"], "message": pick["message"],
            "baseline": baseline}


def prepare(url: str, orders: int) -> Database:
    db = open_database(url)
    upgrade(db)
    with db.read() as s:
        have = s.scalar(select(func.count()).select_from(Order))
    if have != orders:
        raise SystemExit(f"{url} holds {have:,} orders, not {orders:,}: see bench/dataset.py")
    add_discrepancies(db)
    refresh_planner_statistics(db)
    if db.dialect == "postgresql":  # a fresh copy has no statistics until autovacuum runs
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return db


def add_discrepancies(db: Database, share: float = 0.03, seed: int = 7) -> None:
    """~3 % of orders get one, opened within a day of the order, 85 % resolved 1-96 h later."""
    with db.read() as s:
        if s.scalar(select(func.count()).select_from(Discrepancy)):
            return
        orders = s.execute(select(Order.id, Order.ordered_at)).all()
    rng = random.Random(seed)
    rows = []
    for order_id, ordered_at in orders:
        if rng.random() >= share:
            continue
        opened = ordered_at + timedelta(hours=rng.uniform(0.1, 24))
        resolved = opened + timedelta(hours=rng.uniform(1, 96)) if rng.random() < 0.85 else None
        kind = rng.choice(TYPES)
        rows.append({"order_id": order_id, "type": kind, "severity": "medium",
                     "status": "resolved" if resolved else "new", "fingerprint": f"bench:{kind}",
                     "title": f"bench {kind}", "evidence": {}, "opened_at": opened,
                     "resolved_at": resolved, "version_id": 1})
    for i in range(0, len(rows), 5000):
        with db.write() as s:
            s.execute(insert(Discrepancy), rows[i:i + 5000])
    print(f"  added {len(rows):,} discrepancies")


def _cpu(db: Database, work) -> float:
    """CPU seconds `work` took in this process (all threads: SQLite runs in-process) and in
    db's PostgreSQL backends."""
    before = cpu_seconds(db)
    work()
    return sum(v - before.get(k, 0.0) for k, v in cpu_seconds(db).items())


def timed_digest(db: Database, period, now) -> dict:
    cpu = cpu_seconds(db)
    started = time.perf_counter()
    chart = Chart(period, "UTC")  # drawn as the digest job does, while the figures are read
    view = build_digest(db, period=period, timezone="UTC", now=now, on_days=chart.draw)
    built = time.perf_counter()
    digest_message(view)
    done = time.perf_counter()
    assert chart.png.startswith(b"\x89PNG")
    return {"digest": built - started, "message": done - built, "total": done - started,
            "cpu": sum(v - cpu.get(k, 0.0) for k, v in cpu_seconds(db).items())}


def timed_baseline(db: Database, start, end) -> float:
    """One hand-written aggregate over the month's orders and lines: the floor to compare with."""
    sql = text("SELECT count(*), sum(l.quantity * l.unit_price_minor) FROM orders o "
               "JOIN order_lines l ON l.order_id = o.id "
               "WHERE o.ordered_at >= :a AND o.ordered_at < :b AND o.status <> 'draft'")
    params = {"a": start, "b": end}
    if db.dialect == "sqlite":  # SQLite stores the UTC wall time as text
        params = {k: v.strftime("%Y-%m-%d %H:%M:%S.%f") for k, v in params.items()}
    with db.read() as s:
        tune_for_reports(s, db.dialect)
        started = time.perf_counter()
        s.execute(sql, params).one()
        return time.perf_counter() - started


def profile(db: Database, period) -> None:
    start, end = period.utc_bounds("UTC")
    previous = (start - (end - start), start)
    offsets = utc_offsets(previous[0], end + timedelta(days=1), "UTC")
    steps = {
        "received": lambda s: q.received(s, start, end),
        "shipped": lambda s: q.shipped(s, db.dialect, start, end, offsets),
        "due": lambda s: q.due(s, db.dialect, period, "UTC", offsets),
        "past_due": lambda s: q.past_due(s, db.dialect, end, period.end),
        "returned": lambda s: q.returned(s, start, end),
        "backlog": lambda s: q.backlog_at(s, db.dialect, end),
        "discrepancies": lambda s: q.discrepancies(s, db.dialect, start, end),
        "open_by_age": lambda s: q.open_by_age(s, end),
        "top_customers": lambda s: q.top_customers(s, db.dialect, (start, end), previous, 5),
        "days": lambda s: q.daily_counts(s, db.dialect, [
            (local_midnight(d, "UTC"), local_midnight(d + timedelta(days=1), "UTC"))
            for d in period.days]),
    }
    for name, step in steps.items():
        with db.read() as s:
            tune_for_reports(s, db.dialect)
            started = time.perf_counter()
            step(s)
            print(f"    {name:<14} {time.perf_counter() - started:6.3f} s (one period)")


if __name__ == "__main__":
    main()

"""Lookup latency on seeded data: p50/p95/p99 of find_orders for each kind of query.

    .venv/bin/python bench/lookup_bench.py [ORDERS] [--db sqlite|postgresql|both]
                                           [--queries 300] [--pg-url postgresql://...]

Seeds ORDERS orders (default 20,000) with store.seed.seed_demo into bench/out/lookup_<N>.sqlite3
and the PostgreSQL database od_lookup_bench_<N>, reusing either when it already holds N orders.
Budgets (the issue): exact refs p95 <= 30 ms, fuzzy customer names p95 <= 50 ms, in process.
"right" counts answers that contain what the query was made from (the order, PO, SKU or
customer); "cpu p50" is this process's CPU time per lookup (PostgreSQL's own work excluded).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from store.db import Database, open_database  # noqa: E402
from store.lookup import find_orders  # noqa: E402
from store.models import Customer, Order, Product, Shipment  # noqa: E402
from store.schema import upgrade  # noqa: E402
from store.search_index import snapshot  # noqa: E402
from store.seed import seed_demo  # noqa: E402

OUT = ROOT / "bench" / "out"
BUDGETS = {"exact ref": 30.0, "customer name ~typo": 50.0}


def open_seeded(url: str, orders: int) -> Database:
    db = open_database(url)
    upgrade(db)
    with db.read() as s:
        have = s.scalar(select(func.count()).select_from(Order))
    if have == orders:
        print(f"  reusing {have:,} orders at {db.engine.url.render_as_string()}")
        return db
    if have:
        raise SystemExit(f"{url} holds {have:,} orders, not {orders:,}: drop it or pick N")
    started = time.perf_counter()
    report = seed_demo(db, orders=orders, seed=42, progress=_progress)
    print(f"\n  {report.summary_line()} (wall {time.perf_counter() - started:.0f} s)")
    return db


def _progress(done: int, total: int) -> None:
    print(f"\r  seeding {done:,}/{total:,}", end="", flush=True)


def pg_url(base: str, orders: int) -> str:
    name = f"od_lookup_bench_{orders}"
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("select 1 from pg_database where datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'create database "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


def typo(rng: random.Random, word: str) -> str:
    """One realistic slip: a dropped, doubled, swapped or wrong letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "wrong"))
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap":
        return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]
    return word[:i] + rng.choice("aeiorstn") + word[i + 1:]


def sample_queries(db: Database, n: int, seed: int = 7) -> dict[str, list[tuple[str, str]]]:
    """Per kind, (query, what a right answer contains)."""
    rng = random.Random(seed)
    with db.read() as s:
        top = s.scalar(select(func.max(Order.id)))
        ids = [rng.randint(1, top) for _ in range(n * 3)]
        refs = list(s.scalars(select(Order.ref).where(Order.id.in_(ids[:n]))))
        pos = [p for p in s.scalars(select(Order.po_number).where(Order.id.in_(ids))) if p][:n]
        tracking = list(s.scalars(select(Shipment.tracking_number)
                                  .where(Shipment.order_id.in_(ids)).limit(n)))
        skus = [rng.choice(list(s.scalars(select(Product.sku)))) for _ in range(n)]
        names = [rng.choice(list(s.scalars(select(Customer.name)))) for _ in range(n)]
    return {
        "exact ref": [(r, r) for r in refs],
        "bare number": [(r.removeprefix("SO-"), r) for r in refs],
        "PO": [(p, p) for p in pos],
        "tracking": [(t, t) for t in tracking],
        "SKU": [(k, k) for k in skus],
        "SKU ~typo": [(typo(rng, k), k) for k in skus],
        "customer name": [(m, m) for m in names],
        "customer name ~typo": [(_name_typo(rng, m), m) for m in names],
        "ref ~typo": [(r[:5] + str(rng.randrange(10)) + r[5:], r) for r in refs],
    }


def _name_typo(rng: random.Random, name: str) -> str:
    words = name.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    words[i] = typo(rng, words[i])
    return " ".join(words)


def is_right(result, expected: str) -> bool:
    """The expected order / PO / tracking / SKU / customer is in the answer."""
    if result.exact is not None:
        o = result.exact
        return expected in (o.ref, o.po_number, o.customer_name) or any(
            s.tracking_number == expected for s in o.shipments)
    return any(expected in (c.ref, c.po_number, c.customer_name) or expected in c.matched_on
               for c in result.candidates)


def measure(db: Database, queries: dict[str, list[tuple[str, str]]]) -> dict[str, dict]:
    results = {}
    for kind, items in queries.items():
        if not items:
            continue
        for q, _ in items[:10]:
            find_orders(db, query=q)  # warm caches and the statement cache
        times, cpu, right = [], [], 0
        for q, expected in items:
            started, cpu_started = time.perf_counter(), time.process_time()
            result = find_orders(db, query=q)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            right += is_right(result, expected)
        times.sort()
        results[kind] = {
            "n": len(times), "p50": statistics.median(times),
            "p95": times[int(0.95 * (len(times) - 1))], "p99": times[int(0.99 * (len(times) - 1))],
            "right": right, "cpu": statistics.median(cpu),
        }
    return results


def report(label: str, results: dict[str, dict]) -> None:
    print(f"\n{label}")
    print(f"  {'query kind':<22}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'cpu p50':>9}  right  budget")
    for kind, r in results.items():
        budget = BUDGETS.get(kind)
        verdict = "" if budget is None else (
            f"p95 <= {budget:.0f} {'OK' if r['p95'] <= budget else 'OVER'}")
        print(f"  {kind:<22}{r['n']:>5}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}"
              f"{r['cpu']:>9.1f}  {r['right']:>5}  {verdict}")


def run(label: str, url: str, orders: int, n: int) -> None:
    load = os.getloadavg()[0]
    print(f"{label}: {orders:,} orders (load average {load:.1f} on {os.cpu_count()} cores; "
          "other work on the machine inflates wall times, not 'cpu')")
    db = open_seeded(url, orders)
    started = time.perf_counter()
    snap = snapshot(db)
    print(f"  fuzzy index: {len(snap.names):,} names, {len(snap.skus):,} SKUs, built in "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    report(f"{label}, {orders:,} orders", measure(db, sample_queries(db, n)))
    db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", nargs="?", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--pg-url", default="postgresql://root@127.0.0.1/test")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.db in ("sqlite", "both"):
        run("SQLite", f"sqlite:///{OUT / f'lookup_{args.orders}.sqlite3'}", args.orders,
            args.queries)
    if args.db in ("postgresql", "both"):
        run("PostgreSQL", pg_url(args.pg_url, args.orders), args.orders, args.queries)


if __name__ == "__main__":
    main()

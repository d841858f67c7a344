"""Lookup latency on seeded data: p50/p95/p99 of find_orders for each kind of query.

    .venv/bin/python bench/lookup_bench.py [ORDERS] [--db sqlite|postgresql|both]
                                           [--queries 300] [--pg-url postgresql://...]

Uses the shared benchmark datasets (bench/dataset.py: bench/out/orders_<N>.sqlite3 and the
PostgreSQL database od_orders_<N>, seeded once with store.seed.demo.seed_demo and reused).
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

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dataset import DEFAULT_PG, seeded  # noqa: E402
from store.db import Database  # noqa: E402
from store.lookup.find import find_orders  # noqa: E402
from store.lookup.index import snapshot  # noqa: E402
from store.models import Customer, Order, Product, Shipment  # noqa: E402

BUDGETS = {"exact ref": 30.0, "customer name ~typo": 50.0}


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


def run(backend: str, orders: int, n: int, pg_base: str = DEFAULT_PG) -> dict[str, dict]:
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
    load = os.getloadavg()[0]
    print(f"{label}: {orders:,} orders (load average {load:.1f} on {os.cpu_count()} cores; "
          "other work on the machine inflates wall times, not 'cpu')")
    db = seeded(backend, orders, pg_base)
    started = time.perf_counter()
    snap = snapshot(db)
    print(f"  fuzzy index: {len(snap.names):,} names, {len(snap.skus):,} SKUs, built in "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    results = measure(db, sample_queries(db, n))
    report(f"{label}, {orders:,} orders", results)
    db.dispose()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", nargs="?", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="the server's admin database")
    args = parser.parse_args(argv)
    for backend in ("sqlite", "postgresql"):
        if args.db in (backend, "both"):
            run(backend, args.orders, args.queries, args.pg_url)


if __name__ == "__main__":
    main()

"""Order checks over N imported orders, and intake-to-triage latency, on SQLite and PostgreSQL.

    .venv/bin/python bench/checks_bench.py [N] [--intake K] [--no-pg] [--no-sqlite]
        [--pg-url postgresql://root@127.0.0.1/od_checks_bench]

Checks: N demo orders are seeded once and exported as import CSVs (bench/out/checks-N-*.csv,
reused). For each database: a fresh schema, catalog and customers imported, a default triage
route set, then
  1. the orders file imported with the checks running in each batch's transaction (the
     production path: orders, discrepancies and their queued posts commit together);
  2. the same file into another fresh database with the checks switched off (the overhead);
  3. a re-check of every imported order (store.triage.checks.check_stored_orders: facts loaded in
     bulk per 500 orders, every check evaluated, nothing new opened): checks alone.
Intake latency: the sandbox and the app over HTTP on the same database kind; K signed POSTs
to /intake/orders, one at a time, each with a price problem; the time from sending the POST
to the parent message appearing in #order-triage (batching off: every item gets a parent).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import hmac
import json
import statistics
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy.engine import make_url  # noqa: E402

from bench.seed_and_import import OUT, fresh_postgres, fresh_sqlite  # noqa: E402
from store import clock  # noqa: E402
from store.db import Database  # noqa: E402
from store.importer import import_file  # noqa: E402
from store.importer.export import export_catalog, export_customers, export_orders  # noqa: E402
from store.models import Discrepancy, Order, OutboxMessage  # noqa: E402
from store.seed.demo import seed_demo  # noqa: E402
from store.triage import checks  # noqa: E402
from store.triage import rules as check_rules  # noqa: E402
from store.workspace.routing import set_route  # noqa: E402

SECRET = "bench-secret"


def csv_files(orders: int) -> dict[str, Path]:
    files = {k: OUT / f"checks-{orders}-{k}.csv" for k in ("catalog", "customers", "orders")}
    if all(f.exists() for f in files.values()):
        return files
    seed = fresh_sqlite(f"checks-seed-{orders}.sqlite3")
    started = time.perf_counter()
    seed_demo(seed, orders=orders, seed=42)
    print(f"seeded {orders:,} orders in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    export_catalog(seed, files["catalog"])
    export_customers(seed, files["customers"])
    export_orders(seed, files["orders"])
    seed.dispose()
    return files


def prepare(db: Database, files: dict[str, Path]) -> None:
    import_file(db, kind="catalog", path=files["catalog"])
    import_file(db, kind="customers", path=files["customers"])
    set_route(db, actor="bench", key="default", channel_id="C0TRIAGE")


def timed_import(db: Database, files: dict[str, Path]) -> float:
    started = time.perf_counter()
    report = import_file(db, kind="orders", path=files["orders"])
    assert report.rows_imported, report.summary_line()
    return time.perf_counter() - started


def run_checks(label: str, make_db, files: dict[str, Path]) -> dict:
    db = make_db("checks")
    prepare(db, files)
    with_checks_s = timed_import(db, files)
    with db.read() as s:
        ids = list(s.scalars(select(Order.id).order_by(Order.id)))
        by_type = Counter(t.value for t in s.scalars(select(Discrepancy.type)))
        posts = s.scalar(select(func.count()).select_from(OutboxMessage))
    started = time.perf_counter()
    report = checks.check_stored_orders(db, order_ids=ids)
    recheck_s = time.perf_counter() - started
    db.dispose()
    plain = make_db("nochecks")
    prepare(plain, files)
    real = checks.check_orders
    checks.check_orders = lambda *a, **k: None  # the importer looks it up at call time
    try:
        without_s = timed_import(plain, files)
    finally:
        checks.check_orders = real
    plain.dispose()
    n = len(ids)
    print(f"{label}: import of {n:,} orders with checks {with_checks_s:.1f} s "
          f"({n / with_checks_s:,.0f} orders/s), without {without_s:.1f} s "
          f"({n / without_s:,.0f} orders/s): checks add {with_checks_s - without_s:.1f} s")
    print(f"{label}: re-check of {n:,} orders in {recheck_s:.1f} s = {n / recheck_s:,.0f} "
          f"orders/s ({report.findings:,} findings, {len(report.opened)} new, "
          f"{len(report.closed)} closed)")
    print(f"{label}: {sum(by_type.values()):,} discrepancies {dict(by_type.most_common())}; "
          f"{posts:,} outbox rows (batching keeps the channel to a summary per hour)")
    return {"orders": n, "with_checks_s": with_checks_s, "without_s": without_s,
            "recheck_s": recheck_s}


def run_intake(label: str, db: Database, count: int) -> None:
    from bench.triage_desk import triage_desk
    from bot.config import Settings
    from bot.console import start_stack
    from jobs.outbox import stop_all

    saved = check_rules.RULES
    check_rules.RULES = dataclasses.replace(saved, batch_threshold=10**9)
    triage_desk(db)
    set_route(db, actor="bench", key="default", channel_id="C0TRIAGE")
    sb, running, _ = start_stack(Settings.from_env({"ORDERDESK_INTAKE_SECRET": SECRET}), db=db)
    url = running.url.replace("/slack/events", "/intake/orders")
    latencies, acks = [], []
    try:
        for n in range(count):
            ref = f"BENCH-{n}"
            body = json.dumps({"order_ref": ref, "customer_code": "ACME",
                               "order_date": clock.now().isoformat(),
                               "lines": [{"sku": "WID-1001-BL", "quantity": 1,
                                          "unit_price": "1.00"}]}).encode()
            sig = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            request = urllib.request.Request(url, data=body, method="POST", headers={
                "Content-Type": "application/json", "X-Orderdesk-Signature": sig})
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 201
            acks.append(time.perf_counter() - started)
            sb.wait_for(lambda r=ref: (m := sb.last_message("C0TRIAGE")) and r in m.text,
                        timeout=10)
            latencies.append(time.perf_counter() - started)
    finally:
        check_rules.RULES = saved
        stop_all()
        running.stop()
        sb.stop()
    ms = sorted(x * 1000 for x in latencies)
    ack_ms = sorted(x * 1000 for x in acks)
    print(f"{label}: intake POST -> triage post, {count} orders: p50 {_pct(ms, 50):.0f} ms, "
          f"p99 {_pct(ms, 99):.0f} ms, max {ms[-1]:.0f} ms (POST answered: p50 "
          f"{_pct(ack_ms, 50):.0f} ms, p99 {_pct(ack_ms, 99):.0f} ms)")


def _pct(sorted_values: list[float], pct: int) -> float:
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[pct - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", nargs="?", type=int, default=100_000)
    parser.add_argument("--intake", type=int, default=200, help="intake POSTs to time")
    parser.add_argument("--pg-url", default="postgresql://root@127.0.0.1/od_checks_bench")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    files = csv_files(args.orders) if args.orders else {}
    target = make_url(args.pg_url)

    def pg(name: str) -> Database:
        return fresh_postgres(target.set(database=f"{target.database}_{name}")
                              .render_as_string(hide_password=False))

    kinds = [] if args.no_sqlite else [("sqlite", lambda name: fresh_sqlite(f"{name}.sqlite3"))]
    kinds += [] if args.no_pg else [("postgresql", pg)]
    for label, make_db in kinds:
        if files:
            run_checks(label, make_db, files)
        if args.intake:
            run_intake(label, make_db("intake"), args.intake)


if __name__ == "__main__":
    main()

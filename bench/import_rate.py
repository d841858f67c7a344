"""Import rate with the order checks on: the production path of `orderdesk import`.

N demo orders are exported once as import CSVs (bench/checks_bench.csv_files), then imported
into a fresh database with the catalog and customers already in, the checks running in each
batch's transaction. Reported as order lines/s and orders/s.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.checks_bench import csv_files, prepare
from bench.dataset import DEFAULT_PG
from bench.seed_and_import import fresh_postgres, fresh_sqlite
from store.importer import import_file
from store.models import Discrepancy, Order, OrderLine


def measure(backend: str, orders: int, pg_base: str = DEFAULT_PG) -> dict:
    files = csv_files(orders)
    if backend == "sqlite":
        db = fresh_sqlite("run-import.sqlite3")
    else:
        db = fresh_postgres(make_url(pg_base).set(database="od_run_import")
                            .render_as_string(hide_password=False))
    prepare(db, files)
    started = time.perf_counter()
    report = import_file(db, kind="orders", path=files["orders"])
    seconds = time.perf_counter() - started
    with db.read() as s:
        imported = s.scalar(select(func.count()).select_from(Order))
        lines = s.scalar(select(func.count()).select_from(OrderLine))
        found = s.scalar(select(func.count()).select_from(Discrepancy))
    db.dispose()
    print(f"  import: {imported:,} orders ({lines:,} lines) in {seconds:.1f} s with checks, "
          f"{report.rows_rejected} rows rejected, {found:,} discrepancies opened", flush=True)
    return {"orders": imported, "lines": lines, "seconds": seconds, "rejected":
            report.rows_rejected, "discrepancies": found, "orders_per_s": imported / seconds,
            "lines_per_s": lines / seconds}

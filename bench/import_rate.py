"""Import rate with the order checks on: the production path of `orderdesk import`, next to
the database's own insert rate for the same rows.

    .venv/bin/python bench/import_rate.py [N] [--db sqlite|postgresql|both] [--profile]

N demo orders are exported once as import CSVs (bench/checks_bench.csv_files), then imported
into a fresh database with the catalog and customers already in, the checks running in each
batch's transaction. Reported as order lines/s and orders/s. Then the raw insert rate: the rows
the import wrote to orders and order_lines, read back and written again into scratch copies of
those tables (same columns and indexes) by plain executemany (SQLite) or COPY (PostgreSQL),
committed per import batch - what the import could reach if the checks, parsing and events
cost nothing. --profile: cProfile the import, print its top frames
and keep them in bench/out/import-<db>.prof.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.checks_bench import csv_files, prepare  # noqa: E402
from bench.dataset import DEFAULT_PG  # noqa: E402
from bench.seed_and_import import OUT, fresh_postgres, fresh_sqlite  # noqa: E402
from store.db import Database  # noqa: E402
from store.importer import import_file  # noqa: E402
from store.importer.orders import BATCH_ORDERS  # noqa: E402
from store.models import Discrepancy, Order, OrderLine  # noqa: E402

RAW_TABLES = ("orders", "order_lines")


def measure(backend: str, orders: int, pg_base: str = DEFAULT_PG, profile: bool = False) -> dict:
    files = csv_files(orders)
    if backend == "sqlite":
        db = fresh_sqlite("run-import.sqlite3")
    else:
        db = fresh_postgres(make_url(pg_base).set(database="od_run_import")
                            .render_as_string(hide_password=False))
    prepare(db, files)
    profiler = cProfile.Profile() if profile else None
    cpu_before = cpu_seconds(db)
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    report = import_file(db, kind="orders", path=files["orders"])
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    cpu = _spent(cpu_before, cpu_seconds(db))
    with db.read() as s:
        imported = s.scalar(select(func.count()).select_from(Order))
        lines = s.scalar(select(func.count()).select_from(OrderLine))
        found = s.scalar(select(func.count()).select_from(Discrepancy))
    raw_s, raw_cpu = raw_insert_seconds(db)
    db.dispose()
    out = {"orders": imported, "lines": lines, "seconds": seconds, "rejected":
           report.rows_rejected, "discrepancies": found, "orders_per_s": imported / seconds,
           "lines_per_s": lines / seconds, "raw_seconds": raw_s, "raw_lines_per_s": lines / raw_s,
           "cpu_seconds": cpu, "raw_cpu_seconds": raw_cpu}
    print(f"  import: {imported:,} orders ({lines:,} lines) in {seconds:.1f} s with checks, "
          f"{report.rows_rejected} rows rejected, {found:,} discrepancies opened", flush=True)
    print(f"  import {out['lines_per_s']:,.0f} lines/s; raw insert of the same orders and lines "
          f"{out['raw_lines_per_s']:,.0f} lines/s ({raw_s:.1f} s); import / raw = "
          f"{out['lines_per_s'] / out['raw_lines_per_s']:.2f}", flush=True)
    print(f"  CPU (this process + its PostgreSQL backends): import {cpu:.1f} s = "
          f"{lines / cpu:,.0f} lines per CPU-second, raw {raw_cpu:.1f} s = "
          f"{lines / raw_cpu:,.0f}; import / raw = {raw_cpu / cpu:.2f}", flush=True)
    if profiler:
        profiler.dump_stats(OUT / f"import-{backend}.prof")
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
        print(text.getvalue())
    return out


def cpu_seconds(db: Database) -> dict:
    """CPU seconds used so far by this process and by each server backend connected to db's
    database (PostgreSQL runs on this host): wall time on a shared machine says little."""
    out = {"self": time.process_time()}
    if db.is_sqlite:
        return out
    with db.engine.connect() as conn:
        pids = conn.exec_driver_sql("SELECT pid FROM pg_stat_activity WHERE datname = "
                                    "current_database()").scalars().all()
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return out


def _spent(before: dict, after: dict) -> float:
    return sum(v - before.get(k, 0.0) for k, v in after.items())


def raw_insert_seconds(db: Database) -> tuple[float, float]:
    """Seconds (wall, CPU) to write the imported orders and lines again into scratch copies of their
    tables, one transaction per BATCH_ORDERS orders, the fastest way each driver has."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        orders = cursor.execute("SELECT * FROM orders ORDER BY id").fetchall()
        lines = cursor.execute("SELECT * FROM order_lines ORDER BY order_id, id").fetchall()
        _scratch_tables(raw, db.is_sqlite)
        raw.commit()
        at = _column(raw, "order_lines", "order_id")
        by_order: dict[int, list] = {}
        for line in lines:
            by_order.setdefault(line[at], []).append(line)
        batches = [(orders[i:i + BATCH_ORDERS],
                    [ln for o in orders[i:i + BATCH_ORDERS] for ln in by_order.get(o[0], ())])
                   for i in range(0, len(orders), BATCH_ORDERS)]
        write = _sqlite_write if db.is_sqlite else _pg_write
        cpu_before = cpu_seconds(db)
        started = time.perf_counter()
        for order_rows, line_rows in batches:
            if db.is_sqlite:  # the engine runs pysqlite in autocommit; the import's BEGIN
                raw.cursor().execute("BEGIN IMMEDIATE")
            write(raw, "raw_orders", order_rows)
            write(raw, "raw_order_lines", line_rows)
            raw.commit()
        seconds = time.perf_counter() - started
        cpu = _spent(cpu_before, cpu_seconds(db))
        for table in RAW_TABLES:
            raw.cursor().execute(f"DROP TABLE raw_{table}")
        raw.commit()
        return seconds, cpu
    finally:
        raw.close()


def _column(raw, table: str, name: str) -> int:
    cursor = raw.cursor()
    cursor.execute(f"SELECT * FROM {table} WHERE 1 = 0")
    return [d[0] for d in cursor.description].index(name)


def _scratch_tables(raw, sqlite: bool) -> None:
    """raw_orders and raw_order_lines: the same columns, keys and indexes, no foreign keys
    pointing at them (nothing else references the copies)."""
    cursor = raw.cursor()
    for table in RAW_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS raw_{table}")
        if not sqlite:
            cursor.execute(f"CREATE TABLE raw_{table} (LIKE {table} INCLUDING ALL)")
            continue
        ddl = cursor.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? "
                             "AND sql IS NOT NULL ORDER BY type = 'index'", (table,)).fetchall()
        for kind, name, sql in ddl:
            sql = re.sub(rf'\bON "?{table}"? ', f"ON raw_{table} ", sql, count=1)
            sql = re.sub(rf'^CREATE (UNIQUE )?(TABLE|INDEX) "?{re.escape(name)}"?',
                         lambda m, n=name: f"CREATE {m[1] or ''}{m[2]} raw_{n}", sql)
            cursor.execute(sql)


def _sqlite_write(raw, table: str, rows: list) -> None:
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        raw.cursor().executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _pg_write(raw, table: str, rows: list) -> None:
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(v) if isinstance(v, dict | list) else v for v in row])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", nargs="?", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--profile", action="store_true", help="cProfile the import")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="the server's admin database")
    args = parser.parse_args(argv)
    for backend in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        print(f"=== {backend}, {args.orders:,} orders", flush=True)
        measure(backend, args.orders, args.pg_url, profile=args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Seed N demo orders, then import them back from CSV, on SQLite and PostgreSQL; print numbers.

    .venv/bin/python bench/seed_and_import.py [N] [--no-pg] [--no-sqlite] [--no-checks]
        [--pg-url postgresql://root@127.0.0.1/od_bench]

For each database: seed N orders into a fresh database (SQLite: bench/out/seed.sqlite3;
PostgreSQL: the database named in --pg-url, dropped and re-created), report seconds and the
database size, export catalog/customers/orders as CSV in the import contract (bench/out/),
import them into a second fresh database (bench/out/import.sqlite3 / <name>_import) and
report the orders import rate in order lines per second (with the order checks that run
in each import batch, unless --no-checks).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store.db import Database, open_database
from store.importer import import_file
from store.importer.export import export_catalog, export_customers, export_orders
from store.models import Base
from store.seed.demo import seed_demo

OUT = Path(__file__).resolve().parent / "out"


def fresh_sqlite(name: str) -> Database:
    path = OUT / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_database(f"sqlite:///{path}")
    Base.metadata.create_all(db.engine)
    return db


def fresh_postgres(url: str) -> Database:
    parsed = make_url(url)
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin.replace("postgresql+psycopg", "postgresql"),
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.database}"')
    db = open_database(url)
    Base.metadata.create_all(db.engine)
    return db


def size_of(db: Database) -> int:
    if db.is_sqlite:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return Path(db.engine.url.database).stat().st_size
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()


def run(label: str, seed_db: Database, import_db: Database, orders: int) -> dict:
    def tick(done, total):
        print(f"\r  {label} seed: {done:,}/{total:,} orders", end="", file=sys.stderr)

    started = time.perf_counter()
    report = seed_demo(seed_db, orders=orders, seed=42, progress=tick)
    seed_s = time.perf_counter() - started
    print(file=sys.stderr)
    size = size_of(seed_db)
    files = {kind: OUT / f"{label}-{kind}.csv" for kind in ("catalog", "customers", "orders")}
    started = time.perf_counter()
    export_catalog(seed_db, files["catalog"])
    export_customers(seed_db, files["customers"])
    lines = export_orders(seed_db, files["orders"])
    export_s = time.perf_counter() - started
    for kind in ("catalog", "customers"):
        import_file(import_db, kind=kind, path=files[kind])
    started = time.perf_counter()
    imported = import_file(import_db, kind="orders", path=files["orders"])
    import_s = time.perf_counter() - started
    started = time.perf_counter()
    again = import_file(import_db, kind="orders", path=files["orders"])
    reimport_s = time.perf_counter() - started
    return {
        "db": label, "orders": orders, "lines": report.order_lines, "seed_s": seed_s,
        "seed_orders_per_s": orders / seed_s, "size_mb": size / 1e6, "export_s": export_s,
        "import_lines": lines, "import_s": import_s, "import_lines_per_s": lines / import_s,
        "imported": imported.rows_imported, "rejected": imported.rows_rejected,
        "reimport_unchanged": again.rows_unchanged, "reimport_s": reimport_s,
    }


def show(result: dict) -> None:
    r = result
    print(f"{r['db']}: seed {r['orders']:,} orders ({r['lines']:,} lines) in {r['seed_s']:.1f} s "
          f"= {r['seed_orders_per_s']:,.0f} orders/s; database {r['size_mb']:,.1f} MB")
    print(f"{r['db']}: import {r['import_lines']:,} order lines in {r['import_s']:.1f} s "
          f"= {r['import_lines_per_s']:,.0f} lines/s ({r['imported']:,} imported, "
          f"{r['rejected']:,} rejected); re-import {r['reimport_unchanged']:,} unchanged in "
          f"{r['reimport_s']:.1f} s; export took {r['export_s']:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", nargs="?", type=int, default=20_000)
    parser.add_argument("--pg-url", default="postgresql://root@127.0.0.1/od_bench")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-checks", action="store_true",
                        help="import without running the order checks (the importer alone)")
    args = parser.parse_args()
    if args.no_checks:
        import store.triage.checks

        store.triage.checks.check_orders = lambda *_args, **_kwargs: None
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared)")
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.no_sqlite:
        show(run("sqlite", fresh_sqlite("seed.sqlite3"), fresh_sqlite("import.sqlite3"),
                 args.orders))
    if not args.no_pg:
        target = make_url(args.pg_url)
        import_url = target.set(database=f"{target.database}_import")
        show(run("postgresql", fresh_postgres(args.pg_url),
                 fresh_postgres(import_url.render_as_string(hide_password=False)), args.orders))


if __name__ == "__main__":
    main()

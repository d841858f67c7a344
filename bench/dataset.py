"""The seeded databases every benchmark shares: N demo orders on SQLite and on PostgreSQL.

SQLite: bench/out/orders_<N>.sqlite3. PostgreSQL: the database od_orders_<N> next to --pg-url.
Seeded once with store.seed.demo.seed_demo (seed 42, a tqdm bar on the terminal) and reused while
it holds exactly N orders; a half-seeded database (a killed run) is dropped and seeded again.
"""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from store.db import Database, open_database
from store.models import Order
from store.schema import upgrade
from store.seed.demo import seed_demo

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
DEFAULT_PG = "postgresql://root@127.0.0.1/postgres"


def sqlite_url(orders: int) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{OUT / f'orders_{orders}.sqlite3'}"


def pg_url(orders: int, base: str = DEFAULT_PG) -> str:
    """The URL of od_orders_<N> on base's server, created empty if it doesn't exist."""
    name = f"od_orders_{orders}"
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("select 1 from pg_database where datname = :n"), {"n": name}):
            conn.execute(text(f'create database "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


def url_for(backend: str, orders: int, pg_base: str = DEFAULT_PG) -> str:
    return sqlite_url(orders) if backend == "sqlite" else pg_url(orders, pg_base)


def open_seeded(url: str, orders: int, quiet: bool = False, fresh: bool = False) -> Database:
    """The database at url, holding exactly `orders` seeded orders (seeding them if needed).

    fresh: seed again from empty even if it holds them (to time the seeding)."""
    db = open_database(url)
    upgrade(db)
    with db.read() as s:
        have = s.scalar(select(func.count()).select_from(Order))
    if have and fresh:
        db = _emptied(db, url)
    elif have == orders:
        if not quiet:
            print(f"  reusing {have:,} orders at {db.engine.url.render_as_string()}", flush=True)
        return db
    if have:
        print(f"  {have:,} orders at {db.engine.url.render_as_string()}, not {orders:,}: "
              "seeding again from empty", flush=True)
        db = _emptied(db, url)
    started = time.perf_counter()
    report = seed_demo(db, orders=orders, seed=42, progress=_progress())
    seconds = time.perf_counter() - started
    print(f"  {report.summary_line()} (wall {seconds:.0f} s)", flush=True)
    record = seed_record_path(db.dialect, orders)
    record.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no bench/out yet
    record.write_text(json.dumps({
        "orders": report.orders, "order_lines": report.order_lines, "shipments": report.shipments,
        "seconds": round(seconds, 1), "seeded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit()}, indent=1))
    if db.dialect == "postgresql":
        _vacuumed(db)
    return db


def _vacuumed(db: Database) -> None:
    """What autovacuum does to a live database soon after a bulk insert, outside the seed's
    time: the visibility map lets PostgreSQL answer counts from the index alone (a name
    search's total at 100,000 orders: 2.3 -> 0.4 ms), and the planner gets statistics."""
    started = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"  VACUUM ANALYZE after the seed: {time.perf_counter() - started:.0f} s", flush=True)


def seed_record_path(dialect: str, orders: int) -> Path:
    """Where the seeding of a dataset left its time: a reused dataset still reports it."""
    return OUT / f"orders_{orders}.{dialect}.seed.json"


def seed_record(dialect: str, orders: int) -> dict | None:
    path = seed_record_path(dialect, orders)
    return json.loads(path.read_text()) if path.exists() else None


def commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip() or "unknown"


def seeded(backend: str, orders: int, pg_base: str = DEFAULT_PG, quiet: bool = False,
           fresh: bool = False) -> Database:
    return open_seeded(url_for(backend, orders, pg_base), orders, quiet=quiet, fresh=fresh)


def _emptied(db: Database, url: str) -> Database:
    db.engine.dispose()
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        base, name = url.rsplit("/", 1)
        admin = create_engine(f"{base}/postgres".replace("postgresql://", "postgresql+psycopg://"),
                              isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'drop database "{name}" with (force)'))
            conn.execute(text(f'create database "{name}"'))
        admin.dispose()
    fresh = open_database(url)
    upgrade(fresh)
    return fresh


def _progress():
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="order", unit_scale=True, desc="  seeding", mininterval=2)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update

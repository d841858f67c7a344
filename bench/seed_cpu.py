"""CPU seconds of seeding N demo orders into a fresh database (a loaded machine's wall
times say little; CPU seconds compare before/after).

    .venv/bin/python bench/seed_cpu.py [N] [--db sqlite|postgresql] [--profile] [--digest]
        [--pg-url postgresql://root@127.0.0.1/postgres] [--name seed_cpu]

SQLite: bench/out/<name>.sqlite3; PostgreSQL: the database od_<name> next to --pg-url,
dropped and re-created. Prints this process's CPU (time.process_time) plus its finished
children's (the process store.seed.chunks makes the rows in) and, on PostgreSQL, the
backends' (bench/import_rate.py's cpu_seconds, read before the pool closes). --profile writes
a pyinstrument text profile to bench/out/seed_<db>_<N>.txt. --digest then prints each table's
row count and a hash of its rows in key order, to compare a change's data with the old code's.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dataset import DEFAULT_PG  # noqa: E402
from bench.import_rate import cpu_seconds  # noqa: E402
from bench.seed_and_import import OUT, fresh_postgres, fresh_sqlite  # noqa: E402
from store.db import Database  # noqa: E402
from store.models import Base  # noqa: E402
from store.seed.demo import seed_demo  # noqa: E402

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)  # a fixed "today": the same data every run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("orders", nargs="?", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--digest", action="store_true")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="the server's admin database")
    parser.add_argument("--name", default="seed_cpu", help="the database's name (od_ prefix)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.db == "sqlite":
        db = fresh_sqlite(f"{args.name}.sqlite3")
    else:
        db = fresh_postgres(args.pg_url.rsplit("/", 1)[0] + f"/od_{args.name}")
    profiler = None
    if args.profile:
        from pyinstrument import Profiler
        profiler = Profiler()
        profiler.start()
    cpu, child, started = time.process_time(), _children_cpu(), time.perf_counter()
    report = seed_demo(db, orders=args.orders, seed=42, now=NOW)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - started
    child = _children_cpu() - child
    # The pool's backends live until dispose: their whole CPU is the seed's.
    backend = sum(v for k, v in cpu_seconds(db).items() if k != "self")
    if profiler is not None:
        profiler.stop()
        out = OUT / f"seed_{args.db}_{args.orders}.txt"
        out.write_text(profiler.output_text(color=False))
        print(f"profile: {out}")
    if args.digest:
        for line in digest(db):
            print(line)
    db.dispose()
    print(f"{args.db} {args.orders:,}: Python CPU {cpu + child:.1f} s (child process "
          f"{child:.1f}), database CPU {backend:.1f} s, total {cpu + child + backend:.1f} s "
          f"(wall {wall:.1f} s, a side note); {report.summary_line()}")


def _children_cpu() -> float:
    """CPU seconds of this process's finished children: the seed's row-making process."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def digest(db: Database) -> list[str]:
    """`table rows sha256` for every table, rows in primary-key order."""
    out = []
    with db.engine.connect() as conn:
        for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name):
            keys = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
            found = hashlib.sha256()
            count = 0
            rows = conn.exec_driver_sql(f'SELECT * FROM "{table.name}" ORDER BY {keys}')
            for row in rows:
                found.update(repr(tuple(row)).encode())
                count += 1
            out.append(f"{table.name} {count} {found.hexdigest()[:16]}")
    return out


if __name__ == "__main__":
    main()

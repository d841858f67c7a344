"""Every Orderdesk benchmark in one run, on SQLite and PostgreSQL, next to its baseline.

    .venv/bin/python bench/run.py            # 1,000,000 orders; writes docs/benchmarks.md
    .venv/bin/python bench/run.py --quick    # 20,000 orders, fewer samples, under a minute
        [--orders N] [--db sqlite|postgresql|both] [--only lookup,roundtrip,...]
        [--docs | --no-docs] [--reseed] [--pg-url postgresql://root@127.0.0.1/postgres]

Seeds (or reuses) the shared datasets of bench/dataset.py, runs each section below against
them, prints one table, saves it with the raw figures in bench/out/results_<N>.{md,json} (the
md also says which figures are > 10 % worse or better than in the results_<N>.json it replaces) and,
for a full run, writes it into docs/benchmarks.md between its markers with the machine, date
and commit. Sections:
  lookup     find_orders in process: exact ref, PO, SKU, typo'd customer name (p50/p95/p99)
  roundtrip  signed /order over HTTP to `orderdesk serve` with 1, 20, 50 senders, next to the
             same gunicorn serving a Bolt app that only acks (bench/trivial_app.py)
  threads    a question asked in a thread answered (claim, role, parse, find, render)
  digest     the monthly digest with its chart, next to one hand-written SQL aggregate
  import     the orders CSV imported with the order checks running (fresh database)
  clock      resident memory of `orderdesk clock` after it posted a monthly digest
  scaleout   PostgreSQL only: /order at 20 senders to 1 vs 2 `orderdesk serve` on one
             database, then 2 web processes + 2 clocks under traffic that posts, audited
             exactly-once (bench/scale_out.py)
The seed time comes from when the dataset was seeded (bench/out/orders_<N>.<db>.seed.json);
--reseed seeds again to time it in this run (~4 min a database at 1,000,000).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import (  # noqa: E402
    clock_memory,
    digest_bench,
    import_rate,
    lookup_bench,
    roundtrip_bench,
    scale_out,
    thread_bench,  # noqa: E402
)
from bench.dataset import DEFAULT_PG, OUT, commit, seed_record, seeded, url_for  # noqa: E402
from bench.report import LABELS, render_comparison, render_markdown, write_docs  # noqa: E402
from bench.seed_and_import import size_of  # noqa: E402
from sandbox import SlackSandbox  # noqa: E402

SECTIONS = ("lookup", "roundtrip", "threads", "digest", "import", "clock", "scaleout")
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Profile:
    orders: int
    lookup_queries: int
    roundtrip_requests: int
    senders: tuple[int, ...]
    thread_queries: int
    thread_e2e: int
    digest_repeat: int
    import_orders: int


FULL = Profile(orders=1_000_000, lookup_queries=300, roundtrip_requests=600, senders=(1, 20, 50),
               thread_queries=200, thread_e2e=60, digest_repeat=3, import_orders=20_000)
QUICK = Profile(orders=20_000, lookup_queries=30, roundtrip_requests=150, senders=(1, 20, 50),
                thread_queries=20, thread_e2e=0, digest_repeat=1, import_orders=1_000)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    profile = QUICK if args.quick else FULL
    if args.orders:
        profile = Profile(**{**profile.__dict__, "orders": args.orders})
    backends = BACKENDS if args.db == "both" else (args.db,)
    sections = args.only or SECTIONS
    started = time.perf_counter()
    results = {"machine": machine(), "profile": profile.__dict__, "started_load": os.getloadavg(),
               "by_db": {}}
    with SlackSandbox(signing_secret=roundtrip_bench.SECRET) as sb:
        for backend in backends:
            results["by_db"][backend] = run_backend(backend, profile, sections, sb, args.pg_url,
                                                    args.reseed)
    results["ended_load"] = os.getloadavg()
    results["seconds"] = round(time.perf_counter() - started, 1)
    table = render_markdown(results)
    print("\n" + table)
    OUT.mkdir(parents=True, exist_ok=True)
    saved = OUT / f"results_{profile.orders}.json"
    # The previous run's figures, to say what got worse or better (a report, not a test).
    previous = json.loads(saved.read_text()) if saved.exists() else None
    results = json.loads(json.dumps(results, default=str))  # as the next run will read it
    compared = render_comparison(previous, results) if previous else ""
    if compared:
        print(compared)
    saved.write_text(json.dumps(results, indent=1))
    (OUT / f"results_{profile.orders}.md").write_text(table + (f"\n{compared}" if compared
                                                               else ""))
    if args.docs if args.docs is not None else not args.quick:
        write_docs(ROOT / "docs" / "benchmarks.md", table)
        print("written to docs/benchmarks.md")
    print(f"all sections in {results['seconds']:.0f} s")
    return 0


def run_backend(backend: str, profile: Profile, sections, sb: SlackSandbox, pg_base: str,
                reseed: bool) -> dict:
    print(f"\n=== {backend}, {profile.orders:,} orders", flush=True)
    db = seeded(backend, profile.orders, pg_base, fresh=reseed)
    out = {"seed": seed_record(db.dialect, profile.orders), "size_mb": size_of(db) / 1e6,
           "section_s": {}}
    db.dispose()
    url = url_for(backend, profile.orders, pg_base)
    runs = {
        "lookup": lambda: lookup_bench.run(backend, profile.orders, profile.lookup_queries,
                                           pg_base),
        "roundtrip": lambda: roundtrip_bench.measure(backend, profile.orders, sb,
                                                     list(profile.senders),
                                                     profile.roundtrip_requests, pg_base),
        "threads": lambda: thread_bench.run(backend, profile.orders, profile.thread_queries,
                                            profile.thread_e2e if backend == "sqlite" else 0,
                                            pg_base),
        "digest": lambda: digest_bench.run(backend, url, SimpleNamespace(
            orders=profile.orders, repeat=profile.digest_repeat, profile=False)),
        "import": lambda: import_rate.measure(backend, profile.import_orders, pg_base),
        "clock": lambda: clock_memory.measure(backend, profile.orders, sb, pg_base),
        "scaleout": lambda: scale_out.run(profile.orders, sb, pg_base,
                                          requests=profile.roundtrip_requests),
    }
    for section in SECTIONS:
        # SQLite is one machine's file: there is nothing to scale out to
        if section not in sections or (section == "scaleout" and backend == "sqlite"):
            continue
        started = time.perf_counter()
        out[section] = runs[section]()
        out["section_s"][section] = round(time.perf_counter() - started, 1)
        if section == "roundtrip":
            roundtrip_bench.report(LABELS[backend], profile.orders, out[section])
    print(f"  seconds per section: {out['section_s']}", flush=True)
    return out


def machine() -> dict:
    import psycopg

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                     .splitlines() if line.startswith("MemTotal"))
    try:
        with psycopg.connect(DEFAULT_PG, connect_timeout=3) as conn:
            pg = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.OperationalError:
        pg = "unreachable"
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit(),
            "cpu": f"{os.cpu_count()} × {cpu}", "memory_gib": round(memory_kb / 2**20),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "postgresql": pg, "os": platform.platform(terse=True)}


def _args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 orders, under a minute")
    parser.add_argument("--orders", type=int, help="dataset size (default 1,000,000)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--only", type=lambda v: [s for s in v.split(",") if s],
                        help=f"some of {','.join(SECTIONS)}")
    docs = parser.add_mutually_exclusive_group()
    docs.add_argument("--docs", dest="docs", action="store_true", default=None,
                      help="write docs/benchmarks.md (the default for a full run)")
    docs.add_argument("--no-docs", dest="docs", action="store_false")
    parser.add_argument("--reseed", action="store_true",
                        help="seed the datasets again, to time the seeding in this run")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="the server's admin database")
    args = parser.parse_args(argv)
    unknown = set(args.only or ()) - set(SECTIONS)
    if unknown:
        parser.error(f"--only: unknown section(s) {', '.join(sorted(unknown))}; "
                     f"choose from {', '.join(SECTIONS)}")
    return args


if __name__ == "__main__":
    sys.exit(main())

"""Orders per second through POST /connect/shopify: Shopify's orders/create webhooks, signed
as Shopify signs them, over HTTP to the WSGI app (the sandbox standing in for Slack), on a
database already holding N demo orders, on SQLite and PostgreSQL.

    .venv/bin/python bench/connect_rate.py [N=200000] [--posts 400] [--threads 1,4]
        [--no-sqlite] [--no-pg] [--pg-url postgresql://root@127.0.0.1/od_connect_bench]

Each database is fresh, seeded with N orders (store.seed; the time is printed: the largest N
seeded within 3 minutes is what docs/benchmarks.md reports), a triage route set, and then for
each thread count `posts` new orders are delivered (one line or three, SKUs from the seeded
catalog, half for customers the desk knows by email, half new customers): each one is a full
intake with the checks, the ledger row and the outbox kick. Then as many orders/updated for
them (a new city: the edit path). Reported: orders/s and the latency percentiles per kind."""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import statistics
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from itertools import count
from pathlib import Path

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.seed_and_import import OUT, fresh_postgres, fresh_sqlite  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.console import start_stack  # noqa: E402
from jobs import outbox as delivery  # noqa: E402
from store import clock  # noqa: E402
from store.db import open_database  # noqa: E402
from store.metrics import refresh_planner_statistics  # noqa: E402
from store.models import Customer, Order, Product  # noqa: E402
from store.seed.demo import seed_demo  # noqa: E402
from store.workspace.routing import set_route  # noqa: E402

SECRET = "shpss_bench"
_ids = count(time.time_ns())  # webhook ids no earlier run used


def signed_post(url: str, body: dict, topic: str) -> float:
    data = json.dumps(body).encode()
    digest = base64.b64encode(hmac.new(SECRET.encode(), data, hashlib.sha256).digest())
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json", "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": digest.decode(), "X-Shopify-Webhook-Id": f"bench-{next(_ids)}",
        "X-Shopify-Shop-Domain": "bench.myshopify.com", "X-Shopify-API-Version": "2024-07"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.loads(response.read())
    assert response.status == 200 and answer.get("ok"), answer
    return time.perf_counter() - started


def order(n: int, skus: list[str], emails: list[str], *, city: str = "Springfield",
          updated: int = 0) -> dict:
    created = clock.now() - timedelta(hours=2)
    known = n % 2 == 0
    lines = [{"id": n * 10 + k, "sku": skus[(n * 7 + k * 13) % len(skus)], "quantity": 1 + k,
              "price": "19.99", "title": "bench item"} for k in range(1 if n % 3 else 3)]
    return {
        "id": 7_000_000 + n, "name": f"#B{n}", "email": emails[n % len(emails)] if known
        else f"new{n}@bench.example", "created_at": created.isoformat(),
        "updated_at": (created + timedelta(minutes=updated)).isoformat(), "currency": "USD",
        "financial_status": "paid", "total_price": "19.99", "note": None,
        "customer": {"id": 8_000_000 + n, "email": emails[n % len(emails)] if known
                     else f"new{n}@bench.example", "first_name": "Bench", "last_name": str(n)},
        "shipping_address": {"name": "Bench Buyer", "address1": f"{n} Elm St", "address2": "",
                             "city": city, "province_code": "IL", "zip": "62701",
                             "country_code": "US"},
        "line_items": lines, "shipping_lines": [{"price": "9.95", "title": "Standard"}],
        "discount_codes": [],
    }


def run(db, label: str, orders: int, posts: int, threads: list[int], *,
        seed: bool = True) -> list[dict]:
    started = time.perf_counter()
    if seed:
        seed_demo(db, orders=orders, seed=42)
    seeded = round(time.perf_counter() - started) if seed else "reused"
    # The planner statistics a desk has in steady state: the clock's daily refresh on SQLite,
    # autovacuum's on PostgreSQL (within minutes of a bulk load; measured right after the
    # load, before it, creates ran at 2.5/s instead of ~90/s).
    refresh_planner_statistics(db)
    if not db.is_sqlite:
        with db.write() as session:
            session.execute(text("ANALYZE"))
    with db.read() as s:
        skus = list(s.scalars(select(Product.sku).where(Product.active.is_(True))
                              .order_by(Product.id).limit(200)))
        emails = [e for e in s.scalars(select(Customer.email).where(Customer.email.is_not(None))
                                       .order_by(Customer.id).limit(200)) if e]
        total = s.scalar(select(func.count()).select_from(Order))
    print(f"{label}: {total:,} orders, seeded in {seeded} s", file=sys.stderr, flush=True)
    settings = Settings.from_env({"ORDERDESK_SHOPIFY_SECRET": SECRET,
                                  "ORDERDESK_SHOPIFY_DEFAULT_REP": "U0SALES1"})
    sandbox, running, _ = start_stack(settings, db=db)
    set_route(db, actor="bench", key="default", channel_id="C0TRIAGE")
    url = running.url.replace("/slack/events", "/connect/shopify")
    rows, base = [], total  # order numbers no earlier run used
    try:
        for width in threads:
            for kind, topic, make in (
                    ("create", "orders/create", lambda n: order(n, skus, emails)),
                    ("update", "orders/updated", lambda n: order(n, skus, emails, city="Peoria",
                                                                 updated=5))):
                numbers = range(base, base + posts)
                began = time.perf_counter()
                with ThreadPoolExecutor(width) as pool:
                    took = list(pool.map(lambda n: signed_post(url, make(n), topic), numbers))
                wall = time.perf_counter() - began
                cuts = statistics.quantiles(took, n=100)
                rows.append({"db": label, "orders": total, "seed_s": seeded,
                             "threads": width, "kind": kind, "posts": posts,
                             "orders_per_s": round(posts / wall, 1),
                             "p50_ms": round(cuts[49] * 1000, 1),
                             "p95_ms": round(cuts[94] * 1000, 1)})
                print(rows[-1], file=sys.stderr, flush=True)
            base += posts
    finally:
        delivery.stop_all()
        running.stop()
        sandbox.stop()
        db.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", nargs="?", type=int, default=200_000)
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--threads", default="1,4")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--pg-url", default="postgresql://root@127.0.0.1/od_connect_bench")
    parser.add_argument("--reuse", action="store_true",
                        help="measure on the databases the last run seeded (no new seed; "
                             "they must come from the same code: no migrations are run)")
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    sqlite_name = f"connect-{args.orders}.sqlite3"
    rows = []
    if not args.no_sqlite:
        db = (open_database(f"sqlite:///{OUT / sqlite_name}") if args.reuse
              else fresh_sqlite(sqlite_name))
        rows += run(db, "sqlite", args.orders, args.posts, threads, seed=not args.reuse)
    if not args.no_pg:
        db = open_database(args.pg_url) if args.reuse else fresh_postgres(args.pg_url)
        rows += run(db, "postgresql", args.orders, args.posts, threads, seed=not args.reuse)
    print("| db | orders in db | seed s | threads | webhook | posts | orders/s | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['db']} | {r['orders']:,} | {r['seed_s']} | {r['threads']} | {r['kind']} | "
              f"{r['posts']} | {r['orders_per_s']} | {r['p50_ms']} | {r['p95_ms']} |")


if __name__ == "__main__":
    main()

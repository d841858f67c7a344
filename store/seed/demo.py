"""Demo data: a realistic, deterministic order desk (same seed -> same data).

    report = seed_demo(db, orders=20_000, seed=42, progress=bar_update, now=None)

What it makes: ~max(50, orders/200) customers (Faker names and addresses in en_US, en_GB,
de_DE, fr_FR, es_ES and ja_JP, two of them with hostile names for escaping tests; account
owners U0SALES1/U0SALES2, people the sandbox workspace has), ~max(200, orders/50) products (at most 5,000; SKUs like
WID-1042-BL), warehouses EAST, WEST and EU with stock levels, and `orders` orders over the
last 90 days (SO-100001 oldest, weekday seasonality) in states that fit their age, with
shipments (UPS/FedEx/USPS/DHL tracking numbers), holds, returns and a few per cent of real
problems, among them ~20 orders unusual for their customer (store.seed.orders). `now` (an aware datetime) fixes "today"; default: the current time.

Seeding only fills an EMPTY database (no customers, products, warehouses or orders) and
raises DatabaseNotEmpty otherwise, so it never mixes demo rows into real data.

Speed: rows are generated with `random` (store.seed.states.SeedRandom: the same draws in
fewer calls) and bulk-loaded with explicit ids in chunks of CHUNK_ORDERS orders per
transaction (store.seed.bulk: executemany on SQLite, COPY on PostgreSQL), so memory stays flat
and progress is visible; a big seed makes the next chunk in a child process while this one
loads (store.seed.chunks). The digest's facts rows are made from each chunk's rows and loaded
with them (store.seed.facts); secondary indexes, and PostgreSQL's foreign keys, are set aside
during the load and put back after it (store.seed.indexes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from store import clock
from store.db import Database
from store.errors import OrderdeskError
from store.models import Customer, Order, Product, Warehouse
from store.seed.bulk import epoch
from store.seed.chunks import Chunks
from store.seed.indexes import indexes_deferred
from store.seed.load import ORDER_TABLES, finish, load_orders, load_reference, load_stock
from store.seed.orders import FIRST_REF, OrderFactory
from store.seed.reference import WAREHOUSES, make_catalog, make_customers
from store.seed.states import SeedRandom

CHUNK_ORDERS = 10_000
# From here the rows are made in a child process (store.seed.chunks): below, its start-up
# (an interpreter, the imports, the catalog handed over) costs about what it saves.
CHILD_FROM_ORDERS = 3 * CHUNK_ORDERS
_FACTORY = OrderFactory  # tests swap in one that fails
Progress = Callable[[int, int], object]


class DatabaseNotEmpty(OrderdeskError):
    def __init__(self, counts: dict[str, int]):
        self.counts = dict(counts)
        found = ", ".join(f"{n:,} {name}" for name, n in counts.items() if n)
        super().__init__(
            f"The database already has {found}. Demo data only goes into an empty database, "
            "so it never mixes with real orders: point DATABASE_URL at a new database."
        )


@dataclass(frozen=True)
class SeedReport:
    seed: int
    orders: int
    order_lines: int
    customers: int
    products: int
    warehouses: int
    shipments: int
    returns: int
    holds: int
    first_ref: str | None
    last_ref: str | None
    problems: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # The ids of the orders with each problem ("unusual": planted for the unusual_order check).
    problem_orders: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)

    def summary_line(self) -> str:
        return (f"seeded {self.orders:,} orders ({self.order_lines:,} lines), "
                f"{self.customers:,} customers, {self.products:,} products, "
                f"{self.shipments:,} shipments, {self.returns:,} returns in {self.seconds:.1f} s")


def sizes(orders: int) -> tuple[int, int]:
    """(customers, products) for an order count."""
    return max(50, orders // 200), min(5000, max(200, orders // 50))


def seed_demo(db: Database, *, orders: int = 20_000, seed: int = 42,
              progress: Progress | None = None, now: datetime | None = None) -> SeedReport:
    started = time.perf_counter()
    if orders < 0:
        raise ValueError("orders must be 0 or more")
    if now is not None and now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: pass an aware 'now' (UTC)")
    _refuse_unless_empty(db)
    now_s = epoch(now or clock.now())
    rng = SeedRandom(seed)
    n_customers, n_products = sizes(orders)
    catalog = make_catalog(rng, n_products)
    customers = make_customers(rng, n_customers, catalog, seed, now_s - 90 * 86_400)
    made = Chunks(rng, catalog, customers, now_s, orders, CHUNK_ORDERS,
                  factory_type=_FACTORY, facts_in_child=db.is_sqlite)
    # A child process starts on the first chunks meanwhile; indexes are built once over the
    # loaded rows.
    with made.started(in_child=orders >= CHILD_FROM_ORDERS) as chunks:
        load_reference(db, catalog, customers)
        with indexes_deferred(db, ORDER_TABLES):
            lines = _load_orders(db, chunks, orders, progress)
    outcome = made.outcome
    load_stock(db, rng, catalog, outcome.reserved, orders)
    finish(db, orders=orders, returns=outcome.counts["returns"])
    return SeedReport(
        seed=seed, orders=orders, order_lines=lines, customers=n_customers,
        products=n_products, warehouses=len(WAREHOUSES),
        shipments=outcome.counts["shipments"], returns=outcome.counts["returns"],
        holds=outcome.counts["order_holds"],
        first_ref=f"SO-{FIRST_REF}" if orders else None,
        last_ref=f"SO-{FIRST_REF + orders - 1}" if orders else None,
        problems=dict(sorted(outcome.problems.items())),
        seconds=round(time.perf_counter() - started, 2),
        problem_orders={k: tuple(v) for k, v in sorted(outcome.problem_orders.items())},
    )


def _load_orders(db, chunks: Iterator[dict[str, list[tuple]]], total: int, progress) -> int:
    """Each chunk in its own transaction, as it comes; a big seed's chunks are made in a
    child process meanwhile (store.seed.chunks)."""
    done = lines = 0
    for rows in chunks:
        done += len(rows["orders"])
        lines += load_orders(db, rows)
        if progress is not None:
            progress(done, total)
    return lines


def _refuse_unless_empty(db: Database) -> None:
    with db.read() as session:
        counts = {name: session.scalar(select(func.count()).select_from(model))
                  for name, model in (("orders", Order), ("customers", Customer),
                                      ("products", Product), ("warehouses", Warehouse))}
    if any(counts.values()):
        raise DatabaseNotEmpty(counts)

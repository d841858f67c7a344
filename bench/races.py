"""Two people changing one order at the same moment, many times over: after each run the
stock and the order lines still add up (issue 14, item 3).

    .venv/bin/python bench/races.py [--db sqlite|postgresql|both] [--runs 20]
        [--pg-url postgresql://root@127.0.0.1:5432/od_races]

Each scenario builds fresh products, stock and orders, lets two threads start their store
operation at once (a barrier), and then checks the invariants:
  0 <= shipped <= quantity and returned <= shipped on every line, 0 <= a line's reservation
  <= what it still has to ship, stock reserved >= 0 and on hand >= 0, each stock row's
  reserved = the sum of its lines' reservations, and on hand + shipped = what was there.
A refusal a person would see (OrderdeskError: "only 2 left", "already canceled", a stale
edit) is a fine outcome; any other exception (a deadlock, a lock timeout) is a bad run, like
a broken invariant. Prints one line per scenario and database; exit status 1 if any run was
bad. tests/store/fulfilment/test_races.py runs the same scenarios and asserts none is.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from store import clock  # noqa: E402
from store.db import Database, open_database  # noqa: E402
from store.errors import OrderdeskError  # noqa: E402
from store.fulfilment import (  # noqa: E402
    ReturnLineRequest,
    ShipRequest,
    allocate,
    cancel_order,
    create_return,
    ship_order,
)
from store.models import (  # noqa: E402
    Base,
    Customer,
    Order,
    OrderLine,
    Product,
    ReturnLine,
    ShipmentLine,
    StockLevel,
    Warehouse,
)
from store.orders import LineEdit, OrderEdit, edit_order  # noqa: E402

RUNS = 20
ACTOR = "U0PROC1"
_serial = itertools.count(1)


@dataclass
class Tally:
    scenario: str
    runs: int = 0
    bad: int = 0
    refusals: int = 0  # domain refusals: one side lost the race and was told why
    examples: list[str] = field(default_factory=list)

    def line(self, dialect: str) -> str:
        shown = f"  e.g. {self.examples[0]}" if self.examples else ""
        return (f"{dialect:10} {self.scenario:22} {self.runs:3} runs, {self.bad:3} bad, "
                f"{self.refusals:3} refused{shown}")


def base(db: Database) -> tuple[int, int]:
    """The warehouse and the customer every run uses (made once)."""
    with db.write() as s:
        house = s.scalars(select(Warehouse).where(Warehouse.code == "RACE")).first()
        if house is None:
            house = Warehouse(code="RACE", name="Race DC")
            s.add(house)
        customer = s.scalars(select(Customer).where(Customer.code == "RACER")).first()
        if customer is None:
            customer = Customer(code="RACER", name="Racer Ltd", currency="USD",
                                credit_limit_minor=10**9)
            s.add(customer)
        s.flush()
        return house.id, customer.id


@dataclass(frozen=True)
class Run:
    stock: dict[int, int]  # product id -> on hand before anything shipped
    refs: list[str]


def _order(db: Database, ids: tuple[int, int], stock: dict[str, int],
           orders: list[list[tuple[str, int]]]) -> Run:
    """Products with `stock` on hand, and open orders of (sku, quantity) lines."""
    house, customer = ids
    n = next(_serial)
    refs = []
    with db.write() as s:
        products: dict[str, int] = {}
        for sku, on_hand in stock.items():
            product = Product(sku=f"{sku}-{n}", name=sku, unit_price_minor=1000, currency="USD",
                              active=True)
            s.add(product)
            s.flush()
            s.add(StockLevel(product_id=product.id, warehouse_id=house, on_hand=on_hand,
                             reserved=0))
            products[sku] = product.id
        for k, lines in enumerate(orders):
            ref = f"RACE-{n}-{k}"
            order = Order(ref=ref, customer_id=customer, currency="USD",
                          ordered_at=clock.now(), shipping_minor=0, ship_name="Dock",
                          ship_line1="1 Main St", ship_city="Springfield", ship_region="IL",
                          ship_postal_code="62701", ship_country="US")
            for no, (sku, quantity) in enumerate(lines, start=1):
                order.lines.append(OrderLine(line_no=no, sku=f"{sku}-{n}",
                                             product_id=products[sku], quantity=quantity,
                                             unit_price_minor=1000))
            s.add(order)
            refs.append(ref)
    return Run({products[sku]: on_hand for sku, on_hand in stock.items()}, refs)


def _ship(db: Database, ref: str, quantities: dict[str, str]) -> Callable[[], object]:
    return lambda: ship_order(db, ref=ref, actor=ACTOR, request=ShipRequest(
        carrier="Other", service=None, ship_date=clock.today(), tracking_number=None,
        quantities=quantities))


def _version(db: Database, ref: str) -> int:
    with db.read() as s:
        return s.scalar(select(Order.version_id).where(Order.ref == ref))


def edit_vs_ship(db: Database, ids):
    """Line 2 cut from 10 to 3 while 8 of it ship."""
    run = _order(db, ids, {"A": 100, "B": 100}, [[("A", 2), ("B", 10)]])
    ref = run.refs[0]
    allocate(db, ref=ref, actor=ACTOR)
    version = _version(db, ref)
    edit = OrderEdit(lines=(LineEdit(1, "", "2"), LineEdit(2, "", "3")))
    return (run,
            lambda: edit_order(db, ref=ref, actor=ACTOR, expected_version=version,
                               changes=edit),
            _ship(db, ref, {"l1": "0", "l2": "8"}))


def ship_vs_ship(db: Database, ids):
    """Two people each ship 5 of a 10-unit line."""
    run = _order(db, ids, {"A": 50}, [[("A", 10)]])
    ref = run.refs[0]
    allocate(db, ref=ref, actor=ACTOR)
    return run, _ship(db, ref, {"l1": "5"}), _ship(db, ref, {"l1": "5"})


def cancel_vs_ship(db: Database, ids):
    """One cancels the order while the other ships part of it."""
    run = _order(db, ids, {"A": 50, "B": 50}, [[("A", 4), ("B", 6)]])
    ref = run.refs[0]
    allocate(db, ref=ref, actor=ACTOR)
    return (run, lambda: cancel_order(db, ref=ref, actor=ACTOR, reason="race"),
            _ship(db, ref, {"l1": "4", "l2": "3"}))


def return_vs_return(db: Database, ids):
    """Two returns of 6 each from 10 shipped: only one fits."""
    run = _order(db, ids, {"A": 50}, [[("A", 10)]])
    ref = run.refs[0]
    allocate(db, ref=ref, actor=ACTOR)
    _ship(db, ref, {"l1": "10"})()

    def back():
        return create_return(db, ref=ref, actor=ACTOR, lines=[ReturnLineRequest(
            1, "6", outcome="refund", reason="damaged")])
    return run, back, back


def allocate_vs_allocate(db: Database, ids):
    """Two orders wanting the same two scarce products, their lines in opposite orders."""
    run = _order(db, ids, {"A": 8, "B": 8}, [[("A", 5), ("B", 5)], [("B", 5), ("A", 5)]])
    return (run, lambda: allocate(db, ref=run.refs[0], actor=ACTOR),
            lambda: allocate(db, ref=run.refs[1], actor=ACTOR))


# name -> build(db, ids) -> (the run's orders and stock, one side, the other side)
SCENARIOS: dict[str, Callable] = {
    "edit vs ship": edit_vs_ship,
    "ship vs ship": ship_vs_ship,
    "cancel vs ship": cancel_vs_ship,
    "return vs return": return_vs_return,
    "allocate vs allocate": allocate_vs_allocate,
}


def race(first: Callable[[], object], second: Callable[[], object]) -> list[BaseException]:
    """Both at once (a barrier); the exceptions they raised."""
    start, raised = threading.Barrier(2), []

    def run(work):
        start.wait()
        try:
            work()
        except BaseException as error:  # every outcome is judged by the caller
            raised.append(error)

    threads = [threading.Thread(target=run, args=(w,)) for w in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return raised


def problems(db: Database, run: Run) -> list[str]:
    """Every broken invariant among the run's orders and stock."""
    out = []
    with db.read() as s:
        lines = s.execute(select(OrderLine, Order.ref).join(Order).where(
            Order.ref.in_(run.refs))).all()
        shipped = dict(s.execute(select(ShipmentLine.order_line_id, func.sum(
            ShipmentLine.quantity)).where(ShipmentLine.order_line_id.in_(
                [line.id for line, _ in lines])).group_by(ShipmentLine.order_line_id)).all())
        returned = dict(s.execute(select(ReturnLine.order_line_id, func.sum(
            ReturnLine.quantity)).where(ReturnLine.order_line_id.in_(
                [line.id for line, _ in lines])).group_by(ReturnLine.order_line_id)).all())
        for line, ref in lines:
            sent, back = shipped.get(line.id, 0), returned.get(line.id, 0)
            if not 0 <= sent <= line.quantity or back > sent:
                out.append(f"{ref} line {line.line_no}: qty {line.quantity} shipped {sent} "
                           f"returned {back}")
            if not 0 <= line.quantity_reserved <= max(0, line.quantity - sent):
                out.append(f"{ref} line {line.line_no}: qty {line.quantity} shipped {sent} "
                           f"reserved {line.quantity_reserved}")
        for level in s.scalars(select(StockLevel).where(
                StockLevel.product_id.in_(list(run.stock)))):
            held = sum(line.quantity_reserved for line, _ in lines
                       if line.product_id == level.product_id
                       and line.warehouse_id == level.warehouse_id)
            sent = sum(shipped.get(line.id, 0) for line, _ in lines
                       if line.product_id == level.product_id)
            if level.reserved < 0 or level.on_hand < 0 or level.reserved != held:
                out.append(f"stock {level.product_id}: on hand {level.on_hand} reserved "
                           f"{level.reserved}, lines hold {held}")
            if level.on_hand + sent != run.stock[level.product_id]:
                out.append(f"stock {level.product_id}: on hand {level.on_hand} + shipped "
                           f"{sent} != {run.stock[level.product_id]} before")
    return out


def run_scenario(db: Database, name: str, runs: int = RUNS) -> Tally:
    ids, tally = base(db), Tally(name)
    for _ in range(runs):
        run, first, second = SCENARIOS[name](db, ids)
        raised = race(first, second)
        wrong = [f"{type(e).__name__}: {str(e).splitlines()[0][:120]}" for e in raised
                 if not isinstance(e, OrderdeskError)]
        wrong += problems(db, run)
        tally.runs += 1
        tally.refusals += sum(isinstance(e, OrderdeskError) for e in raised)
        if wrong:
            tally.bad += 1
            tally.examples.append("; ".join(wrong))
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--pg-url", default="postgresql://root@127.0.0.1:5432/od_races",
                        help="a PostgreSQL database to use (its tables are reset)")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            url = args.pg_url if kind == "postgresql" else f"sqlite:///{tmp}/races.sqlite3"
            if kind == "postgresql":
                _create_database(url)
            db = open_database(url)
            Base.metadata.drop_all(db.engine)
            Base.metadata.create_all(db.engine)
            for name in SCENARIOS:
                tally = run_scenario(db, name, args.runs)
                bad += tally.bad
                print(tally.line(kind), flush=True)
            db.dispose()
    return 1 if bad else 0


def _create_database(url: str) -> None:
    from sqlalchemy import make_url, text

    from store.db import make_engine, normalise_url

    target = make_url(normalise_url(url))
    engine = make_engine(target.set(database="postgres").render_as_string(hide_password=False),
                         isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                       {"n": target.database}) is None:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


if __name__ == "__main__":
    sys.exit(main())

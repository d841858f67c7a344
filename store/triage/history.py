"""Each customer's own history, for the unusual_order check (store.triage.findings): what it
usually orders of a SKU (quantity and price), where it ships, and the desk's typical first
order. Read in bulk per check run as grouped histograms, so the cost is bounded by how many
distinct (SKU, quantity, price) a customer has used, not by how many orders it placed:

- one aggregate over the batch's customers' order lines (ix_orders_customer_id_ordered_at,
  then the lines by order): (customer, SKU, quantity, unit price, currency) -> lines;
- one over their orders: (customer, ship-to line 1, postal code) -> orders;
- only when the batch holds a customer's first order: the first orders of the
  FIRST_ORDER_SAMPLE most recent customers (one index seek each), for the typical first order.

The checked order is part of what is read (it is stored); the check takes its own lines and
address out again, so history means the customer's other orders."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.db import among
from store.enums import OrderStatus
from store.models import Customer, Order, OrderLine

FIRST_ORDER_SAMPLE = 500
_MAX_SKU_FILTER = 400  # past this many SKUs, read the customers' whole histogram instead
_CHUNK = 900


@dataclass
class History:
    # (customer id, SKU) -> Counter of (quantity, unit price, currency) -> lines
    lines: dict[tuple[int, str], Counter] = field(default_factory=dict)
    # customer id -> Counter of ship-to key -> orders
    ship_tos: dict[int, Counter] = field(default_factory=dict)
    # the median total of recent customers' first orders (None: not needed or too few)
    typical_first: tuple[int, int] | None = None  # (median minor units, sample size)


def ship_key(ship: dict) -> tuple[str, str]:
    return ((ship.get("line1") or "").strip().lower(),
            (ship.get("postal_code") or "").replace(" ", "").upper())


def weighted_median(counts: Counter) -> float:
    """The median of values given as value -> how many times."""
    total = sum(counts.values())
    seen = 0
    ordered = sorted(counts.items())
    for n, (value, count) in enumerate(ordered):
        seen += count
        if seen * 2 > total:
            return float(value)
        if seen * 2 == total:
            return (value + ordered[n + 1][0]) / 2
    raise ValueError("no values")


def median_mad(counts: Counter) -> tuple[float, float]:
    """Median and median absolute deviation: one odd order moves neither."""
    median = weighted_median(counts)
    spread: Counter = Counter()
    for value, count in counts.items():
        spread[abs(value - median)] += count
    return median, weighted_median(spread)


def _chunks(values):
    values = list(values)
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


class HistoryCache:
    """The histories of one import run: each customer's read from the database once, then
    kept up to date with the run's own orders as its batches are checked (a batch's reading
    of its customers' whole histories was most of an import's time, and grew with the
    table). Orders others add meanwhile (ids past the last batch's) drop their customers from
    the cache (one primary-key range read per batch); edits others make to older orders during
    the run are not seen by the rest of it. Past MAX_ENTRIES histogram entries it starts
    again, to bound the memory."""

    MAX_ENTRIES = 750_000

    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self.lines: dict[int, dict[str, Counter]] = {}  # customer -> SKU -> histogram
        self.ship_tos: dict[int, Counter] = {}
        self.counted_up_to = 0  # every order id up to this is counted for cached customers
        self.entries = 0

    def history(self, session: Session, orders) -> History:
        ours = {o.id for o in orders}
        self._forget_changed(session, ours)
        customers = sorted({o.customer_id for o in orders})
        cached = set(customers) & self.ship_tos.keys()
        for order in orders:  # stored already: the read below includes those of new customers
            if (order.customer_id in cached and order.id > self.counted_up_to
                and order.status != OrderStatus.CANCELED.value):
                self._count(order)
        missing = [c for c in customers if c not in cached]
        if missing:
            read = _read(session, missing, None)
            for cid in missing:
                self.ship_tos[cid] = read.ship_tos.get(cid, Counter())
                self.lines[cid] = defaultdict(Counter)
            for (cid, sku), counts in read.lines.items():
                self.lines[cid][sku] = counts
                self.entries += len(counts)
        self.counted_up_to = max(self.counted_up_to, *ours) if ours else self.counted_up_to
        history = History(
            lines={(o.customer_id, ln.sku): self.lines[o.customer_id][ln.sku]
                   for o in orders for ln in o.lines if ln.sku in self.lines[o.customer_id]},
            ship_tos={c: self.ship_tos[c] for c in customers})
        if any(sum(history.ship_tos[o.customer_id].values()) <= 1 for o in orders):
            history.typical_first = _typical_first(session)
        if self.entries > self.MAX_ENTRIES:
            self._clear()
        return history

    def _count(self, order) -> None:
        by_sku = self.lines[order.customer_id]
        for ln in order.lines:
            counts = by_sku[ln.sku]
            key = (ln.quantity, ln.unit_price_minor, order.currency)
            self.entries += key not in counts
            counts[key] += 1
        self.ship_tos[order.customer_id][ship_key(order.ship)] += 1

    def _forget_changed(self, session: Session, ours: set[int]) -> None:
        """Customers that got orders from elsewhere since the last batch are read again."""
        if not self.ship_tos:
            return
        for oid, cid in session.execute(select(Order.id, Order.customer_id)
                                        .where(Order.id > self.counted_up_to)):
            if oid not in ours and cid in self.ship_tos:
                self.entries -= sum(len(c) for c in self.lines.pop(cid).values())
                del self.ship_tos[cid]


def load_history(session: Session, orders, cache: HistoryCache | None = None) -> History:
    if cache is not None:
        return cache.history(session, orders)
    customers = sorted({o.customer_id for o in orders})
    skus = sorted({ln.sku for o in orders for ln in o.lines})
    if not customers:
        return History()
    history = _read(session, customers, skus if len(skus) <= _MAX_SKU_FILTER else None)
    if any(sum(history.ship_tos.get(o.customer_id, Counter()).values()) <= 1 for o in orders):
        history.typical_first = _typical_first(session)
    return history


def _read(session: Session, customers: list[int], skus: list[str] | None) -> History:
    """The customers' histograms from the database (only these SKUs' lines, if given)."""
    history = History()
    live = Order.status != OrderStatus.CANCELED
    lines: dict[tuple[int, str], Counter] = defaultdict(Counter)
    ship_tos: dict[int, Counter] = defaultdict(Counter)
    for part in _chunks(customers):
        query = (select(Order.customer_id, OrderLine.sku, OrderLine.quantity,
                        OrderLine.unit_price_minor, Order.currency, func.count())
                 .join(Order, Order.id == OrderLine.order_id)
                 .where(among(session, Order.customer_id, part), live)
                 .group_by(Order.customer_id, OrderLine.sku, OrderLine.quantity,
                           OrderLine.unit_price_minor, Order.currency))
        if skus is not None:
            query = query.where(among(session, OrderLine.sku, skus))
        for cid, sku, quantity, price, currency, n in session.execute(query):
            lines[(cid, sku)][(quantity, price, currency)] += n
        for cid, line1, postal, n in session.execute(
                select(Order.customer_id, Order.ship_line1, Order.ship_postal_code, func.count())
                .where(among(session, Order.customer_id, part), live)
                .group_by(Order.customer_id, Order.ship_line1, Order.ship_postal_code)):
            ship_tos[cid][ship_key({"line1": line1, "postal_code": postal})] += n
    history.lines, history.ship_tos = dict(lines), dict(ship_tos)
    return history


def _typical_first(session: Session) -> tuple[int, int] | None:
    # Each recent customer's first order by one seek on ix_orders_customer_id_ordered_at.
    first = (select(Order.id).where(Order.customer_id == Customer.id,
                                    Order.status != OrderStatus.CANCELED)
             .order_by(Order.ordered_at, Order.id).limit(1).correlate(Customer)
             .scalar_subquery())
    ids = [i for i in session.scalars(select(first).select_from(Customer).order_by(Customer.id.desc())
                                      .limit(FIRST_ORDER_SAMPLE)) if i is not None]
    totals = Counter()
    for part in _chunks(ids):
        for _oid, total in session.execute(
                select(OrderLine.order_id,
                       func.sum(OrderLine.quantity * OrderLine.unit_price_minor))
                .where(among(session, OrderLine.order_id, part)).group_by(OrderLine.order_id)):
            totals[int(total or 0)] += 1
    if not totals:
        return None
    return int(weighted_median(totals)), sum(totals.values())

"""What the order checks look at, loaded in bulk for a batch of orders: plain frozen facts, so
the checks themselves are pure functions (store.triage.checks) and a batch costs a fixed handful of
queries however many orders it holds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from store.customers import UNPAID
from store.db import among
from store.enums import AddressKind, ApprovalKind, ApprovalStatus, OrderStatus
from store.models import (
    OWING,
    Approval,
    Customer,
    CustomerAddress,
    CustomerPrice,
    Order,
    OrderLine,
    Product,
    StockLevel,
    refunded,
)
from store.triage.history import History, HistoryCache, load_history
from store.triage.rules import active

_CHUNK = 900  # under every driver's bound-parameter limit
_UNPAID = frozenset(s.value for s in UNPAID)
ADDRESS_PARTS = ("name", "line1", "line2", "city", "region", "postal_code", "country")


@dataclass(frozen=True)
class LineFacts:
    line_no: int
    sku: str
    product_id: int | None
    quantity: int
    unit_price_minor: int
    reserved: int
    backordered: int


@dataclass(frozen=True)
class OrderFacts:
    id: int
    ref: str
    customer_id: int
    po_number: str | None
    currency: str
    ordered_at: datetime
    requested_date: date | None
    status: str
    fulfilment_status: str
    payment_status: str
    payment_status_at: datetime | None
    ship: dict
    lines: tuple[LineFacts, ...]
    shipping_minor: int

    @property
    def total_minor(self) -> int:
        return sum(ln.quantity * ln.unit_price_minor for ln in self.lines) + self.shipping_minor

    @cached_property  # compared against every neighbour of the customer's in a batch
    def signature(self) -> tuple:
        """The order's contents regardless of line order: what a duplicate shares."""
        return tuple(sorted((ln.sku, ln.quantity) for ln in self.lines))


@dataclass(frozen=True)
class ProductFacts:
    sku: str
    unit_price_minor: int
    currency: str
    active: bool


@dataclass(frozen=True)
class CustomerFacts:
    code: str
    credit_limit_minor: int | None  # in `currency`, the customer's
    # Unpaid value of open/completed orders, this one included; None where the credit check
    # can't need it (no limit, or no unpaid order among those loaded): reading it costs a
    # pass over every order of the customer, and most imported orders are paid.
    exposure_minor: int | None
    default_address: dict | None
    currency: str


@dataclass
class Facts:
    orders: list[OrderFacts] = field(default_factory=list)
    products: dict[int, ProductFacts] = field(default_factory=dict)
    customer_prices: dict[tuple[int, int], int] = field(default_factory=dict)
    available: dict[int, int] = field(default_factory=dict)  # product id -> on hand - reserved
    customers: dict[int, CustomerFacts] = field(default_factory=dict)
    # Orders of the same customers near in time with the same shape: duplicate candidates.
    neighbours: dict[int, list[OrderFacts]] = field(default_factory=dict)  # customer id -> orders
    # (customer id, PO) -> the first order that used it: (ordered_at, id, ref).
    first_po: dict[tuple[int, str], tuple] = field(default_factory=dict)
    # (order id, line no, SKU) -> unit prices a manager approved for that line while it held
    # that SKU: the agreed price. An approval kept before SKUs were recorded has SKU None.
    approved_prices: dict[tuple[int, int, str | None], set[int]] = field(default_factory=dict)
    # The customers' own order history (store.triage.history): the unusual_order check's.
    history: History = field(default_factory=History)


def chunks(values, size: int = _CHUNK):
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i:i + size]


def load_facts(session: Session, order_ids: list[int], *, window,
               history_cache: HistoryCache | None = None) -> Facts:
    facts = Facts(orders=load_orders(session, order_ids))
    product_ids = {ln.product_id for o in facts.orders for ln in o.lines if ln.product_id}
    customer_ids = {o.customer_id for o in facts.orders}
    facts.products = _products(session, product_ids)
    facts.customer_prices = _customer_prices(session, customer_ids, product_ids)
    facts.available = _available(session, product_ids)
    facts.customers = _customers(session, customer_ids, _owing(facts.orders))
    facts.neighbours = _neighbours(session, facts.orders, window)
    facts.first_po = _first_po(session, facts.orders)
    facts.approved_prices = _approved_prices(session, [o.id for o in facts.orders])
    checked = active().checked_statuses  # history only for orders the checks look at
    facts.history = load_history(session, [o for o in facts.orders if o.status in checked],
                                 history_cache)
    return facts


def load_credit_facts(session: Session, order_ids: list[int],
                      known: dict[int, CustomerFacts] | None = None) -> Facts:
    """What the credit check alone reads: the orders and their customers' unpaid totals (a
    re-check of other orders' credit items needs no stock, history or neighbours). known:
    customers already read in this transaction, whose unpaid totals are taken as they are."""
    facts = Facts(orders=load_orders(session, order_ids))
    known = {c: f for c, f in (known or {}).items() if f.exposure_minor is not None}
    owing = _owing(facts.orders)
    facts.customers = {c: known[c] for c in owing & known.keys()}
    facts.customers.update(_customers(
        session, {o.customer_id for o in facts.orders} - facts.customers.keys(), owing))
    return facts


def _owing(orders: list[OrderFacts]) -> set[int]:
    """Customers with an unpaid order among these: the only ones the credit check reads."""
    return {o.customer_id for o in orders if o.payment_status in _UNPAID}


def _approved_prices(session: Session, order_ids: list[int]
                     ) -> dict[tuple[int, int, str | None], set[int]]:
    out: dict[tuple[int, int, str | None], set[int]] = defaultdict(set)
    for part in chunks(order_ids):
        for order_id, payload in session.execute(select(Approval.order_id, Approval.payload).where(
                among(session, Approval.order_id, part), Approval.status == ApprovalStatus.APPROVED,
                Approval.kind.in_((ApprovalKind.DISCOUNT, ApprovalKind.PRICE_OVERRIDE)))):
            payload = payload or {}
            if payload.get("line_no") is not None and payload.get("to") is not None:
                out[(order_id, int(payload["line_no"]), payload.get("sku"))].add(
                    int(payload["to"]))
    return dict(out)


def load_orders(session: Session, order_ids) -> list[OrderFacts]:
    lines: dict[int, list[LineFacts]] = defaultdict(list)
    rows: list = []
    for part in chunks(order_ids):
        rows.extend(session.execute(select(*_ORDER_COLUMNS)
                                    .where(among(session, Order.id, part))).all())
        for ln in session.execute(select(
                OrderLine.order_id, OrderLine.line_no, OrderLine.sku, OrderLine.product_id,
                OrderLine.quantity, OrderLine.unit_price_minor, OrderLine.quantity_reserved,
                OrderLine.quantity_backordered).where(among(session, OrderLine.order_id, part))):
            lines[ln.order_id].append(LineFacts(*ln[1:]))
    return [_order_facts(row, lines.get(row.id, [])) for row in sorted(rows, key=lambda r: r.id)]


_ORDER_COLUMNS = (
    Order.id, Order.ref, Order.customer_id, Order.po_number, Order.currency, Order.ordered_at,
    Order.requested_date, Order.status, Order.fulfilment_status, Order.payment_status,
    Order.payment_status_at, Order.shipping_minor,
    *(getattr(Order, f"ship_{p}") for p in ADDRESS_PARTS),
)


def _order_facts(row, lines: list[LineFacts]) -> OrderFacts:
    return OrderFacts(
        id=row.id, ref=row.ref, customer_id=row.customer_id, po_number=row.po_number,
        currency=row.currency, ordered_at=row.ordered_at, requested_date=row.requested_date,
        status=str(row.status.value), fulfilment_status=str(row.fulfilment_status.value),
        payment_status=str(row.payment_status.value), payment_status_at=row.payment_status_at,
        ship={p: getattr(row, f"ship_{p}") for p in ADDRESS_PARTS},
        lines=tuple(sorted(lines, key=lambda ln: ln.line_no)), shipping_minor=row.shipping_minor,
    )


def _products(session: Session, ids) -> dict[int, ProductFacts]:
    out = {}
    for part in chunks(ids):
        for row in session.execute(select(Product.id, Product.sku, Product.unit_price_minor,
                                          Product.currency, Product.active)
                                   .where(among(session, Product.id, part))):
            out[row.id] = ProductFacts(row.sku, row.unit_price_minor, row.currency, row.active)
    return out


def _customer_prices(session: Session, customer_ids, product_ids) -> dict:
    out = {}
    if not product_ids:
        return out
    for part in chunks(customer_ids):
        for row in session.execute(select(CustomerPrice.customer_id, CustomerPrice.product_id,
                                          CustomerPrice.unit_price_minor)
                                   .where(among(session, CustomerPrice.customer_id, part))):
            if row.product_id in product_ids:
                out[(row.customer_id, row.product_id)] = row.unit_price_minor
    return out


def _available(session: Session, ids) -> dict[int, int]:
    """Free units per product: each warehouse's on hand less reserved, an over-reserved one
    counting as none (its shortfall does not take another warehouse's free stock away)."""
    free = StockLevel.on_hand - StockLevel.reserved
    out = {}
    for part in chunks(ids):
        for pid, total in session.execute(
                select(StockLevel.product_id, func.sum(case((free > 0, free), else_=0)))
                .where(among(session, StockLevel.product_id, part))
                .group_by(StockLevel.product_id)):
            out[pid] = int(total or 0)
    return out


def _customers(session: Session, ids, owing: set[int]) -> dict[int, CustomerFacts]:
    """owing: the customers whose unpaid total is read (see CustomerFacts.exposure_minor)."""
    out: dict[int, CustomerFacts] = {}
    for part in chunks(ids):
        rows = session.execute(select(Customer.id, Customer.code, Customer.credit_limit_minor,
                                      Customer.currency)
                               .where(among(session, Customer.id, part))).all()
        limited = [r.id for r in rows if r.credit_limit_minor is not None and r.id in owing]
        exposure = _exposure(session, limited)
        addresses = _default_addresses(session, part)
        for r in rows:
            out[r.id] = CustomerFacts(r.code, r.credit_limit_minor,
                                      exposure.get(r.id, 0) if r.id in limited else None,
                                      addresses.get(r.id), r.currency)
    return out


def _exposure(session: Session, ids: list[int]) -> dict[int, int]:
    """store.customers.view.credit_used, for many customers in one grouped query over their
    unpaid orders only (OWING's partial index); the lines are read only for those. Only
    orders in the customer's currency, the limit's: yen and cents don't add up."""
    if not ids:
        return {}
    lines = (select(func.sum(OrderLine.quantity * OrderLine.unit_price_minor))
             .where(OrderLine.order_id == Order.id).correlate(Order).scalar_subquery())
    out: dict[int, int] = {}
    for cid, total in session.execute(
            select(Order.customer_id, func.sum(Order.shipping_minor + func.coalesce(lines, 0)
                                               - refunded(Order.id)))
            .join(Customer, Customer.id == Order.customer_id)
            .where(among(session, Order.customer_id, ids), OWING,
                   Order.currency == Customer.currency)
            .group_by(Order.customer_id)):
        out[cid] = int(total or 0)
    return out


def _default_addresses(session: Session, ids) -> dict[int, dict]:
    a = CustomerAddress
    out: dict[int, dict] = {}
    for address in session.scalars(select(a).where(
            among(session, a.customer_id, ids), a.kind == AddressKind.SHIPPING,
            a.is_default.is_(True))
            .order_by(a.id)):
        out.setdefault(address.customer_id, {p: getattr(address, p) for p in ADDRESS_PARTS})
    return out


def _shape(customer_id, lines, units, first_sku, last_sku) -> tuple:
    return customer_id, int(lines), int(units or 0), first_sku, last_sku


def po_key(po: str) -> str:
    """A PO as compared for duplicates: 'po1001' retyped is the PO1001 already used."""
    return po.strip().casefold()


def _first_po(session: Session, orders: list[OrderFacts]) -> dict[tuple[int, str], tuple]:
    """For each (customer, PO key) in the batch, the first live order that used it. The PO is
    looked up as typed, in capitals and in lower case (the PO index is exact), and compared by
    po_key."""
    customers = {o.customer_id for o in orders}
    out: dict[tuple[int, str], tuple] = {}
    rows = [(o.customer_id, o.po_number, o.ordered_at, o.id, o.ref) for o in orders
            if o.po_number and o.status != OrderStatus.CANCELED.value]
    spellings = {form for o in orders if o.po_number for form in (
        o.po_number, o.po_number.strip().upper(), o.po_number.strip().lower())}
    for part in chunks(spellings):
        rows.extend(session.execute(
            select(Order.customer_id, Order.po_number, Order.ordered_at, Order.id, Order.ref)
            .where(among(session, Order.po_number, part),
                   # `+ 0`: not an index probe, so the read starts from the POs (a few orders
                   # each) rather than from every order of the batch's customers; the PO index
                   # holds the customer, so only the customer's orders are read
                   among(session, Order.customer_id + 0, customers),
                   Order.status != OrderStatus.CANCELED)).all())
    for cid, po, at, oid, ref in rows:
        key = (cid, po_key(po))
        if key not in out or (at, oid) < out[key][:2]:
            out[key] = (at, oid, ref)
    return out


def _neighbours(session: Session, orders: list[OrderFacts], window) -> dict[int, list]:
    """Other orders of the same customers within the window with the same number of lines
    and units and the same first and last SKU (a cheap SQL prefilter; the exact comparison
    of lines happens in store.triage.findings)."""
    if not orders:
        return {}
    customers = {o.customer_id for o in orders}
    shapes = {_shape(o.customer_id, len(o.lines), sum(ln.quantity for ln in o.lines),
                     min((ln.sku for ln in o.lines), default=None),
                     max((ln.sku for ln in o.lines), default=None)) for o in orders}
    start = min(o.ordered_at for o in orders) - window
    end = max(o.ordered_at for o in orders) + window
    ids: set[int] = set()
    for part in chunks(customers):
        rows = session.execute(
            select(Order.id, Order.customer_id, func.count(OrderLine.id),
                   func.sum(OrderLine.quantity), func.min(OrderLine.sku), func.max(OrderLine.sku))
            .join(OrderLine, OrderLine.order_id == Order.id)
            .where(among(session, Order.customer_id, part), Order.ordered_at.between(start, end),
                   Order.status != OrderStatus.CANCELED)
            .group_by(Order.id, Order.customer_id))
        ids.update(row[0] for row in rows if _shape(*row[1:]) in shapes)
    ids -= {o.id for o in orders}
    out: dict[int, list[OrderFacts]] = defaultdict(list)
    for other in [*orders, *load_orders(session, sorted(ids))]:
        if other.status != OrderStatus.CANCELED.value:
            out[other.customer_id].append(other)
    return out

"""Turning order rows into views: the full card, candidates, events. Read-only helpers."""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Mapping, Sequence

from sqlalchemy import (
    Connection,
    Float,
    bindparam,
    func,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by, array_agg
from sqlalchemy.orm import Session, joinedload, selectinload

from store.enums import DiscrepancyStatus, OrderStatus, ReturnOutcome, ReturnStatus
from store.errors import AmbiguousRef, OrderNotFound
from store.models import (
    FINGERPRINT_FIELD,
    Customer,
    Discrepancy,
    Event,
    Order,
    OrderHold,
    OrderLine,
    Product,
    Return,
    ReturnLine,
    Shipment,
    ShipmentLine,
    StockLevel,
)
from store.refs import ref_keys, ref_prefixes
from store.states import edit_transitions
from store.tracking import tracking_url
from store.views.orders import (
    AddressView,
    Candidate,
    DiscrepancySummary,
    EventView,
    FieldChange,
    HoldView,
    LineView,
    OrderView,
    OwedView,
    ShipmentView,
)

RECENT_EVENTS = 3


def ref_keys_of(session: Session, text: str) -> list[str]:
    """The ref keys `text` may mean ('HX 2001' -> hx2001; '1001' under each prefix in use)."""
    return ref_keys(text, ref_prefixes(session))


def pick_named(text: str, named: Sequence[tuple[int, str]]) -> int:
    """The one order id among (id, ref) pairs a ref text matched: the only one, else the one
    spelt exactly as typed. Raises OrderNotFound / AmbiguousRef."""
    if len(named) == 1:
        return named[0][0]
    if not named:
        raise OrderNotFound(text.strip())
    typed = text.strip().casefold()
    exact = [oid for oid, ref in named if ref.casefold() == typed]
    if len(exact) == 1 and not typed.isdigit():  # a bare number says nothing about which
        return exact[0]
    raise AmbiguousRef(text.strip(), sorted(ref for _oid, ref in named))


def load_order(session: Session, ref: str, *, for_update: bool = False,
               order_id: int | None = None) -> Order:
    """The order named by `ref` in any spelling of it ('HX-2001', 'hx 2001', '#1001', '1001'
    when no other order ends so), or by `order_id`; with lines, holds and shipments.

    `for_update` (every writer of an order's lines or stock): the order row is locked, then
    its lines in id order, then the stock rows of their products in SKU order (one order for
    every writer, so two never wait on each other), and only then is the order read, fresh.
    A single SELECT joining the lines FOR UPDATE OF orders would hand back the lines as they
    were before it waited for the lock (PostgreSQL re-reads only the locked row), and an
    order this transaction had loaded before keeps its old values unless re-populated. On
    SQLite a write transaction already holds the one writer lock (BEGIN IMMEDIATE)."""
    if order_id is None:
        named = session.execute(select(Order.id, Order.ref).where(
            Order.ref_key.in_(ref_keys_of(session, ref) or [""]))).all()
        order_id = pick_named(ref, [tuple(row) for row in named])
    where = Order.id == order_id
    stmt = (
        select(Order)
        .where(where)
        .options(
            joinedload(Order.lines).joinedload(OrderLine.product),  # one round trip fewer
            selectinload(Order.holds),
            selectinload(Order.shipments),
            joinedload(Order.customer),
        )
    )
    if for_update:
        locked = _lock_order(session, where)
        if locked is None:
            raise OrderNotFound(ref.strip())
        stmt = stmt.where(Order.id == locked).execution_options(populate_existing=True)
    order = session.scalars(stmt).unique().first()
    if order is None:
        raise OrderNotFound(ref.strip())
    return order


def _lock_order(session: Session, where) -> int | None:
    order_id = session.scalar(select(Order.id).where(where).order_by(Order.id).limit(1)
                              .with_for_update())
    if order_id is None:
        return None
    session.execute(select(OrderLine.id).where(OrderLine.order_id == order_id)
                    .order_by(OrderLine.id).with_for_update())
    session.scalars(
        select(StockLevel).join(Product, Product.id == StockLevel.product_id)
        .where(StockLevel.product_id.in_(
            select(OrderLine.product_id).where(OrderLine.order_id == order_id)))
        .order_by(Product.sku, StockLevel.warehouse_id)
        .with_for_update(of=StockLevel).execution_options(populate_existing=True)).all()
    return order_id


def address_of(order: Order) -> AddressView:
    return AddressView(
        name=order.ship_name, line1=order.ship_line1, line2=order.ship_line2,
        city=order.ship_city, region=order.ship_region, postal_code=order.ship_postal_code,
        country=order.ship_country,
    )


def order_view(session: Session, order: Order) -> OrderView:
    """The view of an ORM order a caller already holds (writers, after a change)."""
    shipped = shipped_quantities(session, [line.id for line in order.lines])
    lines = tuple(
        _line_view(line, line.product.name if line.product else None, shipped.get(line.id, 0))
        for line in order.lines
    )
    return _assemble(
        order, customer_code=order.customer.code, customer_name=order.customer.name,
        account_rep_id=order.customer.sales_rep_id, lines=lines,
        holds=[h for h in order.holds if h.released_at is None],
        shipments=order.shipments, open_discrepancies=_open_discrepancies(session, order.id),
        recent_events=_recent_events(session, order.id), owed=owed_goods(session, order.id),
    )


def read_order_view(session: Session, ref: str, *, order_id: int | None = None) -> OrderView:
    """The same view for read-only callers (lookup, the card's buttons), without ORM objects:
    one round trip for the order, its customer and lines, then one per part the order has
    (flags in that first row say which): an exact /order is 3 statements with its role
    check, where the ORM load took 8 (issue 3)."""
    if order_id is not None:
        views = read_order_views(session, order_id=order_id)
    else:
        views = read_order_views(session, keys=ref_keys_of(session, ref))
    if len(views) > 1 or not views:
        chosen = pick_named(ref, [(v.id, v.ref) for v in views])
        views = [v for v in views if v.id == chosen]
    return views[0]


def read_order_views(session: Session, *, keys: Sequence[str] = (),
                     order_id: int | None = None) -> list[OrderView]:
    """The views of the orders whose ref key is one of `keys` (or `order_id`), by id."""
    # Plain statements on the session's connection: no ORM setup per statement (the card's
    # query: 0.5 -> 0.3 ms CPU); nothing is pending in a read, so there is nothing to flush.
    conn = session.connection()
    by_id, by_key, by_keys = (
        (_CARD_BY_ID, _CARD_BY_KEY, _CARD_BY_KEYS) if conn.dialect.name == "sqlite"
        else (_CARD_SHIPPED_BY_ID, _CARD_SHIPPED_BY_KEY, _CARD_SHIPPED_BY_KEYS))
    if order_id is not None:
        rows = conn.execute(by_id, {"order_id": order_id}).all()
    elif len(keys) == 1:  # most refs: an IN list is rewritten into the SQL at each execution
        rows = conn.execute(by_key, {"key": keys[0]}).all()
    else:
        rows = conn.execute(by_keys, {"keys": list(keys) or [""]}).all()
    by_order: dict[int, list] = {}
    for row in rows:
        by_order.setdefault(row.id, []).append(row)
    return [_view_of_rows(conn, order_rows) for order_rows in by_order.values()]


def _view_of_rows(conn: Connection, rows: list) -> OrderView:
    head = rows[0]
    lines = tuple(_line_view(row, row.product_name, row.shipped) for row in rows
                  if row.line_id is not None)
    return _assemble(
        head, customer_code=head.customer_code, customer_name=head.customer_name, lines=lines,
        account_rep_id=head.account_rep_id,
        holds=conn.execute(_OPEN_HOLDS, {"order_id": head.id}).all() if head.has_holds else (),
        shipments=_shipments_of(conn, head) if head.has_shipments else (),
        open_discrepancies=(_open_discrepancies(conn, head.id)
                            if head.has_discrepancies else ()),
        recent_events=_recent_events(conn, head.id) if head.has_events else (),
        owed=owed_goods(conn, head.id) if head.has_goods_out else (),
    )


def _exists(model, *where):
    return select(model.id).where(model.order_id == Order.id, *where).exists()


_OPEN = Discrepancy.status != DiscrepancyStatus.RESOLVED
_CARD = (
    select(
        Order.id, Order.ref, Order.version_id, Order.customer_id, Order.sales_rep_id,
        Order.po_number, Order.currency, Order.ordered_at, Order.requested_date,
        Order.promised_date, Order.status, Order.fulfilment_status, Order.payment_status,
        Order.shipping_minor, Order.ship_name, Order.ship_line1, Order.ship_line2,
        Order.ship_city, Order.ship_region, Order.ship_postal_code, Order.ship_country,
        Order.shipping_instructions, Order.notes,
        Customer.code.label("customer_code"), Customer.name.label("customer_name"),
        Customer.sales_rep_id.label("account_rep_id"),
        _exists(OrderHold, OrderHold.released_at.is_(None)).label("has_holds"),
        _exists(Shipment).label("has_shipments"),
        _exists(Discrepancy, _OPEN).label("has_discrepancies"),
        _exists(Event).label("has_events"),
        _exists(Return, Return.status == ReturnStatus.APPROVED).label("has_goods_out"),
        OrderLine.id.label("line_id"), OrderLine.line_no, OrderLine.sku, OrderLine.description,
        OrderLine.quantity, OrderLine.unit_price_minor, OrderLine.quantity_backordered,
        OrderLine.product_id, Product.name.label("product_name"),
        select(func.coalesce(func.sum(ShipmentLine.quantity), 0))
        .where(ShipmentLine.order_line_id == OrderLine.id).scalar_subquery().label("shipped"),
    )
    .join(Customer, Customer.id == Order.customer_id)
    .outerjoin(OrderLine, OrderLine.order_id == Order.id)
    .outerjoin(Product, Product.id == OrderLine.product_id)
    .order_by(Order.id, OrderLine.line_no)
)
# Built once: a statement object keeps its cache key, so executing it skips rebuilding both.
_CARD_BY_ID = _CARD.where(Order.id == bindparam("order_id"))
_CARD_BY_KEY = _CARD.where(Order.ref_key == bindparam("key"))
_CARD_BY_KEYS = _CARD.where(Order.ref_key.in_(bindparam("keys", expanding=True)))
_OPEN_HOLDS = (
    select(OrderHold.id, OrderHold.reason, OrderHold.note, OrderHold.placed_by,
           OrderHold.placed_at)
    .where(OrderHold.order_id == bindparam("order_id"), OrderHold.released_at.is_(None))
    .order_by(OrderHold.id)
)
_SHIPMENT_COLUMNS = (Shipment.id, Shipment.carrier, Shipment.service, Shipment.shipped_at,
                     Shipment.tracking_number, Shipment.delivered_at)
_SHIPMENTS = (
    select(*_SHIPMENT_COLUMNS)
    .where(Shipment.order_id == bindparam("order_id")).order_by(Shipment.id)
)


# A shipment as _SHIPMENTS returns it, rebuilt from the card row's arrays (PostgreSQL).
_ShipmentRow = namedtuple("_ShipmentRow", [column.key for column in _SHIPMENT_COLUMNS])


# PostgreSQL: the order's shipments ride on the card's own statement, one array per column
# (typed as the column, so each value comes back as _SHIPMENTS reads it), from a LATERAL
# aggregate run once per order: one round trip fewer for every order that has shipped (most
# of them). SQLite keeps the separate read: it has no round trips to save.
_SHIPPED = (
    select(*[array_agg(aggregate_order_by(column, Shipment.id)).label(f"shipment_{column.key}")
             for column in _SHIPMENT_COLUMNS])
    .where(Shipment.order_id == Order.id)
    .lateral("shipped")
)
_CARD_SHIPPED = _CARD.add_columns(*_SHIPPED.c).join(_SHIPPED, true())
_CARD_SHIPPED_BY_ID = _CARD_SHIPPED.where(Order.id == bindparam("order_id"))
_CARD_SHIPPED_BY_KEY = _CARD_SHIPPED.where(Order.ref_key == bindparam("key"))
_CARD_SHIPPED_BY_KEYS = _CARD_SHIPPED.where(Order.ref_key.in_(bindparam("keys", expanding=True)))


def _shipments_of(conn: Connection, head) -> list:
    """The order's shipments by id: from the card's row where it carries them (PostgreSQL)."""
    ids = getattr(head, "shipment_id", None)
    if ids is None:
        return conn.execute(_SHIPMENTS, {"order_id": head.id}).all()
    return [_ShipmentRow(*values) for values in zip(
        ids, head.shipment_carrier, head.shipment_service, head.shipment_shipped_at,
        head.shipment_tracking_number, head.shipment_delivered_at, strict=True)]


def _assemble(head, *, customer_code: str, customer_name: str, lines: tuple[LineView, ...],
              holds, shipments, open_discrepancies, recent_events, owed=(),
              account_rep_id: str | None = None) -> OrderView:
    """`head`: an Order or a row with the same attribute names."""
    subtotal = sum(line.line_total_minor for line in lines)
    return OrderView(
        id=head.id, ref=head.ref, version=head.version_id, customer_id=head.customer_id,
        customer_code=customer_code, customer_name=customer_name,
        sales_rep_id=head.sales_rep_id, po_number=head.po_number, currency=head.currency,
        ordered_at=head.ordered_at, requested_date=head.requested_date,
        promised_date=head.promised_date, status=str(head.status.value),
        fulfilment_status=str(head.fulfilment_status.value),
        payment_status=str(head.payment_status.value),
        holds=tuple(_hold_view(h) for h in holds),
        lines=lines, subtotal_minor=subtotal, shipping_minor=head.shipping_minor,
        total_minor=subtotal + head.shipping_minor, ship_to=address_of(head),
        shipping_instructions=head.shipping_instructions, notes=head.notes,
        shipments=tuple(_shipment_view(s) for s in shipments),
        open_discrepancies=open_discrepancies, recent_events=recent_events,
        allowed_transitions=edit_transitions(head.status, head.fulfilment_status),
        account_rep_id=account_rep_id,
        owed=tuple(owed),
    )


def _line_view(line, product_name: str | None, shipped: int) -> LineView:
    """`line`: an OrderLine or a row with the same attribute names."""
    return LineView(
        line_no=line.line_no, sku=line.sku,
        product_name=product_name if product_name is not None else line.description,
        quantity=line.quantity, unit_price_minor=line.unit_price_minor,
        line_total_minor=line.quantity * line.unit_price_minor,
        quantity_shipped=int(shipped or 0),
        quantity_backordered=line.quantity_backordered,
        known_product=line.product_id is not None,
    )


_RECENT_EVENTS = (
    select(Event.id, Event.at, Event.actor_id, Event.kind, Event.summary, Event.changes)
    .where(Event.order_id == bindparam("order_id")).order_by(Event.id.desc())
    .limit(RECENT_EVENTS)
)


def _recent_events(session: Session | Connection, order_id: int) -> tuple[EventView, ...]:
    rows = session.execute(_RECENT_EVENTS, {"order_id": order_id})
    return tuple(event_view(e) for e in rows)


def shipped_quantities(session: Session, line_ids: Sequence[int]) -> dict[int, int]:
    if not line_ids:
        return {}
    rows = session.execute(
        select(ShipmentLine.order_line_id, func.sum(ShipmentLine.quantity))
        .where(ShipmentLine.order_line_id.in_(line_ids))
        .group_by(ShipmentLine.order_line_id)
    )
    return {line_id: int(total or 0) for line_id, total in rows}


GOES_OUT = (ReturnOutcome.REPLACE, ReturnOutcome.EXCHANGE)


def owed_goods(session: Session | Connection, order_id: int) -> list[OwedView]:
    """What the order's approved returns still owe the customer: their replace and exchange
    lines, less what shipments carrying that return (Shipment.return_id) sent of the product."""
    owed: dict[tuple[int, int], list] = {}
    rows = session.execute(
        select(Return.id, Return.rma, ReturnLine.outcome, ReturnLine.quantity,
               ReturnLine.exchange_product_id, OrderLine.product_id)
        .join(ReturnLine, ReturnLine.return_id == Return.id)
        .join(OrderLine, OrderLine.id == ReturnLine.order_line_id)
        .where(Return.order_id == order_id, Return.status == ReturnStatus.APPROVED,
               ReturnLine.outcome.in_(GOES_OUT))
        .order_by(Return.id, ReturnLine.id))
    for return_id, rma, outcome, quantity, exchange_id, original_id in rows:
        product_id = exchange_id if outcome == ReturnOutcome.EXCHANGE else original_id
        if product_id is None:
            continue
        kind = "exchange" if outcome == ReturnOutcome.EXCHANGE else "replacement"
        entry = owed.setdefault((return_id, product_id), [rma, 0, kind])
        entry[1] += quantity
    if not owed:
        return []
    sent = dict.fromkeys(owed, 0)
    for return_id, product_id, total in session.execute(
            select(Shipment.return_id, ShipmentLine.product_id, func.sum(ShipmentLine.quantity))
            .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
            .where(Shipment.return_id.in_({r for r, _ in owed}),
                   ShipmentLine.product_id.is_not(None))
            .group_by(Shipment.return_id, ShipmentLine.product_id)):
        sent[(return_id, product_id)] = sent.get((return_id, product_id), 0) + int(total or 0)
    products = {row.id: row for row in session.execute(
        select(Product.id, Product.sku, Product.name)
        .where(Product.id.in_({pid for _, pid in owed})))}
    out = []
    for (return_id, product_id), (rma, quantity, kind) in owed.items():
        left = quantity - sent[(return_id, product_id)]
        if left > 0:
            product = products[product_id]
            out.append(OwedView(return_id, rma, product_id, product.sku, product.name, left,
                                kind))
    return out


def _hold_view(hold) -> HoldView:
    return HoldView(id=hold.id, reason=str(hold.reason.value), note=hold.note,
                    placed_by=hold.placed_by, placed_at=hold.placed_at)


def _shipment_view(s) -> ShipmentView:
    return ShipmentView(
        id=s.id, carrier=s.carrier, service=s.service, shipped_at=s.shipped_at,
        tracking_number=s.tracking_number, tracking_url=tracking_url(s.carrier, s.tracking_number),
        delivered_at=s.delivered_at,
    )


_OPEN_DISCREPANCIES = (
    select(Discrepancy.id, Discrepancy.type, Discrepancy.severity, Discrepancy.status,
           Discrepancy.title, Discrepancy.evidence["words"].label("words"))  # findings.WORDS
    .where(Discrepancy.order_id == bindparam("order_id"), _OPEN).order_by(Discrepancy.id)
)


def _open_discrepancies(session: Session | Connection,
                        order_id: int) -> tuple[DiscrepancySummary, ...]:
    rows = session.execute(_OPEN_DISCREPANCIES, {"order_id": order_id})
    return tuple(
        DiscrepancySummary(id=d.id, type=str(d.type.value), severity=str(d.severity.value),
                           status=str(d.status.value), title=d.title,
                           words=d.words if isinstance(d.words, dict) else None)
        for d in rows
    )


def event_view(event) -> EventView:
    """`event`: an Event or a row with its columns."""
    changes = tuple(
        FieldChange(field=str(c.get("field", "")), before=_text(c.get("before")),
                    after=_text(c.get("after")), line_no=c.get("line_no"),
                    name=str(c.get("name", "")), currency=c.get("currency"),
                    before_minor=c.get("before_minor"), after_minor=c.get("after_minor"))
        for c in (event.changes or [])
        # The importer keeps its content fingerprint here; it is bookkeeping, not a change.
        if isinstance(c, dict) and c.get("field") != FINGERPRINT_FIELD
    )
    return EventView(id=event.id, at=event.at, actor_id=event.actor_id, kind=event.kind,
                     summary=event.summary, changes=changes)


def _text(value) -> str:
    return "" if value is None else str(value)


_SUBTOTAL = (
    select(func.coalesce(func.sum(OrderLine.quantity * OrderLine.unit_price_minor), 0))
    .where(OrderLine.order_id == Order.id).correlate(Order).scalar_subquery()
)
_CANDIDATE_ROWS = (
    select(Order.id, Order.ref, Order.po_number, Order.ordered_at, Order.status,
           Order.fulfilment_status, Order.shipping_minor, Order.currency, Customer.name,
           Order.customer_id, Customer.sales_rep_id, _SUBTOTAL.label("subtotal"))
    .join(Customer, Customer.id == Order.customer_id)
)
_CANDIDATES = _CANDIDATE_ROWS.where(Order.id.in_(bindparam("ids", expanding=True)))


def candidates(session: Session, scored: Sequence[tuple[int, float, str]]) -> list[Candidate]:
    """(order id, score, matched_on) -> Candidates in the same order, with totals."""
    ids = [order_id for order_id, _, _ in scored]
    if not ids:
        return []
    rows = session.connection().execute(_CANDIDATES, {"ids": ids}).all()  # no ORM path
    by_id = {row.id: row for row in rows}
    return [_candidate(by_id[order_id], score, matched_on)
            for order_id, score, matched_on in scored if order_id in by_id]


def candidates_of_customers(session: Session, customers: Mapping[int, tuple[float, str]],
                            limit: int) -> tuple[list[Candidate], int]:
    """The first `limit` of the customers' orders as the lookup ranks them, as Candidates
    scored as their customer ({customer id: (score, matched_on)}, best first), and how many
    orders the customers have in all.

    One statement where a name search ran three (the newest ids, their rows, the count): each
    statement costs more in the driver and SQLAlchemy than these indexed reads do to run. It
    ranks too, so only the rows shown come back (not `limit` per customer, which were read,
    converted and dropped: 22 rows for a page of 5)."""
    if not customers:
        return [], 0
    ids = list(customers)
    params = customers_bound(ids)
    params.update({f"s{i}": shown_score(score) for i, (score, _m) in enumerate(customers.values())})
    rows = session.connection().execute(_of_customers(len(ids), limit), params).all()
    total = rows[0].total if rows else 0
    return [_candidate(row, *customers[row.customer_id]) for row in rows], int(total)


# Statements kept built per shape (customers, orders each): paging deeper makes new shapes,
# so the number kept is bounded.
SHAPES_KEPT = 64


@functools.lru_cache(maxsize=SHAPES_KEPT)
def newest_of_customers(count: int, limit: int):
    """(customer_id, id) of the newest `limit` orders of each of `count` customers, bound as
    c0, c1, …: a UNION ALL of per-customer index range scans on (customer_id, ordered_at).
    Built once per shape: building the UNION and its cache key cost more than running it."""
    parts = [
        select(Order.customer_id, Order.id).where(Order.customer_id == bindparam(f"c{i}"))
        .order_by(Order.ordered_at.desc()).limit(limit).subquery()
        for i in range(count)
    ]
    return union_all(*[select(p.c.customer_id, p.c.id) for p in parts])


def customers_bound(customer_ids: Sequence[int]) -> dict[str, int]:
    """The parameters of newest_of_customers(len(customer_ids), …)."""
    return {f"c{i}": cid for i, cid in enumerate(customer_ids)}


@functools.lru_cache(maxsize=SHAPES_KEPT)
def _of_customers(count: int, limit: int):
    """candidates_of_customers' statement, built once per shape: each customer's newest
    `limit` orders (index range scans on (customer_id, ordered_at)) with its score s<i> and
    place i, ranked as find_orders sorts candidates (score, then newest; ties in the
    customers' order, then the newest id), the first `limit` kept."""
    parts = [
        select(Order.id, bindparam(f"s{i}", type_=Float).label("score"),
               literal_column(str(i)).label("place"))
        .where(Order.customer_id == bindparam(f"c{i}"))
        .order_by(Order.ordered_at.desc()).limit(limit).subquery()
        for i in range(count)
    ]
    newest = union_all(*[select(p.c.id, p.c.score, p.c.place) for p in parts]).subquery()
    total = select(func.count()).select_from(Order).where(
        Order.customer_id.in_([bindparam(f"c{i}") for i in range(count)]))
    return (_CANDIDATE_ROWS.add_columns(total.scalar_subquery().label("total"))
            .join(newest, newest.c.id == Order.id)
            .order_by(newest.c.score.desc(), Order.ordered_at.desc(), newest.c.place,
                      Order.id.desc())
            .limit(limit))


def shown_score(score: float) -> float:
    """A match's score as a Candidate carries it, and as lookups rank by: one decimal."""
    return round(float(score), 1)


def _candidate(row, score: float, matched_on: str) -> Candidate:
    return Candidate(
        ref=row.ref, customer_name=row.name, po_number=row.po_number,
        ordered_at=row.ordered_at, status=str(row.status.value),
        fulfilment_status=str(row.fulfilment_status.value),
        total_minor=int(row.subtotal) + row.shipping_minor, currency=row.currency,
        score=shown_score(score), matched_on=matched_on,
        customer_id=row.customer_id, account_rep_id=row.sales_rep_id,
    )


OPEN_STATES = (OrderStatus.DRAFT, OrderStatus.OPEN)

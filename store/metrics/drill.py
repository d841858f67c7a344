"""The orders behind a digest figure (the drill-down buttons): orders due in the period and
not shipped on time, orders past due at its end, shipped orders not in full or not perfect,
returns, and the backlog at the end of the period.

    drill_orders(db, kind="late", period=p, timezone="UTC", limit=20) -> DrillView

The same definitions as the figures (store.metrics.queries), listed instead of counted.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import (
    and_,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased, join, outerjoin

from store import clock
from store.db import Database
from store.enums import OrderStatus
from store.errors import ValidationFailed
from store.metrics.digest import tune_for_reports
from store.metrics.sql import (
    NOT_OWED,
    due_date,
    first_shipments,
    local_day,
    ordinal,
)
from store.models import (
    Customer,
    Order,
    OrderReceivedFacts,
    OrderShipFacts,
    Return,
    Shipment,
)
from store.periods import Period, past_due_point, utc_offsets, zone
from store.types import UTCDateTime
from store.views.metrics import DrillOrder, DrillView

KINDS = ("late", "past_due", "short", "imperfect", "returned", "backlog")
REASONS = ("late", "not_in_full", "problem_shipment", "returned", "unshipped", "past_due")
DRILL_LIMIT = 20
ONE_DAY = timedelta(days=1)


def drill_orders(db: Database, *, kind: str, period: Period, timezone: str,
                 limit: int = DRILL_LIMIT) -> DrillView:
    if kind not in KINDS:
        raise ValidationFailed({"kind": f"`{kind}` is not a list. Use one of: {', '.join(KINDS)}."})
    zone(timezone)
    start, end = period.utc_bounds(timezone)
    offsets = utc_offsets(start, max(end, clock.now()) + ONE_DAY, timezone)
    if kind in ("short", "imperfect"):
        query = _shipped(db.dialect, kind, start, end, offsets)
    elif kind == "late":
        query = _late(db.dialect, period, (start, end), offsets)
    elif kind == "past_due":
        query = _past_due(*past_due_point(period, timezone, clock.now()))
    elif kind == "returned":
        query = _returned(start, end)
    else:
        query = _backlog(db.dialect, end)
    listed = query.subquery("listed")
    rows_query = (select(listed, func.count().over().label("total"))
                  .order_by(listed.c.ordered_at, listed.c.ref).limit(limit))
    with db.read() as session:
        tune_for_reports(session, db.dialect)
        rows = session.execute(rows_query).mappings().all()
    orders = tuple(DrillOrder(
        ref=r["ref"], customer_name=r["customer_name"], ordered_at=r["ordered_at"],
        first_shipped_at=r["first_at"], due_date=r["due"], rma=r["rma"],
        reasons=tuple(name for name in REASONS if r[name])) for r in rows)
    return DrillView(kind=kind, period=period, timezone=timezone,
                     total=rows[0]["total"] if rows else 0, orders=orders)


def _columns(first_at, **flags):
    def flag(value):
        return value if not isinstance(value, bool) else literal(1 if value else 0)
    rma = flags.pop("rma", None)
    return (Order.ref.label("ref"), Customer.name.label("customer_name"),
            Order.ordered_at.label("ordered_at"), first_at.label("first_at"),
            due_date().label("due"),
            *(flag(flags.get(name, False)).label(name) for name in REASONS),
            (rma if rma is not None else null()).label("rma"))


def _with_customer(facts, key):
    return join(facts, Order, Order.id == key).join(Customer, Customer.id == Order.customer_id)


def _shipped(dialect: str, kind: str, start, end, offsets):
    """Shipped in the period and not in full yet (short), or not perfect (imperfect): the
    same conditions as store.metrics.queries.shipped."""
    f = OrderShipFacts
    short = f.complete_at.is_(None)
    late = and_(~short, f.due_date.is_not(None),
                local_day(dialect, f.complete_at, offsets) > f.due_date)
    wanted = short if kind == "short" else or_(short, late, f.problem == true())
    return (select(*_columns(f.first_shipped_at, late=ordinal(late), not_in_full=ordinal(short),
                             problem_shipment=ordinal(f.problem == true())))
            .select_from(_with_customer(f, f.order_id))
            .where(f.first_shipped_at >= start, f.first_shipped_at < end, wanted))


def _late(dialect: str, period: Period, bounds, offsets):
    """Due in the period and not shipped by the end of the due date: shipped late, or not
    shipped (store.metrics.queries.due)."""
    r, f = OrderReceivedFacts, OrderShipFacts
    start, end = bounds
    first = f.first_shipped_at
    on_time = and_(first.is_not(None), or_(first < start, and_(
        first < end, local_day(dialect, first, offsets) <= r.due_date)))
    return (select(*_columns(first, late=ordinal(first.is_not(None)),
                             unshipped=ordinal(first.is_(None))))
            .select_from(_with_customer(outerjoin(r, f, f.order_id == r.order_id),
                                        r.order_id))
            .where(r.due_date >= period.start, r.due_date <= period.last_day, r.owed == true(),
                   or_(r.is_open == true(), f.order_id.is_not(None)), ~on_time))


def _past_due(moment, day):
    """Past due at `moment` (store.metrics.queries.past_due)."""
    r, f = OrderReceivedFacts, OrderShipFacts
    later = f.complete_at >= moment
    return (select(*_columns(f.first_shipped_at, past_due=True))
            .select_from(_with_customer(outerjoin(r, f, f.order_id == r.order_id),
                                        r.order_id))
            .where(r.due_date < day, r.owed == true(), r.ordered_at < moment,
                   or_(and_(r.is_open == true(), or_(f.complete_at.is_(None), later)), later)))


def _returned(start, end):
    first = (select(Return.order_id.label("order_id"), func.min(Return.rma).label("rma"))
             .where(Return.created_at >= start, Return.created_at < end)
             .group_by(Return.order_id).subquery("rmas"))
    s = aliased(Shipment, name="s")
    first_at = (select(func.min(s.shipped_at)).where(s.order_id == Order.id, s.return_id.is_(None))
                .scalar_subquery())
    return (select(*_columns(first_at, returned=True, rma=first.c.rma))
            .select_from(first.join(Order, Order.id == first.c.order_id)
                         .join(Customer, Customer.id == Order.customer_id)))


def _backlog(dialect: str, moment):
    s = aliased(Shipment, name="s")
    never = (select(*_columns(type_coerce(null(), UTCDateTime()), unshipped=True))
             .select_from(Order).join(Customer, Customer.id == Order.customer_id)
             .where(Order.status == OrderStatus.OPEN, Order.ordered_at < moment,
                    ~exists().where(s.order_id == Order.id, s.return_id.is_(None))))
    later = first_shipments(dialect, moment, None)
    shipped_later = (select(*_columns(later.c.first_at, unshipped=True))
                     .select_from(later.join(Order, Order.id == later.c.order_id)
                                  .join(Customer, Customer.id == Order.customer_id))
                     .where(Order.ordered_at < moment, Order.status.notin_(NOT_OWED)))
    return union_all(never, shipped_later)

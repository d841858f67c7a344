"""The orders behind a digest figure (the drill-down buttons): late, backordered and
imperfect shipments, returns, and the backlog at the end of the period.

    drill_orders(db, kind="late", period=p, timezone="UTC", limit=20) -> DrillView

The same definitions as the figures (store.metrics.queries), listed instead of counted.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, func, literal, null, or_, select, type_coerce, union_all
from sqlalchemy.orm import aliased

from store.db import Database
from store.enums import OrderStatus
from store.errors import ValidationFailed
from store.metrics.digest import tune_for_reports
from store.metrics.sql import (
    NOT_OWED,
    backordered_line,
    due_date,
    first_shipments,
    local_day,
    ordinal,
    problem_shipment,
)
from store.models import Customer, Order, OrderLine, Return, Shipment
from store.periods import Period, utc_offsets, zone
from store.types import UTCDateTime
from store.views.metrics import DrillOrder, DrillView

SHIPPED_KINDS = ("late", "short", "imperfect")
KINDS = (*SHIPPED_KINDS, "returned", "backlog")
DRILL_LIMIT = 20


def drill_orders(db: Database, *, kind: str, period: Period, timezone: str,
                 limit: int = DRILL_LIMIT) -> DrillView:
    if kind not in KINDS:
        raise ValidationFailed({"kind": f"`{kind}` is not a list. Use one of: {', '.join(KINDS)}."})
    zone(timezone)
    start, end = period.utc_bounds(timezone)
    if kind in SHIPPED_KINDS:
        query = _shipped(db.dialect, kind, start, end, utc_offsets(start, end, timezone))
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
        reasons=tuple(name for name in ("late", "backordered", "problem_shipment", "returned",
                                        "unshipped") if r[name])) for r in rows)
    return DrillView(kind=kind, period=period, timezone=timezone,
                     total=rows[0]["total"] if rows else 0, orders=orders)


def _columns(first_at, *, late=False, short=False, problem=False, returned=False,
             unshipped=False, rma=None):
    def flag(value):
        return value if not isinstance(value, bool) else literal(1 if value else 0)
    return (Order.ref.label("ref"), Customer.name.label("customer_name"),
            Order.ordered_at.label("ordered_at"), first_at.label("first_at"),
            due_date().label("due"), flag(late).label("late"), flag(short).label("backordered"),
            flag(problem).label("problem_shipment"), flag(returned).label("returned"),
            flag(unshipped).label("unshipped"), (rma if rma is not None else null()).label("rma"))


def _shipped(dialect: str, kind: str, start, end, offsets):
    cohort = first_shipments(dialect, start, end)
    x, y = aliased(OrderLine, name="x"), aliased(Shipment, name="y")
    short = exists().where(x.order_id == cohort.c.order_id, backordered_line(x))
    problem = exists().where(y.order_id == cohort.c.order_id, problem_shipment(y))
    late = and_(due_date().is_not(None),
                local_day(dialect, cohort.c.first_at, offsets) > due_date())
    wanted = {"late": late, "short": short, "imperfect": or_(late, short, problem)}[kind]
    return (select(*_columns(cohort.c.first_at, late=ordinal(late), short=ordinal(short),
                             problem=ordinal(problem)))
            .select_from(cohort.join(Order, Order.id == cohort.c.order_id)
                         .join(Customer, Customer.id == Order.customer_id))
            .where(wanted))


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

"""Per-order fulfilment facts (order_ship_facts): what the digest needs of a shipped order.

A facts row exists for an order iff it has a shipment that is not a replacement
(return_id empty); it holds what the digest needs of the order, its lines and its shipments
(store.models.OrderShipFacts), including when its last unit shipped. Its inputs are Order
(ordered_at, status, promised_date, requested_date), OrderLine (the lines, quantity,
quantity_backordered), Shipment (shipped_at, return_id, damaged, documents_ok) and
ShipmentLine (order_line_id, quantity). store.facts keeps the rows in step with every write.
"""

from __future__ import annotations

from sqlalchemy import and_, case, exists, func, literal_column, select
from sqlalchemy.orm import aliased

from store.models import Order, OrderLine, Shipment, ShipmentLine

_NOT_OWED = ("draft", "canceled")

__all__ = ["ship_facts_select"]


def ship_facts_select(dialect: str, which=None):
    """SELECT of the facts rows (columns in table order) of the orders matching `which`
    (a condition on Order; None: every order). Migration 0003 backfilled with the same SQL."""
    s, line, y = (aliased(Shipment, name="s"), aliased(OrderLine, name="l"),
                  aliased(Shipment, name="y"))
    first = (select(func.min(s.shipped_at)).where(s.order_id == Order.id, s.return_id.is_(None))
             .scalar_subquery())
    first_at = first.label("first_shipped_at")
    lines = select(func.count()).where(line.order_id == Order.id).scalar_subquery()
    short = (select(func.count()).where(line.order_id == Order.id,
                                        line.quantity_backordered > literal_column("0"))
             .scalar_subquery())
    problem = exists().where(y.order_id == Order.id, y.return_id.is_(None),
                             (y.damaged == True) | (y.documents_ok == False))  # noqa: E712
    shipped = exists().where(s.order_id == Order.id, s.return_id.is_(None))
    full_lines, complete_at = _completion()
    inner = (select(
        Order.id.label("order_id"), first_at, Order.ordered_at.label("ordered_at"),
        func.coalesce(Order.promised_date, Order.requested_date).label("due_date"),
        Order.status.notin_(_NOT_OWED).label("owed"),
        lines.label("line_count"), short.label("short_lines"), problem.label("problem"),
        full_lines.label("full_lines"), complete_at.label("last_done"))
        .where(shipped if which is None else and_(which, shipped)).subquery("f"))
    return select(inner.c.order_id, inner.c.first_shipped_at, inner.c.ordered_at,
                  inner.c.due_date, inner.c.owed, inner.c.line_count, inner.c.short_lines,
                  inner.c.problem, _hours(dialect, inner.c.first_shipped_at,
                                          inner.c.ordered_at).label("cycle_hours"),
                  case((and_(inner.c.line_count > 0, inner.c.full_lines == inner.c.line_count),
                        inner.c.last_done)).label("complete_at"), inner.c.full_lines)


def _completion():
    """(lines with every unit shipped, when the last of them completed) as scalar subqueries
    correlated to Order. A line completes at the earliest of the order's own shipments by
    whose time (ties included) its shipped units reach its quantity; replacement shipments
    never count. One running sum per line over the order's shipments (a window), read through
    the order's own index entries: nested correlated sums were planned as nested scans on
    PostgreSQL, and a join against a derived table of all orders re-ran it per order whenever
    the planner's row estimates were stale (a bulk load before ANALYZE)."""
    line, at, item = (aliased(OrderLine, name="cl"), aliased(Shipment, name="ca"),
                      aliased(ShipmentLine, name="ci"))
    # Every own shipment of the order is a moment the line may complete at, with or without
    # units of it; the default RANGE frame counts shipments at the same moment together. The
    # units come from a scalar subquery (an index probe per pair) so that no plan can scan
    # every shipment line per order, whatever the planner believes of the tables' sizes.
    units = (select(func.coalesce(func.sum(item.quantity), 0))
             .where(item.shipment_id == at.id, item.order_line_id == line.id)
             .correlate(at, line).scalar_subquery())
    running = (select(line.id.label("line_id"), line.quantity.label("quantity"),
                      at.shipped_at.label("at"),
                      func.sum(units).over(partition_by=line.id, order_by=at.shipped_at)
                      .label("units"))
               .select_from(line)
               .join(at, and_(at.order_id == line.order_id, at.return_id.is_(None)))
               .where(line.order_id == Order.id).correlate(Order).subquery("running"))
    done = (select(func.min(running.c.at).label("done_at"))
            .where(running.c.units >= running.c.quantity)
            .group_by(running.c.line_id).subquery("done"))
    return (select(func.count()).select_from(done).scalar_subquery(),
            select(func.max(done.c.done_at)).scalar_subquery())


def _hours(dialect: str, later, earlier):
    if dialect == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 24.0
    return func.extract("epoch", later - earlier) / 3600.0

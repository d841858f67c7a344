"""Per-order fulfilment facts (order_ship_facts), kept exactly in step with their inputs.

    refresh_ship_facts(session, order_ids=[...])   # after writing orders, lines, shipments
    refresh_ship_facts(session, id_range=(lo, hi))  # after a bulk load of new orders

A facts row exists for an order iff it has a shipment that is not a replacement
(return_id empty); it holds what the digest needs of the order, its lines and its shipments
(store.models.OrderShipFacts). Its inputs are Order (ordered_at, status, promised_date,
requested_date), OrderLine (the lines, quantity_backordered) and Shipment (shipped_at,
return_id, damaged, documents_ok). Every ORM flush that touches one of those refreshes the
orders concerned in the same transaction (track_ship_facts, installed on each Database's
writer sessions), so no writer can forget; writers that bypass the ORM (the seed's bulk
load) call refresh_ship_facts themselves. A refresh deletes the orders' rows and
recomputes them from scratch: one small statement pair per write, and always right.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, delete, event, exists, func, insert, literal_column, select
from sqlalchemy.orm import Session, aliased

from store.models import Order, OrderLine, OrderShipFacts, Shipment

# Both databases cap bound parameters; a flush rarely touches more orders than this.
CHUNK = 500
_INPUTS = (Order, OrderLine, Shipment)
_NOT_OWED = ("draft", "canceled")

__all__ = ["facts_select", "refresh_ship_facts", "track_ship_facts"]


def refresh_ship_facts(session: Session, *, order_ids: Iterable[int] = (),
                       id_range: tuple[int, int] | None = None) -> None:
    """Recompute the facts of these orders (ids, and/or the ids lo..hi inclusive)."""
    connection = session.connection()
    ids = sorted({i for i in order_ids if i is not None})
    for part in (ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)):
        connection.execute(delete(OrderShipFacts).where(OrderShipFacts.order_id.in_(part)))
        connection.execute(_insert(connection.dialect.name, Order.id.in_(part)))
    if id_range is not None:
        lo, hi = id_range
        connection.execute(delete(OrderShipFacts)
                           .where(OrderShipFacts.order_id.between(lo, hi)))
        connection.execute(_insert(connection.dialect.name, Order.id.between(lo, hi)))


def _insert(dialect: str, which):
    columns = [c.name for c in OrderShipFacts.__table__.columns]
    return insert(OrderShipFacts).from_select(columns, facts_select(dialect, which))


def facts_select(dialect: str, which=None):
    """SELECT of the facts rows (columns in table order) of the orders matching `which`
    (a condition on Order; None: every order). The migration backfills with the same SQL."""
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
    inner = (select(
        Order.id.label("order_id"), first_at, Order.ordered_at.label("ordered_at"),
        func.coalesce(Order.promised_date, Order.requested_date).label("due_date"),
        Order.status.notin_(_NOT_OWED).label("owed"),
        lines.label("line_count"), short.label("short_lines"), problem.label("problem"))
        .where(shipped if which is None else and_(which, shipped)).subquery("f"))
    return select(inner.c.order_id, inner.c.first_shipped_at, inner.c.ordered_at,
                  inner.c.due_date, inner.c.owed, inner.c.line_count, inner.c.short_lines,
                  inner.c.problem, _hours(dialect, inner.c.first_shipped_at,
                                          inner.c.ordered_at).label("cycle_hours"))


def _hours(dialect: str, later, earlier):
    if dialect == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 24.0
    return func.extract("epoch", later - earlier) / 3600.0


def track_ship_facts(target) -> None:
    """Refresh, after every flush, the facts of the orders whose inputs it wrote.
    `target`: a sessionmaker or Session class."""
    event.listen(target, "after_flush", _after_flush)


def _after_flush(session: Session, _context) -> None:
    # Inside after_flush the new/dirty/deleted sets still show what was just written, and
    # new rows already carry their ids.
    touched = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Order):
            touched.add(obj.id)
        elif isinstance(obj, OrderLine | Shipment):
            touched.add(obj.order_id)
    if touched:
        refresh_ship_facts(session, order_ids=touched)


"""The digest's per-order facts tables, kept exactly in step with their inputs.

    refresh_order_facts(session, order_ids=[...])   # after writing orders, lines, shipments
    refresh_order_facts(session, id_range=(lo, hi))  # after a bulk load of new orders

Two tables: order_received_facts (store/facts/received.py: every received order, its lines
counted and valued) and order_ship_facts (store/facts/shipped.py: every shipped order, its first
shipment and its completion). Every ORM flush that writes an Order, OrderLine, Shipment or
ShipmentLine refreshes both for the orders concerned in the same transaction
(track_order_facts, installed on each Database's writer sessions), so no writer can forget; writers that bypass the ORM (the seed's bulk load,
the importer's COPY) call refresh_order_facts themselves. A refresh deletes the orders' rows
and recomputes them from scratch: a small statement pair per table per write, always right.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, event, insert
from sqlalchemy.orm import Session

from store.facts.received import received_facts_select
from store.facts.shipped import ship_facts_select
from store.models import (
    Order,
    OrderLine,
    OrderReceivedFacts,
    OrderShipFacts,
    Shipment,
    ShipmentLine,
)

# Both databases cap bound parameters; a flush rarely touches more orders than this.
CHUNK = 500
# (table, SELECT of its rows for the orders matching a condition on Order), in the order they
# are refreshed: the received facts read the ship facts' completion.
FACTS = ((OrderShipFacts, ship_facts_select), (OrderReceivedFacts, received_facts_select))

__all__ = ["refresh_order_facts", "track_order_facts"]


def refresh_order_facts(session: Session, *, order_ids: Iterable[int] = (),
                        id_range: tuple[int, int] | None = None) -> None:
    """Recompute the facts of these orders (ids, and/or the ids lo..hi inclusive)."""
    ids = sorted({i for i in order_ids if i is not None})
    for part in (ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)):
        _refresh(session, lambda column, part=part: column.in_(part))
    if id_range is not None:
        _refresh(session, lambda column: column.between(*id_range))


def _refresh(session: Session, which) -> None:
    connection = session.connection()
    for table, rows in FACTS:
        columns = [c.name for c in table.__table__.columns]
        connection.execute(delete(table).where(which(table.order_id)))
        connection.execute(insert(table).from_select(
            columns, rows(connection.dialect.name, which(Order.id))))


def track_order_facts(target) -> None:
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
        elif isinstance(obj, ShipmentLine) and obj.shipment is not None:
            touched.add(obj.shipment.order_id)
    if touched:
        refresh_order_facts(session, order_ids=touched)

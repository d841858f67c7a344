"""Shipping helpers and the digest facts they should produce, for the facts tests."""

from __future__ import annotations

from sqlalchemy import select

from store.fulfilment.shipments import ShipRequest, ship_order
from store.models import Order, OrderShipFacts
from tests.support.clock import TODAY
from tests.support.fulfil_desk import REF

ACTOR = "U0PROC1"


def expected(db) -> dict:
    with db.read() as s:
        orders = s.scalars(select(Order)).all()
        found = {}
        for order in orders:
            own = [x for x in order.shipments if x.return_id is None]
            if not own:
                continue
            first = min(x.shipped_at for x in own)
            done, complete = completion(order)
            found[order.id] = (
                first, order.ordered_at, order.promised_date or order.requested_date,
                order.status.value not in ("draft", "canceled"), len(order.lines),
                sum(1 for line in order.lines if line.quantity_backordered > 0),
                any(x.damaged or not x.documents_ok for x in own),
                Hours((first - order.ordered_at).total_seconds() / 3600),
                complete, sum(d is not None for d in done))
        return found


def completion(order) -> tuple[list, object]:
    """(when each line's units were all shipped, or None; when the order's last unit shipped,
    or None while any is owed or if it has no lines), replacement shipments aside."""
    own = [x for x in order.shipments if x.return_id is None]
    done = [_done_at(line, own) for line in order.lines]
    return done, max(done) if done and None not in done else None


class Hours(float):
    """A cycle time, equal to another within a millisecond: SQLite computes it from julianday's
    doubles (~50 µs apart at these dates), so rounding both to 4 places split them whenever a
    shipment left ~0.18 s after a whole hour (5e-5 h, the rounding's midpoint)."""

    def __eq__(self, other) -> bool:
        return isinstance(other, float) and abs(self - other) < 1e-3 / 3600

    def __ne__(self, other) -> bool:
        return not self == other

    __hash__ = float.__hash__


def _done_at(line, shipments):
    """When the line's shipped units first reached its quantity (shipments at one instant
    count together), or None."""
    for moment in sorted({x.shipped_at for x in shipments}):
        units = sum(item.quantity for x in shipments if x.shipped_at <= moment
                    for item in x.lines if item.order_line_id == line.id)
        if units >= line.quantity:
            return moment
    return None


def stored(db) -> dict:
    with db.read() as s:
        return {f.order_id: (f.first_shipped_at, f.ordered_at, f.due_date, bool(f.owed),
                             f.line_count, f.short_lines, bool(f.problem),
                             Hours(f.cycle_hours), f.complete_at, f.full_lines)
                for f in s.scalars(select(OrderShipFacts))}


def ship(db, ref=REF, day=TODAY, **quantities):
    request = ShipRequest("Other", None, day, None, {k: str(v) for k, v in quantities.items()})
    return ship_order(db, ref=ref, actor=ACTOR, request=request)

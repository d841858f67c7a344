"""What has come back on an order, and what still has to go out because of it.

Returns count against a line's shipped quantity unless rejected (a pending one holds its
units, so they can't be returned twice). The order's fulfilment and payment axes move once a
return is approved (at once, or by a manager): one waiting for a decision may be rejected.
Replacement and exchange goods owed to the customer (store.records.owed_goods, on the order's
view too) are the replace/exchange lines of approved returns, less what shipments carrying that
return (Shipment.return_id) already sent of that product (ShipmentLine.product_id).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store import clock
from store.enums import FulfilmentStatus, OrderStatus, PaymentStatus, ReturnOutcome, ReturnStatus
from store.models import (
    APPROVED_RETURN,
    Order,
    Return,
    ReturnLine,
)
from store.records import shipped_quantities

COUNTED = (ReturnStatus.REQUESTED, ReturnStatus.AWAITING_APPROVAL, ReturnStatus.APPROVED,
           ReturnStatus.RECEIVED, ReturnStatus.CLOSED)
MONEY_BACK = (ReturnOutcome.REFUND, ReturnOutcome.CLAIM)
# Money was taken, so a refund gives it back; an unpaid order's refund is a credit against
# what is still owed (store.models.refunded, taken off its unpaid balance), and its payment
# status stays what it was (awaiting, authorized, failed).
PAID = (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)


def returned_quantities(session: Session, line_ids: Sequence[int],
                        outcomes: Sequence[ReturnOutcome] | None = None,
                        statuses: Sequence[ReturnStatus] = COUNTED) -> dict[int, int]:
    """order line id -> units on returns in `statuses` (by default: not rejected), optionally
    of some outcomes."""
    if not line_ids:
        return {}
    query = (select(ReturnLine.order_line_id, func.sum(ReturnLine.quantity))
             .join(Return, Return.id == ReturnLine.return_id)
             .where(ReturnLine.order_line_id.in_(list(line_ids)), Return.status.in_(statuses))
             .group_by(ReturnLine.order_line_id))
    if outcomes is not None:
        query = query.where(ReturnLine.outcome.in_(list(outcomes)))
    return {line_id: int(total or 0) for line_id, total in session.execute(query)}


def refund_totals(session: Session, order_id: int, statuses=COUNTED) -> tuple[int, int]:
    """(goods refunded, shipping refunded) over the order's returns in `statuses`."""
    row = session.execute(
        select(func.coalesce(func.sum(Return.refund_minor), 0),
               func.coalesce(func.sum(Return.shipping_refund_minor), 0))
        .where(Return.order_id == order_id, Return.status.in_(list(statuses)))).one()
    return int(row[0]), int(row[1])


# --- the order's fulfilment and payment axes -------------------------------------------


def update_fulfilment(session: Session, order: Order,
                      shipped: dict[int, int] | None = None) -> list[dict]:
    """Fulfilment from what shipped and came back; returns the change for the events log.
    Approved returns win (partially_returned / returned) once nothing is left to ship; an open
    order still owing units stays partially_shipped, so the rest can be released, picked and
    flagged late; then shipped / partially_shipped; an order with nothing shipped keeps its
    warehouse stage (unfulfilled, allocated, picking, packed). `shipped` (line id -> units),
    when the caller has it: an edit's new lines have no id yet and have shipped nothing."""
    ids = [line.id for line in order.lines if line.id is not None]
    if shipped is None:
        shipped = shipped_quantities(session, ids)
    returned = returned_quantities(session, ids, statuses=APPROVED_RETURN)
    current = order.fulfilment_status
    owing = order.status == OrderStatus.OPEN and any(
        shipped.get(line.id, 0) < line.quantity for line in order.lines)
    if any(returned.values()) and not owing:
        whole = all(returned.get(line.id, 0) >= line.quantity for line in order.lines)
        new = FulfilmentStatus.RETURNED if whole else FulfilmentStatus.PARTIALLY_RETURNED
    elif order.lines and all(shipped.get(line.id, 0) >= line.quantity for line in order.lines):
        new = current if current == FulfilmentStatus.DELIVERED else FulfilmentStatus.SHIPPED
    elif any(shipped.values()):
        new = FulfilmentStatus.PARTIALLY_SHIPPED
    elif current in (FulfilmentStatus.PARTIALLY_RETURNED, FulfilmentStatus.RETURNED):
        new = FulfilmentStatus.UNFULFILLED
    else:
        new = current
    if new == current:
        return []
    order.fulfilment_status = new
    return [{"field": "fulfilment", "before": current.value, "after": new.value}]


def update_payment(session: Session, order: Order) -> list[dict]:
    """partially_refunded / refunded from the approved refunds against the order's total, when
    the order was paid."""
    if order.payment_status not in PAID:
        return []
    goods, shipping = refund_totals(session, order.id, APPROVED_RETURN)
    if goods + shipping <= 0:
        return []
    total = sum(line.quantity * line.unit_price_minor for line in order.lines) + \
        order.shipping_minor
    new = (PaymentStatus.REFUNDED if goods + shipping >= total
           else PaymentStatus.PARTIALLY_REFUNDED)
    current = order.payment_status
    if new == current:
        return []
    order.payment_status, order.payment_status_at = new, clock.now()
    return [{"field": "payment", "before": current.value, "after": new.value}]

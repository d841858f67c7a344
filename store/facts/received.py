"""Per-order received facts (order_received_facts): what the digest counts of an order the
moment it is received, so a period's orders, lines and value are one narrow index range read
instead of a join over every order line.

A row exists for an order iff its status is not draft; it holds the order's time, customer,
currency, whether anybody still waits for it (not canceled), of its lines how many, how many
backordered and their value (Σ quantity × unit_price_minor), whether it is open with no
shipment yet (replacements aside), its due date (promised, else requested), whether it is
open, and whether it is open with units still to ship. Inputs: Order (ordered_at,
customer_id, currency, status, promised_date, requested_date), OrderLine (quantity,
unit_price_minor, quantity_backordered), Shipment (return_id) and, for the last, the order's
ship facts row (its complete_at), so store.facts refreshes the ship facts first.
"""

from __future__ import annotations

from sqlalchemy import and_, case, exists, func, literal_column, select

from store.models import Order, OrderLine, OrderShipFacts, Shipment

NOT_RECEIVED = "draft"

__all__ = ["received_facts_select"]


def received_facts_select(dialect: str, which=None):
    """SELECT of the facts rows (columns in table order) of the orders matching `which` (a
    condition on Order; None: every order). One join grouped per order: the orders are read in
    key order and their lines through the (order_id, line_no) index, so nothing is sorted.
    Migrations 0004, 0008 and 0022 backfilled the same values."""
    zero = literal_column("0")
    shipped = exists().where(Shipment.order_id == Order.id, Shipment.return_id.is_(None))
    complete = exists().where(OrderShipFacts.order_id == Order.id,
                              OrderShipFacts.complete_at.is_not(None))
    received = Order.status != NOT_RECEIVED
    return (select(
        Order.id.label("order_id"), Order.ordered_at, Order.customer_id, Order.currency,
        (Order.status != "canceled").label("owed"),
        func.count(OrderLine.id).label("line_count"),
        func.coalesce(func.sum(case((OrderLine.quantity_backordered > zero, 1), else_=0)), 0)
        .label("short_lines"),
        func.coalesce(func.sum(OrderLine.quantity * OrderLine.unit_price_minor), 0)
        .label("value_minor"),
        and_(Order.status == "open", ~shipped).label("awaiting_shipment"),
        func.coalesce(Order.promised_date, Order.requested_date).label("due_date"),
        (Order.status == "open").label("is_open"),
        and_(Order.status == "open", ~complete).label("awaiting_completion"))
        .select_from(Order).outerjoin(OrderLine, OrderLine.order_id == Order.id)
        .where(received if which is None else and_(which, received))
        .group_by(Order.id))  # the other columns depend on the key (both databases know)

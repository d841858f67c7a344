"""Turning order rows into views: the full card, candidates, events. Read-only helpers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from store.enums import DiscrepancyStatus, OrderStatus
from store.errors import OrderNotFound
from store.importer.order_batch import FINGERPRINT_FIELD
from store.models import Customer, Discrepancy, Event, Order, OrderLine, ShipmentLine
from store.order_status import allowed_transitions
from store.tracking import tracking_url
from store.views import (
    AddressView,
    Candidate,
    DiscrepancySummary,
    EventView,
    FieldChange,
    HoldView,
    LineView,
    OrderView,
    ShipmentView,
)

REF_PREFIX = "SO-"
_REF = re.compile(r"^\s*(?:SO)?\s*[-#:]?\s*0*(\d{1,12})\s*$", re.IGNORECASE)
RECENT_EVENTS = 3


def ref_candidates(text: str) -> list[str]:
    """The refs a person may mean by 'SO-1042', 'so1042', '#1042' or '1042'."""
    cleaned = text.strip().upper()
    match = _REF.match(cleaned)
    refs = [cleaned] if cleaned else []
    if match:
        refs.append(f"{REF_PREFIX}{int(match.group(1))}")
    return list(dict.fromkeys(refs))


def load_order(session: Session, ref: str, *, for_update: bool = False,
               order_id: int | None = None) -> Order:
    """The order named by `ref` in any usual spelling (or by `order_id`), with lines, holds
    and shipments."""
    where = Order.id == order_id if order_id is not None else Order.ref.in_(
        ref_candidates(ref) or [""])
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
        stmt = stmt.with_for_update(of=Order)
    order = session.scalars(stmt).unique().first()
    if order is None:
        raise OrderNotFound(ref.strip())
    return order


def address_of(order: Order) -> AddressView:
    return AddressView(
        name=order.ship_name, line1=order.ship_line1, line2=order.ship_line2,
        city=order.ship_city, region=order.ship_region, postal_code=order.ship_postal_code,
        country=order.ship_country,
    )


def order_view(session: Session, order: Order) -> OrderView:
    lines = _line_views(session, order)
    subtotal = sum(line.line_total_minor for line in lines)
    return OrderView(
        id=order.id, ref=order.ref, version=order.version_id, customer_id=order.customer_id,
        customer_code=order.customer.code, customer_name=order.customer.name,
        sales_rep_id=order.sales_rep_id, po_number=order.po_number, currency=order.currency,
        ordered_at=order.ordered_at, requested_date=order.requested_date,
        promised_date=order.promised_date, status=str(order.status.value),
        fulfilment_status=str(order.fulfilment_status.value),
        payment_status=str(order.payment_status.value),
        holds=tuple(_hold_view(h) for h in order.holds if h.released_at is None),
        lines=lines, subtotal_minor=subtotal, shipping_minor=order.shipping_minor,
        total_minor=subtotal + order.shipping_minor, ship_to=address_of(order),
        shipping_instructions=order.shipping_instructions, notes=order.notes,
        shipments=tuple(_shipment_view(s) for s in order.shipments),
        open_discrepancies=_open_discrepancies(session, order.id),
        recent_events=tuple(
            event_view(e) for e in session.scalars(
                select(Event).where(Event.order_id == order.id)
                .order_by(Event.id.desc()).limit(RECENT_EVENTS)
            )
        ),
        allowed_transitions=allowed_transitions(order.status, order.fulfilment_status),
    )


def _line_views(session: Session, order: Order) -> tuple[LineView, ...]:
    shipped = shipped_quantities(session, [line.id for line in order.lines])
    return tuple(
        LineView(
            line_no=line.line_no, sku=line.sku,
            product_name=line.product.name if line.product else line.description,
            quantity=line.quantity, unit_price_minor=line.unit_price_minor,
            line_total_minor=line.quantity * line.unit_price_minor,
            quantity_shipped=shipped.get(line.id, 0),
            quantity_backordered=line.quantity_backordered,
            known_product=line.product_id is not None,
        )
        for line in order.lines
    )


def shipped_quantities(session: Session, line_ids: Sequence[int]) -> dict[int, int]:
    if not line_ids:
        return {}
    rows = session.execute(
        select(ShipmentLine.order_line_id, func.sum(ShipmentLine.quantity))
        .where(ShipmentLine.order_line_id.in_(line_ids))
        .group_by(ShipmentLine.order_line_id)
    )
    return {line_id: int(total or 0) for line_id, total in rows}


def _hold_view(hold) -> HoldView:
    return HoldView(id=hold.id, reason=str(hold.reason.value), note=hold.note,
                    placed_by=hold.placed_by, placed_at=hold.placed_at)


def _shipment_view(s) -> ShipmentView:
    return ShipmentView(
        id=s.id, carrier=s.carrier, service=s.service, shipped_at=s.shipped_at,
        tracking_number=s.tracking_number, tracking_url=tracking_url(s.carrier, s.tracking_number),
        delivered_at=s.delivered_at,
    )


def _open_discrepancies(session: Session, order_id: int) -> tuple[DiscrepancySummary, ...]:
    rows = session.scalars(
        select(Discrepancy)
        .where(Discrepancy.order_id == order_id,
               Discrepancy.status != DiscrepancyStatus.RESOLVED)
        .order_by(Discrepancy.id)
    )
    return tuple(
        DiscrepancySummary(id=d.id, type=str(d.type.value), severity=str(d.severity.value),
                           status=str(d.status.value), title=d.title)
        for d in rows
    )


def event_view(event: Event) -> EventView:
    changes = tuple(
        FieldChange(field=str(c.get("field", "")), before=_text(c.get("before")),
                    after=_text(c.get("after")))
        for c in (event.changes or [])
        # The importer keeps its content fingerprint here; it is bookkeeping, not a change.
        if isinstance(c, dict) and c.get("field") != FINGERPRINT_FIELD
    )
    return EventView(id=event.id, at=event.at, actor_id=event.actor_id, kind=event.kind,
                     summary=event.summary, changes=changes)


def _text(value) -> str:
    return "" if value is None else str(value)


def candidates(session: Session, scored: Sequence[tuple[int, float, str]]) -> list[Candidate]:
    """(order id, score, matched_on) -> Candidates in the same order, with totals."""
    ids = [order_id for order_id, _, _ in scored]
    if not ids:
        return []
    subtotal = (
        select(func.coalesce(func.sum(OrderLine.quantity * OrderLine.unit_price_minor), 0))
        .where(OrderLine.order_id == Order.id).correlate(Order).scalar_subquery()
    )
    rows = session.execute(
        select(Order.id, Order.ref, Order.po_number, Order.ordered_at, Order.status,
               Order.fulfilment_status, Order.shipping_minor, Order.currency, Customer.name,
               subtotal.label("subtotal"))
        .join(Customer, Customer.id == Order.customer_id).where(Order.id.in_(ids))
    ).all()
    by_id = {row.id: row for row in rows}
    out = []
    for order_id, score, matched_on in scored:
        row = by_id.get(order_id)
        if row is None:
            continue
        out.append(Candidate(
            ref=row.ref, customer_name=row.name, po_number=row.po_number,
            ordered_at=row.ordered_at, status=str(row.status.value),
            fulfilment_status=str(row.fulfilment_status.value),
            total_minor=int(row.subtotal) + row.shipping_minor, currency=row.currency,
            score=round(float(score), 1), matched_on=matched_on,
        ))
    return out


OPEN_STATES = (OrderStatus.DRAFT, OrderStatus.OPEN)

"""A carrier's word on a shipment (store.connect's tracking webhook): the shipment's tracking
status and delivered time follow; the order becomes delivered when all of it was; a failed
delivery or a return to sender opens a delivery_exception discrepancy; threads following the
order hear "out for delivery" and "delivered". Runs inside the caller's write transaction.

Carriers resend and reorder events: an event older than the one the shipment last took (by the
carrier's own time) changes nothing, and each follower notice and finding is queued once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import clock
from store.enums import DiscrepancyType, FulfilmentStatus
from store.fulfilment.pick import log
from store.models import Order, Shipment
from store.questions import notify_followers
from store.tracking import clean_tracking_number
from store.triage import RULES as CHECK_RULES
from store.triage import WORDS, Finding, open_findings

# EasyPost's tracker statuses (https://docs.easypost.com/docs/trackers).
STATUSES = ("unknown", "pre_transit", "in_transit", "out_for_delivery", "delivered",
            "available_for_pickup", "return_to_sender", "failure", "cancelled", "error")
EXCEPTIONS = {"failure": "could not be delivered", "return_to_sender": "is going back to sender"}
TOLD = ("out_for_delivery", "delivered")


@dataclass(frozen=True)
class TrackingUpdate:
    tracking_code: str
    status: str
    at: datetime  # when the carrier said it (the tracker's updated_at)
    delivered_at: datetime | None = None
    message: str | None = None  # the latest tracking detail's words


@dataclass(frozen=True)
class TrackingResult:
    order_ref: str | None  # None: no shipment has this tracking number
    status: str | None  # the shipment's status after the event
    applied: bool  # False: unknown number, or older than what the shipment has
    discrepancies: int = 0


def record_tracking(session: Session, update: TrackingUpdate) -> TrackingResult:
    number = clean_tracking_number(update.tracking_code)
    shipment = session.scalars(select(Shipment).where(Shipment.tracking_number == number)
                               .order_by(Shipment.id.desc()).limit(1)).first()
    if shipment is None:
        return TrackingResult(None, None, applied=False)
    order = session.get(Order, shipment.order_id, with_for_update=True)
    if shipment.tracking_updated_at is not None and update.at < shipment.tracking_updated_at:
        return TrackingResult(order.ref, shipment.tracking_status, applied=False)
    before = shipment.tracking_status
    shipment.tracking_status, shipment.tracking_updated_at = update.status, update.at
    if update.status == "delivered" and shipment.delivered_at is None:
        shipment.delivered_at = update.delivered_at or update.at
    if before != update.status:
        log(session, order, actor="carrier", kind="tracking",
            summary=f"{shipment.carrier} {number}: {_words(update.status)}"
                    f"{f' ({update.message})' if update.message else ''}",
            changes=[{"field": f"shipment {number}", "before": before or "",
                      "after": update.status}])
    _deliver_order(session, order)
    opened = _exception(session, order, shipment, update)
    if update.status in TOLD and before != update.status:
        when = shipment.delivered_at if update.status == "delivered" else None
        notify_followers(session, order_id=order.id,
                         dedupe_key=f"tracking:{shipment.id}:{update.status}",
                         text=f"{order.ref} {_told(update.status, when)} ({number}).",
                         status_text=f"{order.ref} {_told(update.status, when)}.")
    return TrackingResult(order.ref, shipment.tracking_status, applied=True,
                          discrepancies=opened)


def _deliver_order(session: Session, order: Order) -> None:
    """Delivered once every own shipment of a fully shipped order was."""
    if order.fulfilment_status != FulfilmentStatus.SHIPPED:
        return
    pending = session.scalar(select(Shipment.id).where(
        Shipment.order_id == order.id, Shipment.return_id.is_(None),
        Shipment.delivered_at.is_(None)).limit(1))
    if pending is None:
        order.fulfilment_status = FulfilmentStatus.DELIVERED
        log(session, order, actor="carrier", kind="fulfilment", summary="delivered",
            changes=[{"field": "fulfilment", "before": "shipped", "after": "delivered"}])


def _exception(session: Session, order: Order, shipment: Shipment,
               update: TrackingUpdate) -> int:
    what = EXCEPTIONS.get(update.status)
    if what is None:
        return 0
    number = shipment.tracking_number
    finding = Finding(
        order.id, DiscrepancyType.DELIVERY_EXCEPTION, CHECK_RULES.severity("delivery_exception"),
        f"delivery_exception:{shipment.id}:{update.status}",
        f"{order.ref}: shipment {number} {what}"[:200],
        {"expected": "delivered", "found": f"{_words(update.status)}"
                                           f"{f': {update.message}' if update.message else ''}",
         "carrier": shipment.carrier, "tracking": number,
         WORDS: {"kind": "delivery_exception", "ref": order.ref, "tracking": number,
                 "status": update.status, "message": update.message or ""}})
    return len(open_findings(session, [finding], actor="carrier", now=clock.now(),
                             rules=CHECK_RULES))


def _words(status: str) -> str:
    return status.replace("_", " ")


def _told(status: str, when: datetime | None) -> str:
    if status == "delivered":
        return f"was delivered{f' on {when:%Y-%m-%d %H:%M} UTC' if when else ''}"
    return "is out for delivery"

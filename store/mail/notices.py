"""Automatic notices, each opt-in per customer (off by default): shipped (with tracking), delayed
(the promised date passed), backordered. The clock sweeps for what is owed and queues each once
(its dedupe key: the shipment, or the order and promised date); jobs/mail.py writes the text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import String, cast, exists, or_, select
from sqlalchemy.exc import IntegrityError

from store import clock
from store.db import Database
from store.enums import FulfilmentStatus, OrderStatus
from store.mail.drafts import customer_address
from store.mail.sending import queue
from store.models import Customer, CustomerContact, Order, OrderLine, OutgoingMail, Shipment
from store.records import read_order_view
from store.views.mail import MailDraft

LOOK_BACK = timedelta(days=7)  # older shipments are not announced when a customer opts in
BATCH = 50
DONE = (FulfilmentStatus.SHIPPED, FulfilmentStatus.DELIVERED, FulfilmentStatus.RETURNED,
        FulfilmentStatus.PARTIALLY_RETURNED)


@dataclass(frozen=True)
class Notice:
    key: str
    draft: MailDraft


def _owed(key_expr, *where):
    """Orders owed a notice, of customers with somewhere to send it: their email, else a
    contact's, the address Email customer writes to (store.mail.drafts.customer_address)."""
    sent = exists().where(OutgoingMail.dedupe_key == key_expr)
    a_contact = exists().where(CustomerContact.customer_id == Customer.id,
                               CustomerContact.email.is_not(None))
    return select(Order.id, key_expr).join(Customer, Customer.id == Order.customer_id).where(
        or_(Customer.email.is_not(None), a_contact), Customer.bad_email.is_(False),
        Order.status != OrderStatus.CANCELED, ~sent, *where).limit(BATCH)


def due_notices(db: Database) -> list[Notice]:
    now = clock.now()
    with db.read() as session:
        shipped = _owed("auto:shipped:" + cast(Shipment.id, String),
                        Customer.notice_shipped.is_(True), Shipment.shipped_at >= now - LOOK_BACK,
                        Shipment.return_id.is_(None)).join_from(
            Order, Shipment, Shipment.order_id == Order.id)
        delayed = _owed("auto:delayed:" + cast(Order.id, String) + ":"
                        + cast(Order.promised_date, String),
                        Customer.notice_delayed.is_(True), Order.promised_date < clock.today(),
                        Order.status == OrderStatus.OPEN, Order.fulfilment_status.not_in(DONE))
        short = exists().where(OrderLine.order_id == Order.id,
                               OrderLine.quantity_backordered > 0)
        backordered = _owed("auto:backordered:" + cast(Order.id, String),
                            Customer.notice_backordered.is_(True), short,
                            Order.status == OrderStatus.OPEN,
                            Order.fulfilment_status.not_in(DONE))
        out = []
        for template, query in (("shipped", shipped), ("delay_notice", delayed),
                                ("stock_shortfall", backordered)):
            for order_id, key in session.execute(query).all():
                order = read_order_view(session, "", order_id=order_id)
                to, _bounced, language = customer_address(session, order.customer_id)
                out.append(Notice(key, MailDraft(order=order, to_address=to,
                                                 bad_email=False, template=template,
                                                 discrepancy_id=None, evidence={},
                                                 language=language)))
        return out


def queue_notice(db: Database, notice: Notice, *, sender: str, subject: str,
                 body: str) -> bool:
    """Queue one automatic notice; False when another clock queued it first."""
    try:
        with db.write() as session:
            queue(session, actor="system", sender=sender, order_id=notice.draft.order.id,
                  template=notice.draft.template, to=notice.draft.to_address or "",
                  subject=subject, body=body, dedupe_key=notice.key)
        return True
    except IntegrityError:
        return False


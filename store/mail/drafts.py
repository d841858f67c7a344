"""What a mail starts from: the order as the customer may see it, the customer's address, and
the template the situation calls for (an open discrepancy's type, else the order's state)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.db import Database
from store.enums import DiscrepancyStatus
from store.enums import DiscrepancyType as T
from store.errors import DiscrepancyNotFound
from store.models import Customer, CustomerContact, Discrepancy
from store.records import read_order_view
from store.views.mail import MailDraft
from store.views.orders import OrderView

TEMPLATES = ("price_confirmation", "stock_shortfall", "address_check", "payment_failed",
             "delay_notice", "shipped", "return_refund")
BY_TYPE = {T.PRICE_MISMATCH: "price_confirmation", T.INSUFFICIENT_STOCK: "stock_shortfall",
           T.BAD_ADDRESS: "address_check", T.BAD_CONTACT: "address_check",
           T.PAYMENT_ERROR: "payment_failed", T.LATE: "delay_notice",
           T.DELIVERY_EXCEPTION: "delay_notice", T.CREDIT_LIMIT: "payment_failed"}


def customer_address(session: Session, customer_id: int) -> tuple[str | None, bool, str | None]:
    """The customer's email (else a contact's), whether it bounced, and its language."""
    customer = session.get(Customer, customer_id)
    email = customer.email or session.scalar(
        select(CustomerContact.email).where(CustomerContact.customer_id == customer_id,
                                            CustomerContact.email.is_not(None))
        .order_by(CustomerContact.id).limit(1))
    return email, bool(customer.bad_email), customer.language


def _template_for(order: OrderView, d: Discrepancy | None) -> str:
    if d is not None:
        return BY_TYPE.get(d.type, "price_confirmation")
    if order.shipments:
        return "shipped"
    return "delay_notice" if order.open_discrepancies else "price_confirmation"


def draft_for(db: Database, *, ref: str | None = None, discrepancy_id: int | None = None,
              order_id: int | None = None) -> MailDraft:
    """From a triage parent (discrepancy_id), an order card (ref) or an open modal (order_id)."""
    with db.read() as session:
        d = None
        if discrepancy_id is not None:
            d = session.get(Discrepancy, discrepancy_id)
            if d is None:
                raise DiscrepancyNotFound(discrepancy_id)
            order = read_order_view(session, "", order_id=d.order_id)
        else:
            order = read_order_view(session, ref or "", order_id=order_id)
            d = session.scalar(select(Discrepancy).where(
                Discrepancy.order_id == order.id,
                Discrepancy.status != DiscrepancyStatus.RESOLVED)
                .order_by(Discrepancy.id.desc()).limit(1))
        email, bad, language = customer_address(session, order.customer_id)
        return MailDraft(order=order, to_address=email, bad_email=bad,
                         template=_template_for(order, d),
                         discrepancy_id=d.id if d is not None else None,
                         evidence=dict(d.evidence or {}) if d is not None else {},
                         language=language)

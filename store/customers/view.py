"""Customer rows -> CustomerView: contact, addresses, open orders, credit used."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from store.enums import AddressKind, OrderStatus, PaymentStatus
from store.models import (
    Customer,
    CustomerAddress,
    CustomerContact,
    Order,
    OrderLine,
    refunded,
)
from store.records import OPEN_STATES, candidates
from store.views.orders import ADDRESS_FIELDS, AddressView, ContactView, CustomerView

OPEN_ORDERS_SHOWN = 10
# Orders that count against the credit limit: confirmed, not canceled, and not yet paid.
CREDIT_STATUSES = (OrderStatus.OPEN, OrderStatus.COMPLETED)
UNPAID = (PaymentStatus.AWAITING, PaymentStatus.AUTHORIZED, PaymentStatus.FAILED)


def load_customer(session: Session, code: str) -> Customer | None:
    text = code.strip()
    spellings = list(dict.fromkeys([text, text.upper(), text.lower()]))
    return session.scalars(
        select(Customer).where(Customer.code.in_(spellings))
        .options(selectinload(Customer.contacts), selectinload(Customer.addresses))
    ).first()


def address_view(address: CustomerAddress) -> AddressView:
    return AddressView(**{f: getattr(address, f) for f in ADDRESS_FIELDS})


def default_shipping(customer: Customer) -> CustomerAddress | None:
    shipping = [a for a in customer.addresses if a.kind == AddressKind.SHIPPING]
    return next((a for a in shipping if a.is_default), shipping[0] if shipping else None)


def primary_contact(customer: Customer) -> CustomerContact | None:
    return customer.contacts[0] if customer.contacts else None


NOTICES = ("shipped", "delayed", "backordered")  # Customer.notice_<name>, each opt-in


def notices_of(customer: Customer) -> tuple[str, ...]:
    return tuple(n for n in NOTICES if getattr(customer, f"notice_{n}"))


def content_version(customer: Customer) -> str:
    """A hash of everything edit_customer can change: the customer's optimistic-lock token."""
    contact = primary_contact(customer)
    address = default_shipping(customer)
    data = {
        "email": customer.email, "phone": customer.phone,
        "contact": [contact.name, contact.email, contact.phone, contact.role] if contact else None,
        "address": [getattr(address, f) for f in ADDRESS_FIELDS] if address else None,
        "notices": notices_of(customer), "language": customer.language,
    }
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def credit_used(session: Session, customer_id: int) -> int:
    """Unpaid value of the customer's confirmed orders, lines plus shipping, less what approved
    returns credited back on them, minor units."""
    # In the limit's currency, the customer's: orders in another can't be added to it.
    currency = select(Customer.currency).where(Customer.id == customer_id).scalar_subquery()
    scope = (Order.customer_id == customer_id, Order.status.in_(CREDIT_STATUSES),
             Order.payment_status.in_(UNPAID), Order.currency == currency)
    lines = session.scalar(
        select(func.sum(OrderLine.quantity * OrderLine.unit_price_minor))
        .join(Order, Order.id == OrderLine.order_id).where(*scope)
    )
    shipping = session.scalar(select(func.sum(Order.shipping_minor - refunded(Order.id)))
                              .where(*scope))
    return int(lines or 0) + int(shipping or 0)


def customer_view(session: Session, customer: Customer) -> CustomerView:
    open_filter = (Order.customer_id == customer.id, Order.status.in_(OPEN_STATES))
    open_ids = list(session.scalars(
        select(Order.id).where(*open_filter)
        .order_by(Order.ordered_at.desc()).limit(OPEN_ORDERS_SHOWN)
    ))
    open_count = session.scalar(select(func.count()).select_from(Order).where(*open_filter))
    shipping = default_shipping(customer)
    return CustomerView(
        id=customer.id, code=customer.code, name=customer.name, email=customer.email,
        phone=customer.phone, sales_rep_id=customer.sales_rep_id, currency=customer.currency,
        credit_limit_minor=customer.credit_limit_minor,
        credit_used_minor=credit_used(session, customer.id),
        contacts=tuple(ContactView(name=c.name, email=c.email, phone=c.phone, role=c.role)
                       for c in customer.contacts),
        addresses=tuple(address_view(a) for a in customer.addresses),
        default_shipping=address_view(shipping) if shipping else None,
        open_orders=tuple(candidates(session, [(oid, 100.0, "open order") for oid in open_ids])),
        open_order_count=int(open_count or 0), notices=notices_of(customer),
        bad_email=bool(customer.bad_email), language=customer.language,
        version=content_version(customer),
    )

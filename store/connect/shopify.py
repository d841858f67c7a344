"""Shopify's webhooks (https://shopify.dev/docs/api/admin-rest/latest/resources/webhook): the
Order resource on orders/create, orders/updated, orders/paid, orders/cancelled, turned into a
StorefrontOrder for the one pipeline (store.connect.storefront); and the Refund resource on
refunds/create.

Order: `name` ("#1001") is the order ref, `id` the external id; `line_items[]` (sku,
current_quantity else quantity, price); `shipping_address`; `customer` (id, email, names);
`financial_status` onto the payment axis; `shipping_lines[].price` added up as the shipping
charge; `discount_codes[]` (code, amount, type) and `note` as the order's notes; `created_at`
with its offset; `updated_at` orders the updates.

Refund: {"id", "order_id", "created_at", "note", "refund_line_items": [{"line_item_id",
"quantity", "restock_type", "subtotal", "line_item": {"sku", ...}}], "transactions": [{"kind":
"refund", "status": "success", "amount"}]}. Each refunded item is the desk line its
`line_item_id` came in as (store.connect.storefront.refund_lines; by SKU only for a line the
desk keeps no id for, and only when no other such line has that SKU). Refunded lines that
shipped become a return (RMA, outcome refund) through the desk's own return path; what cannot
map (nothing shipped yet, a line item the desk does not have or cannot tell apart, a
money-only refund) becomes a discrepancy saying so."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.connect.ledger import claim, remember
from store.connect.storefront import (
    Buyer,
    RefundedItem,
    StorefrontOrder,
    apply,
    flag,
    line_items,
    list_field,
    money_sum,
    refund_lines,
    text,
    unshipped_lines,
)
from store.connect.tracking import moment, text_field
from store.enums import PaymentStatus
from store.errors import IntakeRejected, NothingToReturn, ValidationFailed
from store.fulfilment import ReturnLineRequest, create_return
from store.models import Order

PLATFORM = "shopify"
ORDER_TOPICS = ("orders/create", "orders/updated", "orders/paid", "orders/cancelled")
TOPICS = (*ORDER_TOPICS, "refunds/create")
PAYMENT = {"pending": PaymentStatus.AWAITING, "authorized": PaymentStatus.AUTHORIZED,
           "partially_paid": PaymentStatus.AUTHORIZED, "paid": PaymentStatus.CAPTURED,
           "partially_refunded": PaymentStatus.PARTIALLY_REFUNDED,
           "refunded": PaymentStatus.REFUNDED, "voided": PaymentStatus.FAILED}
ADDRESS = {"name": "name", "line1": "address1", "line2": "address2", "city": "city",
           "region": "province_code", "postal_code": "zip", "country": "country_code"}
REFUND_REASON = "refunded in Shopify"


def receive(session: Session, db, topic: str, body: dict, *, default_rep: str | None,
            shop: str = "") -> dict:
    if topic not in TOPICS:
        return {"ok": True, "ignored": topic}
    if topic == "refunds/create":
        return _refund(session, db, body)
    return apply(session, db, parse_order(body, topic), default_rep=default_rep, shop=shop)


def parse_order(order: dict, topic: str = "orders/create") -> StorefrontOrder:
    if order.get("id") is None:
        raise IntakeRejected("The order's id is missing.", field="id")
    # An order edited in Shopify keeps its lines' first `quantity`; `current_quantity` is what
    # is left (0: removed).
    out = line_items(order, lambda line: line.get("current_quantity", line.get("quantity")),
                     zero_is_removed=True)
    ship = order.get("shipping_address") or {}
    if not isinstance(ship, dict):
        raise IntakeRejected("shipping_address must be an object.", field="shipping_address")
    canceled = None
    if topic == "orders/cancelled" or order.get("cancelled_at"):
        canceled = f"canceled in Shopify ({text(order.get('cancel_reason')) or 'no reason'})"
    created = moment(order.get("created_at"), "created_at", required=True)
    return StorefrontOrder(
        platform=PLATFORM, external_id=str(order["id"]), ref=text_field(order, "name"),
        buyer=_buyer(order), created_at=created,
        updated_at=moment(order.get("updated_at"), "updated_at") or created,
        currency=text(order.get("currency")) or None, payment=_payment(order),
        ship={column: text(ship.get(key)) for column, key in ADDRESS.items()
              if text(ship.get(key))},
        lines=tuple(out), shipping=money_sum(list_field(order, "shipping_lines"), "price",
                                             "shipping_lines"),
        notes=_notes(order), canceled=canceled)


def _notes(order: dict) -> str | None:
    codes = [c for c in list_field(order, "discount_codes") if isinstance(c, dict)]
    discount = ", ".join(
        f"{text(c.get('code'))} (" + (f"{text(c.get('amount'))}%" if c.get("type") ==
                                       "percentage" else text(c.get("amount"))) + ")"
        for c in codes if text(c.get("code")))
    unshipped = unshipped_lines(order)
    parts = [text(order.get("note")), f"Discount codes: {discount}" if discount else "",
             f"Not shipped: {unshipped}" if unshipped else ""]
    return "\n".join(p for p in parts if p) or None


def _payment(order: dict) -> PaymentStatus:
    status = text(order.get("financial_status")) or "pending"
    if status not in PAYMENT:
        raise IntakeRejected(f"financial_status must be one of {', '.join(PAYMENT)}.",
                             field="financial_status")
    return PAYMENT[status]


def _buyer(order: dict) -> Buyer:
    data = order.get("customer")
    if data is None or data == {}:  # a guest checkout: no Shopify customer, the order's email
        return _guest(order)
    if not isinstance(data, dict) or data.get("id") is None:
        raise IntakeRejected("customer must be an object with its id.", field="customer.id")
    name = " ".join(text(data.get(k)) for k in ("first_name", "last_name")).strip()
    return Buyer(external_id=str(data["id"]),
                 email=text(data.get("email")) or text(order.get("email")), name=name,
                 code=f"SHOP-{data['id']}")


def _guest(order: dict) -> Buyer:
    """As WooCommerce's guests: the customer with that email, else a new SHOP-G<order id>."""
    email = text(order.get("email")) or text(order.get("contact_email"))
    if not email:
        raise IntakeRejected("A guest checkout needs the order's email.", field="email")
    address = order.get("billing_address") or order.get("shipping_address") or {}
    name = text(address.get("name")) if isinstance(address, dict) else ""
    return Buyer(external_id=None, email=email, name=name or email,
                 code=f"SHOP-G{order.get('id')}")


def _refund(session: Session, db, refund: dict) -> dict:
    """A refund acted on once by its own id: two subscriptions (the shop's admin webhook and an
    app's) deliver it under two webhook ids, which made two returns."""
    if refund.get("id") is None:
        return _refund_once(session, db, refund)
    key = f"refund:{text(refund.get('id'))}"
    earlier = claim(session, source=PLATFORM, delivery_id=key, topic="refunds/create")
    if earlier is not None:
        return earlier | {"duplicate_refund": True}
    answer = _refund_once(session, db, refund)
    remember(session, source=PLATFORM, delivery_id=key, result=answer)
    return answer


def _refund_once(session: Session, db, refund: dict) -> dict:
    if refund.get("order_id") is None:
        raise IntakeRejected("The refund's order_id is missing.", field="order_id")
    items: list[RefundedItem] = []
    for n, item in enumerate(list_field(refund, "refund_line_items")):
        line = item.get("line_item") if isinstance(item, dict) else None
        quantity = item.get("quantity") if isinstance(item, dict) else None
        if not isinstance(line, dict) or not isinstance(quantity, int) or quantity < 0:
            raise IntakeRejected("Each refund line item needs its line_item and a quantity.",
                                 field=f"refund_line_items[{n}]")
        # The order's line item it refunds: its line_item_id (the line_item's own id).
        named = text(item.get("line_item_id")) or text(line.get("id"))
        items.append(RefundedItem(named[:80] or None, text(line.get("sku")), quantity))
    order = session.scalars(select(Order).where(
        Order.external_key == f"{PLATFORM}:{refund['order_id']}")).first()
    if order is None:
        return {"ok": True, "ignored": f"no order shopify:{refund['order_id']}"}
    amount = money_sum([t for t in list_field(refund, "transactions") if isinstance(t, dict)
                        and t.get("kind") == "refund" and t.get("status") == "success"],
                       "amount", "transactions") or "0"
    answer = {"ok": True, "order_ref": order.ref, "refunded": amount}
    # By the line item each names, not by SKU: a SKU on two lines put the refund of the first
    # on the second, at its price.
    wanted, unmatched = refund_lines(order, items)
    why = None
    if not items:
        why = f"a refund of {amount} {order.currency} with no lines"
    elif unmatched:
        why = "; ".join(unmatched)
    else:
        try:
            result = create_return(db, ref=order.ref, actor=PLATFORM, lines=[
                ReturnLineRequest(line_no, quantity, "refund", REFUND_REASON)
                for line_no, quantity in wanted.items()], note=text(refund.get("note")) or None)
            return answer | {"rma": result.ret.rma}
        except (NothingToReturn, ValidationFailed) as err:
            why = "refunded lines that cannot come back: " + (
                "; ".join(err.errors.values()) if isinstance(err, ValidationFailed)
                else str(err))
    opened = flag(session, order, PLATFORM, [(
        f"refund:{refund.get('id')}", f"refunded in Shopify: {why}"[:180],
        f"Shopify refund {refund.get('id')}: {amount} {order.currency}",
        "no return on the desk matches it")])
    return answer | {"rma": None, "discrepancies": opened}

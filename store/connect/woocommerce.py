"""WooCommerce's order webhooks (https://woocommerce.github.io/woocommerce-rest-api-docs/,
"Webhooks" and "Orders"): order.created, order.updated carry the REST API's Order; order.deleted
carries {"id": ...}. Each becomes a StorefrontOrder for the one pipeline
(store.connect.storefront).

`number` is the order ref ("WC-<number>": Woo numbers are bare integers that would clash with
other doors' refs), `id` the external id; `line_items[]` (sku, quantity, price); `shipping`
(first_name, last_name, company, address_1, address_2, city, state, postcode, country);
`billing.email` and `customer_id` (0: a guest) find the customer; `status` onto the desk's
axes (below); `shipping_lines[].total` the shipping charge; `coupon_lines[]` and `customer_note` the
notes; `date_created_gmt` / `date_modified_gmt` (GMT, no offset) the order's time and the
updates' order."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import partial

from sqlalchemy.orm import Session

from store.connect.storefront import (
    Buyer,
    StorefrontOrder,
    apply,
    line_items,
    list_field,
    money_sum,
    text,
)
from store.connect.tracking import moment
from store.enums import PaymentStatus
from store.errors import IntakeRejected
from store.money import currency_exponent

PLATFORM = "woocommerce"
TOPICS = ("order.created", "order.updated", "order.deleted")
# status -> the payment axis; cancelled and trash (and a deleted order) cancel the order.
PAYMENT = {"pending": PaymentStatus.AWAITING, "on-hold": PaymentStatus.AWAITING,
           "processing": PaymentStatus.CAPTURED, "completed": PaymentStatus.CAPTURED,
           "cancelled": PaymentStatus.AWAITING, "trash": PaymentStatus.AWAITING,
           "refunded": PaymentStatus.REFUNDED, "failed": PaymentStatus.FAILED}
CANCELED = ("cancelled", "trash")
_STATUS = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")  # a status slug, plugins' own included
DRAFT = "checkout-draft"  # a cart still in the checkout (WooCommerce blocks): not an order yet
ADDRESS = {"line1": "address_1", "line2": "address_2", "city": "city", "region": "state",
           "postal_code": "postcode", "country": "country"}


def receive(session: Session, db, topic: str, body: dict, *, default_rep: str | None,
            shop: str = "") -> dict:
    if topic not in TOPICS:
        return {"ok": True, "ignored": topic}
    if body.get("status") == DRAFT:
        return {"ok": True, "ignored": "a checkout draft is not an order yet"}
    return apply(session, db, parse_order(body, topic), default_rep=default_rep, shop=shop)


def _object(body: dict, name: str) -> dict:
    value = body.get(name) or {}
    if not isinstance(value, dict):
        raise IntakeRejected(f"{name} must be an object.", field=name)
    return value


def parse_order(order: dict, topic: str) -> StorefrontOrder:
    if not isinstance(order.get("id"), int) or isinstance(order.get("id"), bool):
        raise IntakeRejected("The order's id must be an integer.", field="id")
    if topic == "order.deleted":
        return StorefrontOrder(platform=PLATFORM, external_id=str(order["id"]), ref="",
                               buyer=None, created_at=None, updated_at=None, currency=None,
                               payment=PaymentStatus.AWAITING, canceled="deleted in WooCommerce")
    status = order.get("status")
    if not isinstance(status, str) or not _STATUS.fullmatch(status):
        raise IntakeRejected(f"status must be a WooCommerce status such as "
                             f"{', '.join(PAYMENT)}.", field="status")
    number = text(order.get("number")) or str(order["id"])
    rounded: list[str] = []
    out = line_items(order, price=partial(_unit_price, text(order.get("currency")), rounded))
    ship, billing = _object(order, "shipping"), _object(order, "billing")
    name = " ".join(text(ship.get(k)) for k in ("first_name", "last_name")).strip()
    address = {"name": name or text(ship.get("company"))} | {
        column: text(ship.get(key)) for column, key in ADDRESS.items()}
    created = moment(order.get("date_created_gmt"), "date_created_gmt", required=True)
    coupons = ", ".join(text(c.get("code")) for c in list_field(order, "coupon_lines")
                        if isinstance(c, dict) and text(c.get("code")))
    notes = [text(order.get("customer_note")), f"Coupons: {coupons}" if coupons else "",
             "Unit prices rounded from WooCommerce's line totals: " + "; ".join(rounded)
             if rounded else ""]
    return StorefrontOrder(
        platform=PLATFORM, external_id=str(order["id"]), ref=f"WC-{number}"[:64],
        buyer=_buyer(order, billing), created_at=created,
        updated_at=moment(order.get("date_modified_gmt"), "date_modified_gmt") or created,
        # A plugin's own status ('shipped', 'awaiting-shipment') says nothing of payment: the
        # rest of the update still applies (refusing it lost the address change with it).
        currency=text(order.get("currency")) or None, payment=PAYMENT.get(status),
        ship={k: v for k, v in address.items() if v}, lines=tuple(out),
        shipping=money_sum(list_field(order, "shipping_lines"), "total", "shipping_lines"),
        notes="\n".join(p for p in notes if p) or None,
        canceled="canceled in WooCommerce" if status in CANCELED else None)


def _unit_price(currency: str, rounded: list[str], line: dict) -> str | None:
    """A line's unit price: its `total` (after coupons, exact) over its quantity, to the
    currency's decimals. Woo's own `price` is that division as a float (10.833333333333334
    for 3 at 32.50), refused as too many decimals, which lost the order."""
    total, units = text(line.get("total")), line.get("quantity")
    if not total or not isinstance(units, int) or isinstance(units, bool) or units <= 0:
        return text(line.get("price")) or None
    try:
        exact = Decimal(total) / units
    except InvalidOperation:
        raise IntakeRejected("A line item's total must be a decimal amount.",
                             field="line_items.total") from None
    try:
        step = Decimal(1).scaleb(-currency_exponent(currency))
    except KeyError:  # not a currency: the intake refuses it, naming the field
        step = Decimal("0.01")
    price = exact.quantize(step, rounding=ROUND_HALF_EVEN)
    if price != exact:
        rounded.append(f"{text(line.get('sku')) or text(line.get('name'))} {units} × {price} "
                       f"(total {total})")
    return str(price)


def _buyer(order: dict, billing: dict) -> Buyer:
    customer_id = order.get("customer_id")
    if customer_id is not None and (not isinstance(customer_id, int) or customer_id < 0):
        raise IntakeRejected("customer_id must be a whole number (0 for a guest).",
                             field="customer_id")
    email = text(billing.get("email"))
    if not customer_id and not email:
        raise IntakeRejected("A guest order needs billing.email.", field="billing.email")
    name = " ".join(text(billing.get(k)) for k in ("first_name", "last_name")).strip()
    return Buyer(external_id=str(customer_id) if customer_id else None, email=email,
                 name=text(billing.get("company")) or name,
                 code=f"WOO-{customer_id}" if customer_id else f"WOO-G{order['id']}")

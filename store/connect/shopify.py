"""Shopify's order webhooks (https://shopify.dev/docs/api/admin-rest/latest/resources/webhook,
the Order resource): orders/create, orders/updated, orders/paid, orders/cancelled.

The order goes in through the intake's pipeline (store.orders.intake_order: the import's
validation and writer, the checks in the same transaction): `name` ("#1001") is the order ref,
`id` kept as the order's external key "shopify:<id>". The customer is matched by its stored
external key, then its email, else created with the shop's default rep. An update edits the
order through the normal edit path (actor "shopify": logged, followers told, checks re-run)
unless a person changed the same field since Shopify last did: then a discrepancy says the
storefront and the desk disagree, and the desk's value stays. Updates are ordered by the
order's `updated_at`: an older one than the desk last took changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store import clock
from store.connect.tracking import moment, text_field
from store.enums import DiscrepancyType, PaymentStatus
from store.errors import CannotCancel, IntakeRejected
from store.fulfilment import cancel_order
from store.models import Customer, Event, Order
from store.orders import OrderEdit, edit_order, intake_order
from store.triage import RULES as CHECK_RULES
from store.triage import Finding, open_findings
from store.views.orders import AddressView

ACTOR = "shopify"
TOPICS = ("orders/create", "orders/updated", "orders/paid", "orders/cancelled")
PAYMENT = {"pending": PaymentStatus.AWAITING, "authorized": PaymentStatus.AUTHORIZED,
           "partially_paid": PaymentStatus.AUTHORIZED, "paid": PaymentStatus.CAPTURED,
           "partially_refunded": PaymentStatus.PARTIALLY_REFUNDED,
           "refunded": PaymentStatus.REFUNDED, "voided": PaymentStatus.FAILED}
ADDRESS = {"name": "name", "line1": "address1", "line2": "address2", "city": "city",
           "region": "province_code", "postal_code": "zip", "country": "country_code"}
# The edit path's field names (store.orders.edit) of what Shopify may change.
LABELS = {"ship-to name", "ship-to line 1", "ship-to line 2", "ship-to city", "ship-to region",
          "ship-to postal code", "ship-to country", "payment"}
PEOPLE_ONLY = ("shopify", "intake", "system", "carrier", "import")


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def intake_body(order: dict, customer_code: str) -> dict:
    """The intake's body (store.orders.intake) from Shopify's Order."""
    lines = order.get("line_items")
    if not isinstance(lines, list) or not lines:
        raise IntakeRejected("line_items must be a list of at least one line.",
                             field="line_items")
    out = []
    for n, line in enumerate(lines):
        if not isinstance(line, dict):
            raise IntakeRejected("Each line item must be an object.", field=f"line_items[{n}]")
        sku = _text(line.get("sku"))
        if not sku:
            raise IntakeRejected("A line item needs its sku.", field=f"line_items[{n}].sku")
        out.append({"sku": sku, "quantity": line.get("quantity"),
                    "unit_price": _text(line.get("price")) or None})
    ship = order.get("shipping_address") or {}
    if not isinstance(ship, dict):
        raise IntakeRejected("shipping_address must be an object.", field="shipping_address")
    body = {"order_ref": text_field(order, "name"), "customer_code": customer_code,
            "order_date": moment(order.get("created_at"), "created_at",
                                 required=True).isoformat(),
            "currency": _text(order.get("currency")) or None,
            "payment_status": _payment(order).value,
            "notes": _text(order.get("note")) or None, "lines": out}
    for column, key in ADDRESS.items():
        if _text(ship.get(key)):
            body[f"ship_{column}"] = _text(ship.get(key))
    return {k: v for k, v in body.items() if v is not None}


def _payment(order: dict) -> PaymentStatus:
    status = _text(order.get("financial_status")) or "pending"
    if status not in PAYMENT:
        raise IntakeRejected(f"financial_status must be one of {', '.join(PAYMENT)}.",
                             field="financial_status")
    return PAYMENT[status]


def _customer(session: Session, order: dict, default_rep: str | None) -> str:
    data = order.get("customer")
    if not isinstance(data, dict) or data.get("id") is None:
        raise IntakeRejected("customer must be an object with its id.", field="customer.id")
    key = f"{ACTOR}:{data['id']}"
    found = session.scalars(select(Customer).where(Customer.external_key == key)).first()
    email = _text(data.get("email")) or _text(order.get("email"))
    if found is None and email:
        found = session.scalars(select(Customer).where(
            func.lower(Customer.email) == email.lower()).order_by(Customer.id)).first()
        if found is not None and found.external_key is None:
            found.external_key = key
    if found is not None:
        return found.code
    name = " ".join(_text(data.get(k)) for k in ("first_name", "last_name")).strip()
    customer = Customer(code=f"SHOP-{data['id']}"[:64], name=(name or email or key)[:200],
                        email=email[:254] or None, currency=_text(order.get("currency")) or "USD",
                        sales_rep_id=default_rep, external_key=key, created_at=clock.now())
    session.add(customer)
    session.flush()
    return customer.code


def receive(session: Session, db, topic: str, order: dict, *, default_rep: str | None) -> dict:
    if topic not in TOPICS:
        return {"ok": True, "ignored": topic}
    if order.get("id") is None:
        raise IntakeRejected("The order's id is missing.", field="id")
    key = f"{ACTOR}:{order['id']}"
    updated = moment(order.get("updated_at") or order.get("created_at"), "updated_at")
    existing = session.scalars(select(Order).where(Order.external_key == key)).first()
    if existing is None:
        code = _customer(session, order, default_rep)
        result = intake_order(db, body=intake_body(order, code), actor=ACTOR)
        new = session.scalars(select(Order).where(Order.ref == result.order_ref)).one()
        new.external_key, new.external_updated_at, new.source = key, updated, ACTOR
        answer = {"ok": True, "order_ref": result.order_ref, "created": result.created,
                  "discrepancies": result.discrepancies}
        if topic == "orders/cancelled":
            answer |= _cancel(session, db, new, order)
        return answer
    if existing.external_updated_at and updated and updated <= existing.external_updated_at:
        return {"ok": True, "order_ref": existing.ref, "created": False, "stale": True}
    answer = {"ok": True, "order_ref": existing.ref, "created": False}
    if topic == "orders/cancelled" or order.get("cancelled_at"):
        answer |= _cancel(session, db, existing, order)
    else:
        answer |= _update(session, db, existing, order)
    existing.external_updated_at = updated or existing.external_updated_at
    return answer


def _people_changed(session: Session, order: Order, labels: set[str]) -> set[str]:
    """The fields among `labels` a person changed since Shopify last wrote the order."""
    since = session.scalar(select(func.max(Event.id)).where(
        Event.order_id == order.id, Event.actor_id == ACTOR)) or 0
    changed = set()
    for changes in session.scalars(select(Event.changes).where(
            Event.order_id == order.id, Event.id > since, Event.actor_id.notin_(PEOPLE_ONLY))):
        changed |= {c.get("field") for c in changes or [] if c.get("field") in labels}
    return changed


def _update(session: Session, db, order: Order, data: dict) -> dict:
    ship = data.get("shipping_address") or {}
    wanted = {column: _text(ship.get(key)) or None for column, key in ADDRESS.items()}
    current = {column: getattr(order, f"ship_{column}") for column in ADDRESS}
    touched = _people_changed(session, order, LABELS)
    conflicts, edit = [], {}
    if ship and wanted != current:
        desk_changed = sorted(f for f in touched if f.startswith("ship-to"))
        if desk_changed:
            conflicts.append(("ship_to", ", ".join(desk_changed),
                              ", ".join(v for v in wanted.values() if v)))
        else:
            edit["ship_to"] = AddressView(**wanted)
    payment = _payment(data)
    if payment != order.payment_status:
        if "payment" in touched:
            conflicts.append(("payment", order.payment_status.value, payment.value))
        else:
            edit["payment_status"] = payment.value
    changed = []
    if edit:
        result = edit_order(db, ref=order.ref, actor=ACTOR, expected_version=order.version_id,
                            changes=OrderEdit(**edit))
        changed = [c.field for c in result.changed_fields]
    opened = _disagree(session, order, conflicts) if conflicts else 0
    return {"changed": changed, "discrepancies": opened}


def _disagree(session: Session, order: Order, conflicts: list) -> int:
    findings = [Finding(order.id, DiscrepancyType.OTHER, CHECK_RULES.severity("storefront"),
                        f"storefront:{field}:{theirs}"[:200],
                        f"{order.ref}: storefront and desk disagree on {field.replace('_', '-')}",
                        {"expected": f"Shopify: {theirs}"[:300],
                         "found": f"changed at the desk: {ours}"[:300]})
                for field, ours, theirs in conflicts]
    return len(open_findings(session, findings, actor=ACTOR, now=clock.now(),
                             rules=CHECK_RULES))


def _cancel(session: Session, db, order: Order, data: dict) -> dict:
    reason = f"canceled in Shopify ({_text(data.get('cancel_reason')) or 'no reason given'})"
    if order.status.value == "canceled":
        return {"canceled": True}
    try:
        cancel_order(db, ref=order.ref, actor=ACTOR, reason=reason)
        return {"canceled": True}
    except CannotCancel as err:
        finding = Finding(order.id, DiscrepancyType.OTHER, CHECK_RULES.severity("storefront"),
                          "storefront:cancelled", f"{order.ref}: canceled in Shopify but "
                          f"{err}"[:200], {"expected": "canceled", "found": str(err)[:300]})
        opened = open_findings(session, [finding], actor=ACTOR, now=clock.now(),
                               rules=CHECK_RULES)
        return {"canceled": False, "discrepancies": len(opened)}



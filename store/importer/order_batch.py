"""One batch of order drafts -> rows: look up customers, products and existing orders in bulk,
decide per order (import / unchanged / reject), then insert with executemany."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import clock
from store.enums import AddressKind, FulfilmentStatus, OrderStatus, PaymentStatus
from store.facts import refresh_order_facts
from store.importer.bulk import allocate_ids, insert_rows
from store.importer.fields import FieldError, minor_units
from store.importer.order_rows import SHIP_COLUMNS, OrderDraft, reject_order
from store.importer.report import Tally
from store.lookup import snapshot
from store.models import (
    FINGERPRINT_FIELD,
    Customer,
    CustomerAddress,
    Event,
    Order,
    OrderLine,
    Product,
)
from store.money import order_total_problem
from store.refs import forget_prefixes, ref_key_of, ref_prefix_of

IMPORTED_EVENT = "imported"
_IN_CHUNK = 900  # under every driver's bound-parameter limit
_SHIP = list(SHIP_COLUMNS.values())
_HEAD_TO_ORDER = ["po_number", "ordered_at", "requested_date", "notes", *_SHIP]
# Columns Core would fill from Python-side defaults; COPY needs them spelled out.
_ORDER_DEFAULTS = {"promised_date": None, "payment_status_at": None,
                   "shipping_instructions": None, "canceled_reason": None}
_LINE_DEFAULTS = {"description": None, "quantity_backordered": 0, "warehouse_id": None,
                  "quantity_reserved": 0}


@dataclass
class Lookups:
    customers: dict[str, dict] = field(default_factory=dict)  # code -> id, currency, rep, address
    products: dict[str, dict] = field(default_factory=dict)  # sku -> id, price, currency
    existing: dict[str, int] = field(default_factory=dict)  # ref -> order id
    fingerprints: dict[int, set[str]] = field(default_factory=dict)  # order id -> imported fps


def chunked_in(session: Session, build: Callable, keys: Iterable) -> list:
    keys = list(keys)
    out: list = []
    for i in range(0, len(keys), _IN_CHUNK):
        out.extend(session.execute(build(keys[i:i + _IN_CHUNK])).all())
    return out


def load_lookups(session: Session, drafts: list[OrderDraft]) -> Lookups:
    found = Lookups()
    codes = {d.head["customer_code"] for d in drafts}
    c = Customer
    for row in chunked_in(session, lambda k: select(
            c.id, c.code, c.name, c.currency, c.sales_rep_id).where(c.code.in_(k)), codes):
        found.customers[row.code] = {"id": row.id, "name": row.name, "currency": row.currency,
                                     "sales_rep_id": row.sales_rep_id, "address": None}
    _load_addresses(session, found.customers)
    p = Product
    typed = {ln.sku for d in drafts for ln in d.lines}
    for row in chunked_in(session, lambda k: select(
            p.id, p.sku, p.unit_price_minor, p.currency).where(p.sku.in_(k)), typed):
        found.products[row.sku] = {"id": row.id, "sku": row.sku, "price": row.unit_price_minor,
                                   "currency": row.currency}
    _load_other_spellings(session, typed - found.products.keys(), found.products)
    for row in chunked_in(session, lambda k: select(Order.id, Order.ref).where(Order.ref.in_(k)),
                          [d.ref for d in drafts]):
        found.existing[row.ref] = row.id
    for row in chunked_in(session, lambda k: select(Event.order_id, Event.changes).where(
            Event.order_id.in_(k), Event.kind == IMPORTED_EVENT), found.existing.values()):
        for change in row.changes or []:
            if change.get("field") == FINGERPRINT_FIELD:
                found.fingerprints.setdefault(row.order_id, set()).add(change.get("after"))
    return found


def _load_other_spellings(session: Session, typed: set[str], products: dict[str, dict]) -> None:
    """SKUs the file spells another way than the catalog ('wid-1042-bl', 'WID1042BL'), as
    /stock and the order editor read them: the line gets the catalog's SKU and product. One
    that could be more than one product stays as typed (an unknown SKU for the checks)."""
    if not typed:
        return
    snap = snapshot(session.info["database"], session)
    spelt = {sku: canonical for sku in typed if (canonical := snap.catalog_sku(sku))}
    p = Product
    catalog = {row.sku: {"id": row.id, "sku": row.sku, "price": row.unit_price_minor,
                         "currency": row.currency}
               for row in chunked_in(session, lambda k: select(
                   p.id, p.sku, p.unit_price_minor, p.currency).where(p.sku.in_(k)),
                   set(spelt.values()))}
    products.update({sku: catalog[canonical] for sku, canonical in spelt.items()
                     if canonical in catalog})


def _load_addresses(session: Session, customers: dict[str, dict]) -> None:
    by_id = {info["id"]: info for info in customers.values()}
    a = CustomerAddress
    rows = chunked_in(session, lambda k: select(a).where(
        a.customer_id.in_(k), a.kind == AddressKind.SHIPPING, a.is_default.is_(True)
    ).order_by(a.id), by_id)
    for (address,) in rows:
        info = by_id[address.customer_id]
        if info["address"] is None:
            info["address"] = {
                "ship_name": address.name or info["name"], "ship_line1": address.line1,
                "ship_line2": address.line2, "ship_city": address.city,
                "ship_region": address.region, "ship_postal_code": address.postal_code,
                "ship_country": address.country,
            }


def resolve(draft: OrderDraft, found: Lookups) -> tuple[dict, list[dict]]:
    """Draft -> (order values, line values); raises FieldError naming the row at fault."""
    head = draft.head
    customer = found.customers.get(head["customer_code"])
    if customer is None:
        raise _RowFault(draft.first_row, "customer_code", (
            f"customer '{head['customer_code']}' is not known; import it first with "
            "`orderdesk import customers`, or fix the code"))
    currency = head.get("currency") or customer["currency"]
    order = {key: head.get(key) for key in _HEAD_TO_ORDER}
    if all(order[key] is None for key in _SHIP) and customer["address"]:
        order.update(customer["address"])  # no address in the file: ship to the customer's default
    order.update(
        ref=draft.ref, customer_id=customer["id"], currency=currency,
        payment_status=head.get("payment_status") or PaymentStatus.AWAITING,
        sales_rep_id=head.get("sales_rep_id") or customer["sales_rep_id"],
    )
    lines = [_resolve_line(n, ln, currency, found) for n, ln in enumerate(draft.lines, start=1)]
    total = 0
    for line, resolved in zip(draft.lines, lines, strict=True):
        total += resolved["quantity"] * resolved["unit_price_minor"]
        if problem := order_total_problem(total, currency):  # named at the line that tips it
            raise _RowFault(line.row, "quantity", f"order {draft.ref}: {problem}")
    return order, lines


class _RowFault(FieldError):
    def __init__(self, row: int, column: str | None, reason: str):
        super().__init__(column, reason)
        self.row = row


def _resolve_line(line_no: int, line, currency: str, found: Lookups) -> dict:
    product = found.products.get(line.sku)
    if line.price is None:
        if product is None or product["currency"] != currency:
            where = "in the catalog" if product is None else f"priced in {currency} in the catalog"
            raise _RowFault(line.row, "unit_price", (
                f"unit_price is empty and SKU '{line.sku}' is not {where}; write the price"))
        price = product["price"]
    else:
        try:
            price = minor_units(line.price, currency, "unit_price", line.price_text)
        except FieldError as err:
            raise _RowFault(line.row, err.column, err.reason) from None
    return {"line_no": line_no, "sku": product["sku"] if product else line.sku,
            "product_id": product and product["id"],
            "quantity": line.quantity, "unit_price_minor": price}


def decide(session: Session, draft: OrderDraft, found: Lookups, tally: Tally):
    """Returns (order, lines) to insert, or None when unchanged or rejected (tally updated)."""
    try:
        order, lines = resolve(draft, found)
    except _RowFault as fault:
        reject_order(draft, {fault.row: [fault]}, tally)
        return None
    order_id = found.existing.get(draft.ref)
    if order_id is None:
        return order, lines
    if draft.fingerprint in found.fingerprints.get(order_id, ()) or _same_as_stored(
            session, order_id, order, lines):
        tally.rows_unchanged += len(draft.rows)
    else:
        reject_order(draft, {draft.first_row: [FieldError("order_ref", (
            f"order {draft.ref} already exists with different content; edit it in Slack "
            "or give this order a new order_ref"))]}, tally)
    return None


def _same_as_stored(session: Session, order_id: int, order: dict, lines: list[dict]) -> bool:
    """For orders that weren't imported (entered in Slack, seeded): compare the content."""
    stored = session.get(Order, order_id)
    keys = [k for k in order if k != "ref"]
    if any(getattr(stored, k) != order[k] for k in keys):
        return False
    have = [(ln.sku, ln.quantity, ln.unit_price_minor) for ln in stored.lines]
    return have == [(ln["sku"], ln["quantity"], ln["unit_price_minor"]) for ln in lines]


def write_orders(session: Session, todo: list[tuple[OrderDraft, dict, list[dict]]], *,
                 actor: str, filename: str, source: str = "import") -> list[int]:
    """Insert the orders; returns their ids (in `todo` order)."""
    if not todo:
        return []
    now = clock.now()
    common = {"status": OrderStatus.OPEN, "fulfilment_status": FulfilmentStatus.UNFULFILLED,
              "source": source, "created_at": now, "updated_at": now, "version_id": 1,
              "shipping_minor": 0}
    ids = allocate_ids(session, Order.__table__, len(todo))
    order_rows, line_rows, event_rows = [], [], []
    for order_id, (draft, order, lines) in zip(ids, todo, strict=True):
        key = ref_key_of(order["ref"])  # COPY bypasses the ORM that keeps these in step
        order_rows.append({**_ORDER_DEFAULTS, **order, **common, "id": order_id,
                           "ref_key": key, "ref_prefix": ref_prefix_of(key)})
        line_rows.extend({**_LINE_DEFAULTS, **ln, "order_id": order_id} for ln in lines)
        event_rows.append({
            "at": now, "actor_id": actor, "kind": IMPORTED_EVENT, "order_id": order_id,
            "customer_id": order["customer_id"], "discrepancy_id": None,
            "summary": f"{'Entered in' if source == 'modal' else 'Imported from'} {filename} "
                       f"({len(lines)} line{'s' * (len(lines) != 1)})",
            "changes": [{"field": FINGERPRINT_FIELD, "before": None, "after": draft.fingerprint}],
        })
    insert_rows(session, Order.__table__, order_rows)
    forget_prefixes()
    insert_rows(session, OrderLine.__table__, line_rows)
    insert_rows(session, Event.__table__, event_rows)
    # COPY bypasses the ORM, so the digest's per-order facts are ours to write.
    if ids == list(range(ids[0], ids[0] + len(ids))):  # the usual case: one range, no IN list
        refresh_order_facts(session, id_range=(ids[0], ids[-1]))
    else:
        refresh_order_facts(session, order_ids=ids)
    return list(ids)

"""The one pipeline every storefront's order webhook goes through (Shopify, WooCommerce):
each platform's module only turns its payload into a `StorefrontOrder`; this module creates,
edits, cancels or flags the order.

A new order goes in through the intake's pipeline (store.orders.intake_order: the import's
validation and writer, the checks in the same transaction), its platform id kept as the
order's external key ("shopify:<id>"). The customer is matched by its stored external key,
then its email, else created with the shop's default rep. An update (even one arriving before
its create: it creates) edits the order through the normal edit path (logged with the
platform as actor, followers told, checks re-run) unless a person changed the same field since
the platform last did: then a discrepancy says the storefront and the desk disagree, and the
desk's value stays. Lines are matched by SKU (quantity changed, line added, line removed; the
desk's prices stay) and edited as the order modal edits them, reservations following; lines a
person changed since, a shipped line cut below what shipped or a SKU the desk lacks flag the
order instead. Updates are ordered by the platform's modification time: an older one than
the desk last took changes nothing. A cancellation of an order already shipped flags it.

Each line keeps the platform's own id of its line item (`OrderLine.external_id`): by position
when the order is created, by SKU when an update adds a line or the order is linked (a SKU on
two new lines gets none). A refund names the line it refunds by that id (`refund_lines`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store import clock
from store.connect.ledger import claim, seen
from store.enums import DiscrepancyType, PaymentStatus
from store.errors import CannotCancel, IntakeRejected, ValidationFailed
from store.fulfilment import cancel_order
from store.models import Customer, Event, Order, OrderLine
from store.orders import LineEdit, OrderEdit, edit_order, intake_order
from store.refs import ref_key_of
from store.states import PAYMENT_CHOICES
from store.triage import EXTERNAL_PREFIX, Finding, open_findings
from store.triage import RULES as CHECK_RULES
from store.views.orders import AddressView

ADDRESS = ("name", "line1", "line2", "city", "region", "postal_code", "country")
# The edit path's field names (store.orders.edit) of what a storefront may change.
LABELS = {"ship-to name", "ship-to line 1", "ship-to line 2", "ship-to city", "ship-to region",
          "ship-to postal code", "ship-to country", "payment"}
# The edit path's line fields (not "line N reserved", which allocation writes).
LINE_FIELD = re.compile(r"line \d+( quantity| SKU| unit price)?")
NOT_PEOPLE = ("shopify", "woocommerce", "intake", "system", "carrier", "import")


def text(value) -> str:
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class Buyer:
    external_id: str | None  # the platform's customer id (None: a guest)
    email: str
    name: str
    code: str  # the desk's code when the customer is new


@dataclass(frozen=True)
class StorefrontOrder:
    platform: str  # "shopify", "woocommerce": the actor and the external keys' prefix
    external_id: str
    ref: str
    buyer: Buyer | None  # None: the customer is not needed (a cancellation of a known order)
    created_at: datetime | None
    updated_at: datetime | None
    currency: str | None
    payment: PaymentStatus | None  # None: the platform's status says nothing of payment
    ship: dict[str, str] = field(default_factory=dict)  # ADDRESS column -> value
    # Intake lines (sku, quantity, unit_price), each with the platform's id of its line item
    # (external_id; None when the platform sent none).
    lines: tuple[dict, ...] = ()
    shipping: str | None = None  # the shipping charge, as the platform wrote it
    notes: str | None = None
    canceled: str | None = None  # why, when the platform canceled (or deleted) the order

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.external_id}"


def list_field(body: dict, name: str) -> list:
    value = body.get(name) or []
    if not isinstance(value, list):
        raise IntakeRejected(f"{name} must be a list.", field=name)
    return value


def line_items(order: dict, quantity=lambda line: line.get("quantity"), *,
               zero_is_removed: bool = False,
               price=lambda line: text(line.get("price")) or None) -> list[dict]:
    """The order's `line_items` as intake lines (sku, quantity, unit price) with their `id`
    as external_id; `quantity` and `price` read a line's the platform's way; with
    `zero_is_removed`, lines at 0 are left out."""
    lines = order.get("line_items")
    if not isinstance(lines, list) or not lines:
        raise IntakeRejected("line_items must be a list of at least one line.",
                             field="line_items")
    out = []
    for n, line in enumerate(lines):
        if not isinstance(line, dict):
            raise IntakeRejected("Each line item must be an object.", field=f"line_items[{n}]")
        if not ships(line):
            continue  # a tip or a gift card: nothing for the warehouse (named in the notes)
        # A product sold without a SKU still ships: it comes in under a stand-in, for the
        # unknown-SKU check to flag (refusing it lost the whole order).
        sku = text(line.get("sku")) or f"NO-SKU-{text(line.get('variant_id')) or n + 1}"[:64]
        if (units := quantity(line)) != 0 or not zero_is_removed:
            out.append({"sku": sku, "quantity": units, "unit_price": price(line),
                        "external_id": text(line.get("id"))[:80] or None})
    return out


def ships(line: dict) -> bool:
    """A line the warehouse sends: not a tip or a gift card (Shopify marks both)."""
    return line.get("requires_shipping") is not False and line.get("gift_card") is not True


def unshipped_lines(order: dict) -> str:
    """The lines that don't ship, for the order's notes: 'Tip (5.00)'."""
    lines = order.get("line_items") if isinstance(order.get("line_items"), list) else []
    return ", ".join(f"{text(x.get('title')) or 'item'} ({text(x.get('price'))})"
                     for x in lines if isinstance(x, dict) and not ships(x))


def money_sum(items: list, key: str, where: str) -> str | None:
    """The platform's decimal strings (shipping lines' prices) added up, as a decimal string."""
    total = Decimal(0)
    for n, item in enumerate(items):
        try:
            total += Decimal(text(item.get(key) if isinstance(item, dict) else None) or "0")
        except InvalidOperation:
            raise IntakeRejected(f"{where}[{n}].{key} must be a decimal amount.",
                                 field=f"{where}[{n}].{key}") from None
    return str(total) if total else None


def apply(session: Session, db, order: StorefrontOrder, *, default_rep: str | None,
          shop: str = "") -> dict:
    existing = session.scalars(select(Order).where(Order.external_key == order.key)).first()
    if existing is None:
        if order.buyer is None:
            if order.canceled:  # deleted before its create arrived: remembered for it
                claim(session, source=order.platform, delivery_id=_tombstone(order),
                      topic="deleted-first")
            return {"ok": True, "ignored": f"no order {order.key} to change"}
        if not order.canceled and seen(session, source=order.platform,
                                       delivery_id=_tombstone(order)):
            order = replace(order, canceled=f"deleted in {order.platform} before it arrived")
        if not order.lines:
            return {"ok": True, "ignored": f"order {order.key} has nothing to ship"}
        return _create(session, db, order, default_rep, shop)
    stamp = existing.external_updated_at
    # Older than what was applied: stale. The same second may carry other content (payment
    # captured a moment after the create); applying it again changes only what differs.
    if stamp and order.updated_at and order.updated_at < stamp:
        return {"ok": True, "order_ref": existing.ref, "created": False, "stale": True}
    answer = {"ok": True, "order_ref": existing.ref, "created": False}
    if order.canceled:
        answer |= _cancel(session, db, existing, order)
    else:
        answer |= _update(session, db, existing, order)
    _stamp(session, existing, external_updated_at=order.updated_at or stamp)
    return answer


def _tombstone(order: StorefrontOrder) -> str:
    return f"deleted:{order.key}"


def _stamp(session: Session, order: Order, **values) -> None:
    """The storefront's bookkeeping on the order, written without making it dirty: the ORM
    flush would recompute its digest facts (store.facts) for columns they don't read."""
    session.execute(update(Order).where(Order.id == order.id).values(**values),
                    execution_options={"synchronize_session": "fetch"})


def _create(session: Session, db, order: StorefrontOrder, default_rep: str | None,
            shop: str) -> dict:
    code = _customer(session, order, default_rep)
    ref = order.ref
    taken = session.scalars(select(Order).where(Order.ref_key == ref_key_of(ref))).first()
    if taken is not None:
        if taken.external_key is None and taken.customer.code == code:
            return _link(session, db, taken, order)
        # Another shop's order (every Shopify shop counts from #1001), or another system's:
        # this one is told apart by its shop, not refused (a refusal loses the order).
        ref = f"{ref}-{(shop.split('.')[0] or order.external_id).upper()}"[:64]
    body = {"order_ref": ref, "customer_code": code,
            "order_date": (order.created_at or clock.now()).isoformat(),
            "currency": order.currency,
            "payment_status": (order.payment or PaymentStatus.AWAITING).value,
            "notes": order.notes,
            "lines": [{k: v for k, v in line.items() if k != "external_id"}
                      for line in order.lines],
            **{f"ship_{column}": value for column, value in order.ship.items() if value}}
    result = intake_order(db, body={k: v for k, v in body.items() if v is not None},
                          actor=order.platform, shipping=order.shipping)
    new = session.scalars(select(Order).where(Order.ref == result.order_ref)).one()
    _stamp(session, new, external_key=order.key, source=order.platform,
           external_updated_at=order.updated_at)
    _keep_line_ids(session, new, order, in_order=result.created)
    answer = {"ok": True, "order_ref": result.order_ref, "created": result.created,
              "discrepancies": result.discrepancies}
    if order.canceled:
        answer |= _cancel(session, db, new, order)
    return answer


def _link(session: Session, db, existing: Order, order: StorefrontOrder) -> dict:
    """The shop's order already here, imported before the webhooks were connected (same ref,
    same customer, no storefront of its own): from now on the storefront's, brought up to date
    with what it sent."""
    _stamp(session, existing, external_key=order.key)
    answer = {"ok": True, "order_ref": existing.ref, "created": False, "linked": True}
    answer |= _cancel(session, db, existing, order) if order.canceled else \
        _update(session, db, existing, order)
    _stamp(session, existing, external_updated_at=order.updated_at)
    if order.canceled:  # an update keeps them itself
        _keep_line_ids(session, existing, order)
    return answer


def sku_key(sku: str) -> str:
    """A SKU compared as the catalog matches its spellings: 'wid1042bl' is 'WID-1042-BL'."""
    return "".join(c for c in (sku or "").casefold() if c.isalnum())


def _keep_line_ids(session: Session, order: Order, data: StorefrontOrder, *,
                   in_order: bool = False) -> None:
    """Each desk line gets the id of the platform's line item it came from. `in_order`: the
    order was just created from `data.lines`, one desk line per line item in the same order.
    Else a line item whose id no desk line has yet goes to the one desk line without an id of
    its SKU, when it is the only such line item: a SKU on two lines is left without ids (a
    refund of it is then told to the desk, not guessed)."""
    lines = list(session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                                 .order_by(OrderLine.line_no)))
    if in_order:
        if len(lines) != len(data.lines) or any(
                sku_key(ours.sku) != sku_key(line["sku"])
                for ours, line in zip(lines, data.lines, strict=True)):
            return
        pairs = [(ours, line.get("external_id")) for ours, line in zip(lines, data.lines,
                                                                       strict=True)]
    else:
        known = {line.external_id for line in lines if line.external_id}
        free: dict[str, list[OrderLine]] = {}
        for line in lines:
            if not line.external_id:
                free.setdefault(sku_key(line.sku), []).append(line)
        new: dict[str, list[str]] = {}
        for line in data.lines:
            if line.get("external_id") and line["external_id"] not in known:
                new.setdefault(sku_key(line["sku"]), []).append(line["external_id"])
        pairs = [(free[key][0], ids[0]) for key, ids in new.items()
                 if len(ids) == 1 and len(free.get(key, ())) == 1]
    for line, external_id in pairs:
        if external_id and line.external_id != external_id:
            # Not through the ORM's flush: it would recompute the order's digest facts.
            session.execute(update(OrderLine).where(OrderLine.id == line.id)
                            .values(external_id=external_id))


def _customer(session: Session, order: StorefrontOrder, default_rep: str | None) -> str:
    buyer = order.buyer
    key = f"{order.platform}:{buyer.external_id}" if buyer.external_id else None
    found = None
    if key:
        found = session.scalars(select(Customer).where(Customer.external_key == key)).first()
    if found is None and buyer.email:
        found = session.scalars(select(Customer).where(
            func.lower(Customer.email) == buyer.email.lower()).order_by(Customer.id)).first()
        if found is not None and found.external_key is None and key:
            found.external_key = key
    if found is not None:
        return found.code
    customer = Customer(code=buyer.code[:64], name=(buyer.name or buyer.email or buyer.code)[:200],
                        email=buyer.email[:254] or None, currency=order.currency or "USD",
                        sales_rep_id=default_rep, external_key=key, created_at=clock.now())
    session.add(customer)
    session.flush()
    return customer.code


@dataclass(frozen=True)
class RefundedItem:
    """One line of a storefront's refund: the platform's id of the order's line item it names
    (None: it named none), that line item's SKU as the refund carries it, and the units."""
    external_id: str | None
    sku: str
    quantity: int


def refund_lines(order: Order, items: list[RefundedItem]) -> tuple[dict[int, int], list[str]]:
    """The desk's lines the refunded items are (line no -> units), each found by the platform's
    line item id; and why the items that are not one line for certain are not. An item whose id
    the desk does not keep (an order taken before it kept them, or a line item an update added
    to a line of its SKU) is found by its SKU when one line is the only one it can be: a SKU on
    two lines is never guessed between."""
    by_id = {line.external_id: line for line in order.lines if line.external_id}
    wanted: dict[int, int] = {}
    problems: list[str] = []
    for item in items:
        named = f"line item {item.external_id}" if item.external_id else "a line item"
        sku = item.sku or "no SKU"
        line = by_id.get(item.external_id) if item.external_id else None
        if line is not None and item.sku and sku_key(item.sku) != sku_key(line.sku):
            problems.append(f"{named} is line {line.line_no} ({line.sku}), not {item.sku}")
            continue
        if line is None:
            # One desk line of the SKU is the one (an update's line item of a SKU already on
            # the order was added to its line, which keeps the first item's id); of several,
            # only one the desk keeps no id for can be it.
            same = [ours for ours in order.lines if item.sku and sku_key(ours.sku) ==
                    sku_key(item.sku)]
            pool = same if len(same) == 1 else [
                ours for ours in same if not (item.external_id and ours.external_id)]
            if not same:
                problems.append(f"{named} ({sku}) is not on the order")
                continue
            if len(pool) != 1:
                pool = pool or same
                problems.append(f"{pool[0].sku} is on lines {_and(ours.line_no for ours in pool)}, "
                                f"and the desk cannot tell which is {named}")
                continue
            line = pool[0]
        wanted[line.line_no] = wanted.get(line.line_no, 0) + item.quantity
    return wanted, problems


def _and(numbers) -> str:
    words = [str(n) for n in numbers]
    return ", ".join(words[:-1]) + f" and {words[-1]}" if len(words) > 1 else "".join(words)


def _people_changed(session: Session, order: Order, actor: str) -> set[str]:
    """The fields a storefront may change that a person changed since it last wrote the order."""
    since = session.scalar(select(func.max(Event.id)).where(
        Event.order_id == order.id, Event.actor_id == actor)) or 0
    changed = set()
    for changes in session.scalars(select(Event.changes).where(
            Event.order_id == order.id, Event.id > since, Event.actor_id.notin_(NOT_PEOPLE))):
        fields = {c.get("field") for c in changes or []}
        changed |= fields & LABELS
        if any(LINE_FIELD.fullmatch(str(f)) for f in fields):
            changed.add("lines")
    return changed


def _update(session: Session, db, order: Order, data: StorefrontOrder) -> dict:
    wanted = {column: data.ship.get(column) or None for column in ADDRESS}
    current = {column: getattr(order, f"ship_{column}") for column in ADDRESS}
    touched = _people_changed(session, order, data.platform)
    conflicts, edit = [], {}
    if data.ship and wanted != current:
        desk_changed = sorted(f for f in touched if f.startswith("ship-to"))
        if desk_changed:
            conflicts.append(("ship_to", "changed at the desk: " + ", ".join(desk_changed),
                              ", ".join(v for v in wanted.values() if v)))
        else:
            edit["ship_to"] = AddressView(**wanted)
    if data.payment is not None and data.payment != order.payment_status:
        if "payment" in touched:
            conflicts.append(("payment", f"changed at the desk: {order.payment_status.value}",
                              data.payment.value))
        elif not {data.payment.value, order.payment_status.value} <= set(PAYMENT_CHOICES):
            # A refund on the storefront: the desk records refunds as returns (a refunds/create
            # webhook makes one), so it is told, not refused (the update was a 500, retried).
            conflicts.append(("payment", f"{order.payment_status.value} (a refund is recorded "
                              "with a return)", data.payment.value))
        else:
            edit["payment_status"] = data.payment.value
    lines, problem = _line_edits(order, data.lines)  # a 4xx before anything is written
    changed = []
    if edit:
        result = edit_order(db, ref=order.ref, actor=data.platform,
                            expected_version=order.version_id, changes=OrderEdit(**edit))
        changed = [c.field for c in result.changed_fields]
    if lines or problem:
        theirs = ", ".join(f"{line['sku']} × {line['quantity']}" for line in data.lines)
        if "lines" in touched:
            problem = "lines changed at the desk since the last sync"
        if not problem:
            try:
                with session.begin_nested():  # a refused edit leaves the order as it was
                    result = edit_order(db, ref=order.ref, actor=data.platform,
                                        expected_version=order.version_id,
                                        changes=OrderEdit(lines=lines))
                changed += [c.field for c in result.changed_fields]
            except ValidationFailed as err:
                problem = "; ".join(err.errors.values())
        if problem:
            conflicts.append(("lines", problem, theirs))
    opened = flag(session, order, data.platform, [
        (f"{name}:{theirs}", f"storefront and desk disagree on {name.replace('_', '-')}",
         f"{data.platform}: {theirs}", ours)
        for name, ours, theirs in conflicts]) if conflicts else 0
    _keep_line_ids(session, order, data)
    return {"changed": changed, "discrepancies": opened}


def _line_edits(order: Order, wanted_lines: tuple[dict, ...]
                ) -> tuple[tuple[LineEdit, ...], str | None]:
    """The edit-path line edits turning the order's lines into the storefront's, matched by
    SKU (quantity changed, line added, line removed; prices stay the desk's), or why they
    cannot be matched."""
    wanted: dict[str, dict] = {}
    for n, line in enumerate(wanted_lines):
        quantity = line.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool):
            raise IntakeRejected("A line item's quantity must be a whole number.",
                                 field=f"line_items[{n}].quantity")
        key = line["sku"].upper()
        wanted[key] = {**line, "quantity": wanted.get(key, {}).get("quantity", 0) + quantity}
    have: dict[str, list] = {}
    for line in order.lines:
        have.setdefault(line.sku.upper(), []).append(line)
    edits = []
    for key, lines in have.items():
        quantity = wanted.get(key, {}).get("quantity", 0)
        if quantity == sum(line.quantity for line in lines):
            continue
        if len(lines) > 1:
            return (), f"{lines[0].sku} is on {len(lines)} lines; which one changes is unclear"
        line = lines[0]
        edits.append(LineEdit(line.line_no, line.sku, quantity or line.quantity,
                              remove=not quantity))
    edits += [LineEdit(None, line["sku"], line["quantity"], line.get("unit_price"))
              for key, line in wanted.items() if key not in have]
    return tuple(edits), None


def flag(session: Session, order: Order, actor: str, items: list[tuple[str, str, str, str]]
         ) -> int:
    """Open a storefront discrepancy per (key, title, expected, found); how many opened. The
    checks never resolve them (EXTERNAL_PREFIX): a person does."""
    findings = [Finding(order.id, DiscrepancyType.OTHER, CHECK_RULES.severity("storefront"),
                        f"{EXTERNAL_PREFIX}{fingerprint}"[:200], f"{order.ref}: {title}"[:200],
                        {"expected": expected[:300], "found": found[:300]})
                for fingerprint, title, expected, found in items]
    return len(open_findings(session, findings, actor=actor, now=clock.now(),
                             rules=CHECK_RULES))


def _cancel(session: Session, db, order: Order, data: StorefrontOrder) -> dict:
    if order.status.value == "canceled":
        return {"canceled": True}
    try:
        cancel_order(db, ref=order.ref, actor=data.platform, reason=data.canceled)
        return {"canceled": True}
    except CannotCancel as err:
        opened = flag(session, order, data.platform, [
            ("cancelled", f"{data.canceled} but {err}", "canceled", str(err))])
        return {"canceled": False, "discrepancies": opened}

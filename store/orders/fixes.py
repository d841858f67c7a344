"""Apply fix: the known remedy for a finding, applied to the order and resolving the item.

Re-price uses the order editor's own line rules (store.orders.edit.apply_edit), so a fix is
held to the same checks as a person's edit; so does "use the address on file". Backordering
sets each line's backordered quantity. The order is locked and version-checked, the change is
logged as an edit (with the discrepancy id), the item resolves as fixed, and the order is
re-checked, all in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from store import clock
from store.customers import address_view, default_shipping
from store.db import Database
from store.enums import DiscrepancyStatus as St
from store.errors import FixNotApplied, StaleEdit
from store.models import Event, Order
from store.orders.edit import OrderEdit, apply_edit
from store.orders.lines import LineEdit
from store.orders.operations import edit_summary, tell_warehouse
from store.records import load_order
from store.triage import ActionResult, check_orders, close, discrepancy_view, load_discrepancy
from store.views.orders import AddressView, FieldChange


def apply_fix(db: Database, *, discrepancy_id: int, actor: str,
              now: datetime | None = None) -> ActionResult:
    """Raises FixNotApplied when there is no known fix or the order refuses it."""
    now = now or clock.now()
    try:
        with db.write() as session:
            d = load_discrepancy(session, discrepancy_id, for_update=True)
            if d.status == St.RESOLVED:
                return ActionResult(discrepancy_view(d, now=now), "already_resolved")
            fix = (d.evidence or {}).get("fix")
            if not isinstance(fix, dict):
                raise FixNotApplied("there is no automatic fix for this one; fix the order "
                                    "with Edit, then Resolve.")
            order = load_order(session, d.order.ref, for_update=True)
            changed = _apply(session, order, fix, actor=actor, now=now)
            if changed:
                event = _log(session, order, d.id, actor, changed, now)
                tell_warehouse(session, order, changed, actor=actor, event_id=event.id)
            close(session, d, actor=actor, reason="fixed", note=fix.get("label"), now=now)
            check_orders(session, [order.id], actor=actor, now=now, recheck=True)
            return ActionResult(discrepancy_view(d, now=now), "fixed")
    except StaleDataError:
        raise StaleEdit("The order") from None


def _apply(session: Session, order: Order, fix: dict, *, actor: str,
           now: datetime) -> list[FieldChange]:
    kind = fix.get("kind")
    if kind == "backorder":
        return _backorder(order, int(fix["product_id"]), int(fix["available"]))
    if kind == "reprice":
        line = next((ln for ln in order.lines if ln.line_no == fix["line_no"]), None)
        if line is None:
            raise FixNotApplied(f"Line {fix['line_no']} is no longer on {order.ref}.")
        edit = OrderEdit(lines=(LineEdit(line_no=line.line_no, sku="", quantity=line.quantity,
                                         unit_price=int(fix["price_minor"])),))
    elif kind == "address":
        edit = OrderEdit(ship_to=_address_on_file(order))
    else:
        raise FixNotApplied(f"Unknown fix '{kind}'.")
    errors: dict[str, str] = {}
    with session.no_autoflush:
        changed = apply_edit(session, order, edit, actor=actor, today=clock.date_of(now), errors=errors)
    if errors:
        raise FixNotApplied(" ".join(errors.values()))
    return changed


def _address_on_file(order: Order) -> AddressView:
    """The customer's shipping address on file as it is now, as the customer card shows it:
    the desk often corrects it first, then applies the fix (which used the one of the item's
    opening)."""
    address = default_shipping(order.customer)
    if address is None:
        raise FixNotApplied(f"{order.customer.name} has no shipping address on file any "
                            "more; set the ship-to with Edit, then Resolve.")
    return address_view(address)


def _backorder(order: Order, product_id: int, available: int) -> list[FieldChange]:
    """Ship what is available, backorder the rest: first lines get stock first."""
    out = []
    left = max(0, available)
    for line in order.lines:
        if line.product_id != product_id:
            continue
        need = max(0, line.quantity - line.quantity_reserved - line.quantity_backordered)
        take = min(need, left)
        left -= take
        if need - take > 0:
            before = line.quantity_backordered
            line.quantity_backordered = before + need - take
            out.append(FieldChange(f"line {line.line_no} backordered", str(before),
                                   str(line.quantity_backordered), line_no=line.line_no,
                                   name="backordered"))
    return out


def _log(session: Session, order: Order, discrepancy_id: int, actor: str,
         changed: list[FieldChange], now: datetime) -> Event:
    order.updated_at = now  # one UPDATE, version-checked, even for line-only changes
    session.flush()
    event = Event(
        actor_id=actor, kind="edited", order_id=order.id, discrepancy_id=discrepancy_id, at=now,
        summary=f"applied fix: {edit_summary(changed)}"[:300],
        changes=[{**c.record(), "version": order.version_id} for c in changed])
    session.add(event)
    session.flush()
    return event

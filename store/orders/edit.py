"""What an order edit may change, and the rules it is checked against.

Each `_edit_*` function applies one part of the edit to the loaded order, returns the
FieldChanges it made and records problems in `errors` under the modal's block ids
("ship_to.city", "lines.3.quantity", "transition", ...). The caller raises
ValidationFailed if anything was recorded, which rolls the whole transaction back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from store import clock
from store.control_chars import too_long
from store.customers import address_problems, clean_address
from store.enums import HoldReason, OrderStatus, PaymentStatus
from store.fulfilment import release_reservation
from store.models import Order, OrderHold
from store.orders.lines import LineEdit, edit_lines
from store.states import ALL_SHIPPED, CLOSED_STATES, PAYMENT_CHOICES, transition_problem
from store.views.orders import UNSET, AddressView, FieldChange, OrderView, Unset


@dataclass(frozen=True)
class OrderEdit:
    """None / UNSET / () leave a part unchanged. requested_date and shipping_instructions
    default to UNSET so that None can mean "cleared" (an emptied datepicker or text box)."""

    ship_to: AddressView | None = None
    requested_date: date | None | Unset = UNSET
    shipping_instructions: str | None | Unset = UNSET
    lines: tuple[LineEdit, ...] | None = None
    place_hold: tuple[str, str | None] | None = None
    release_hold_ids: tuple[int, ...] = ()
    transition_to: str | None = None
    payment_status: str | None = None  # a payment recorded by hand (awaiting → captured...)


@dataclass(frozen=True)
class EditResult:
    order: OrderView
    changed_fields: tuple[FieldChange, ...]
    posted_cards: tuple[tuple[str, str, str], ...]  # (channel, ts, sight)


ADDRESS_LABELS = {
    "name": "ship-to name", "line1": "ship-to line 1", "line2": "ship-to line 2",
    "city": "ship-to city", "region": "ship-to region", "postal_code": "ship-to postal code",
    "country": "ship-to country",
}


def apply_edit(session: Session, order: Order, edit: OrderEdit, *, actor: str, today: date,
               errors: dict[str, str]) -> list[FieldChange]:
    if order.status in CLOSED_STATES and _touches_contents(edit):
        errors["order"] = (f"{order.ref} is {order.status.value}, so its address, date and lines "
                           "can't be changed any more.")
        return []
    changes: list[FieldChange] = []
    if edit.ship_to is not None:
        changes += _edit_ship_to(order, edit.ship_to, errors)
    if edit.requested_date is not UNSET:
        changes += _edit_requested_date(order, edit.requested_date, today, errors)
    if edit.shipping_instructions is not UNSET:
        changes += _edit_instructions(order, edit.shipping_instructions, errors)
    if edit.lines:
        changes += edit_lines(session, order, edit.lines, errors, actor=actor)
    changes += _edit_holds(order, edit, actor, errors)
    if edit.transition_to:
        changes += _edit_transition(order, edit.transition_to, errors)
    if edit.payment_status:
        changes += _edit_payment(order, edit.payment_status, errors)
    return changes


def _edit_payment(order: Order, value: str, errors: dict) -> list[FieldChange]:
    value = value.strip().lower()
    if value == order.payment_status.value:
        return []
    if value not in PAYMENT_CHOICES or order.payment_status.value not in PAYMENT_CHOICES:
        errors["payment"] = (f"Payment is {order.payment_status.value.replace('_', ' ')}; "
                             f"it can be recorded as {', '.join(PAYMENT_CHOICES)} (refunds "
                             "come from returns).")
        return []
    before = order.payment_status.value
    order.payment_status, order.payment_status_at = PaymentStatus(value), clock.now()
    return [FieldChange("payment", before, value)]


def _touches_contents(edit: OrderEdit) -> bool:
    return bool(edit.ship_to is not None or edit.requested_date is not UNSET
                or edit.shipping_instructions is not UNSET or edit.lines)


def _edit_ship_to(order: Order, address: AddressView, errors: dict) -> list[FieldChange]:
    values = clean_address(address)
    changed = {f: v for f, v in values.items() if v != getattr(order, f"ship_{f}")}
    if not changed:
        return []
    if order.fulfilment_status in ALL_SHIPPED:
        errors["ship_to.line1"] = ("Everything on this order has shipped, so the ship-to "
                                   "address can't change. Contact the carrier to redirect it.")
        return []
    problems = address_problems(values, "ship_to")
    if problems:
        errors.update(problems)
        return []
    out = []
    for part, value in changed.items():
        out.append(FieldChange(ADDRESS_LABELS[part], getattr(order, f"ship_{part}") or "",
                               value or ""))
        setattr(order, f"ship_{part}", value)
    return out


def _edit_requested_date(order: Order, value: date | None, today: date,
                         errors: dict) -> list[FieldChange]:
    if value == order.requested_date:
        return []
    if problem := requested_date_problem(value, today):
        errors["requested_date"] = problem
        return []
    before = order.requested_date.isoformat() if order.requested_date else ""
    order.requested_date = value
    return [FieldChange("requested date", before, value.isoformat() if value else "")]


def requested_date_problem(value: date | None, today: date) -> str | None:
    """What is wrong with a requested date (a past day: the order would be late as it is
    saved), else None. The editor and the New order modal share it; `today` is the desk's
    (store.clock.today())."""
    if value is not None and value < today:
        return (f"{value.isoformat()} is in the past; pick today ({today.isoformat()}) or a "
                "later date.")
    return None


def _edit_instructions(order: Order, value: str | None, errors: dict) -> list[FieldChange]:
    value = (value or "").strip() or None
    if problem := too_long(value, "shipping_instructions", "The shipping instructions"):
        errors["shipping_instructions"] = problem
        return []
    if value == order.shipping_instructions:
        return []
    before = order.shipping_instructions or ""
    order.shipping_instructions = value
    return [FieldChange("shipping instructions", before, value or "")]


def hold_text(hold: OrderHold) -> str:
    reason = hold.reason.value.replace("_", " ")
    return f"{reason}: {hold.note}" if hold.note else reason


def _edit_holds(order: Order, edit: OrderEdit, actor: str, errors: dict) -> list[FieldChange]:
    out = []
    active = {h.id: h for h in order.holds if h.released_at is None}
    for hold_id in edit.release_hold_ids:
        hold = active.get(int(hold_id))
        if hold is None:
            errors["release_holds"] = (f"Hold {hold_id} is not an active hold on {order.ref} "
                                       "(someone may have released it); reopen the order.")
            continue
        hold.released_at, hold.released_by = clock.now(), actor
        out.append(FieldChange("hold", hold_text(hold), "released"))
    if edit.place_hold is not None:
        out += _place_hold(order, edit.place_hold, actor, errors)
    return out


def _place_hold(order: Order, place: tuple, actor: str, errors: dict) -> list[FieldChange]:
    reason_text = place[0]
    note = ((place[1] or "").strip() or None) if len(place) > 1 else None
    if problem := too_long(note, "hold_note", "The hold note"):
        errors["hold_note"] = problem
        return []
    try:
        reason = HoldReason(str(reason_text).strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in HoldReason)
        errors["hold"] = f"'{reason_text}' is not a hold reason; use one of: {names}."
        return []
    if order.status in CLOSED_STATES:
        errors["hold"] = f"{order.ref} is {order.status.value}; there is nothing left to hold."
        return []
    if any(h.reason == reason and h.released_at is None for h in order.holds):
        errors["hold"] = (f"{order.ref} is already on hold for {reason.value.replace('_', ' ')}; "
                          "release that hold first or pick another reason.")
        return []
    hold = OrderHold(reason=reason, note=note, placed_by=actor, placed_at=clock.now())
    order.holds.append(hold)
    return [FieldChange("hold", "", hold_text(hold))]


def _edit_transition(order: Order, target: str, errors: dict) -> list[FieldChange]:
    target = target.strip().lower()
    if target == order.status.value:
        return []  # the modal may send the current status back: nothing to do
    problem = transition_problem(order.status, order.fulfilment_status, target)
    if problem:
        errors["transition"] = problem
        return []
    if target == OrderStatus.CANCELED.value:
        # One way to cancel: the editor's status change skipped the reason, the warehouse's
        # "do not pick" and the waiting approvals.
        errors["transition"] = (f"Cancel it with `/order cancel {order.ref}`: it asks why (the "
                                "rep reads it), tells the warehouse not to pick it and settles "
                                "its waiting approvals.")
        return []
    before = order.status.value
    order.status = OrderStatus(target)
    if order.status == OrderStatus.COMPLETED:
        # Closed short: what was never shipped no longer holds stock others are waiting for,
        # nor waits for stock (its backorder no longer counts, and no notice says it does).
        for line in order.lines:
            release_reservation(line, keep=0)
            line.quantity_backordered = 0
    return [FieldChange("status", before, target)]

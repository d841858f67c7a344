"""Shipping an order: the ship form's facts, and recording a shipment (partial or whole).

    form = ship_form(db, ref="SO-1042")
    result = ship_order(db, ref="SO-1042", actor="U0PROC1", request=ShipRequest(...))

A shipment takes its units off the shelf and out of the line's reservation
(store.fulfilment.allocation.take_stock); fulfilment follows (partially_shipped / shipped). Goods owed
by an approved return (replacements, exchanges) ship through the same form, as their own
Shipment rows carrying the return (Shipment.return_id, ShipmentLine.product_id).
Errors are keyed by the ship modal's block ids: carrier, service, ship_date, tracking,
qty.<line key>.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import clock
from store.control_chars import too_long
from store.db import Database
from store.enums import DiscrepancyStatus, OrderStatus, ReturnOutcome, ReturnStatus
from store.errors import NothingToShip, ValidationFailed, WrongStage
from store.fulfilment.allocation import (
    best_level,
    clear_fulfilled_backorders,
    release_blockers,
    take_stock,
)
from store.fulfilment.pick import StepResult, finish_step, log, refresh_pick
from store.fulfilment.return_facts import update_fulfilment
from store.fulfilment.rules import CARRIERS, RULES, TRACKING_FORMATS, FulfilmentRules
from store.models import Discrepancy, Order, Return, ReturnLine, Shipment, ShipmentLine, Warehouse
from store.questions import notify_followers
from store.records import load_order, owed_goods, shipped_quantities
from store.tracking import clean_tracking_number, scanned_tracking_number, tracking_url
from store.triage import LATE_FINGERPRINT, close_vanished
from store.views.orders import OwedView as Owed


@dataclass(frozen=True)
class ShipFormLine:
    key: str  # "l<line no>" for an order line, "r<return id>.<product id>" for owed goods
    label: str
    left: int
    suggested: int
    # What the line is as the form shows it (line_mark): an edit may change a line's SKU
    # while the form is open, and its units must not ship as the new product.
    mark: str = ""


@dataclass(frozen=True)
class ShipForm:
    ref: str
    customer_name: str
    stage: str
    lines: tuple[ShipFormLine, ...]
    hidden_lines: int
    carriers: tuple[str, ...]
    today: date


@dataclass(frozen=True)
class ShipRequest:
    carrier: str | None
    service: str | None
    ship_date: date | None
    tracking_number: str | None
    quantities: dict[str, str]  # form key -> quantity as typed
    marks: dict[str, str] | None = None  # form key -> line_mark as the form showed it


@dataclass(frozen=True)
class ShipResult(StepResult):
    units: int = 0
    complete: bool = False
    tracking_url: str | None = None


def ship_form(db: Database, *, ref: str, today: date | None = None,
              rules: FulfilmentRules = RULES) -> ShipForm:
    """What can ship now. Raises NothingToShip (with the reason) when nothing can."""
    with db.read() as session:
        order = load_order(session, ref)
        owed = owed_goods(session, order.id)
        _check_shippable(session, order, owed)
        lines = _form_lines(session, order, owed)
        if not lines:
            raise NothingToShip(f"Everything on {order.ref} has shipped; nothing is left to ship.")
        shown = lines[:rules.max_ship_lines]
        return ShipForm(ref=order.ref, customer_name=order.customer.name,
                        stage=order.fulfilment_status.value, lines=tuple(shown),
                        hidden_lines=len(lines) - len(shown), carriers=CARRIERS,
                        today=today or clock.today())


def _check_shippable(session: Session, order: Order, owed: list[Owed]) -> None:
    """Open orders ship; a completed one ships only what its returns owe (replacements). The
    order's own goods ship only when nothing stops them going to the warehouse either
    (allocation.release_blockers: one rule for release and shipping)."""
    if order.status != OrderStatus.OPEN and not (order.status == OrderStatus.COMPLETED and owed):
        raise WrongStage(f"{order.ref} is {order.status.value}; only open orders ship (and "
                         "the replacements a return owes).")
    holds = [h.reason.value.replace("_", " ") for h in order.holds if h.released_at is None]
    if holds:
        raise WrongStage(f"{order.ref} is on hold ({', '.join(holds)}); release the hold "
                         "before shipping it.")
    shipped = shipped_quantities(session, [line.id for line in order.lines])
    own_left = any(line.quantity > shipped.get(line.id, 0) for line in order.lines)
    if order.status == OrderStatus.OPEN and own_left:
        blockers = release_blockers(session, order)
        if blockers:
            raise WrongStage(f"{order.ref} can't ship yet: {'; '.join(blockers)}. Sort that "
                             "out first, as for a release.")


def _form_lines(session: Session, order: Order, owed: list[Owed]) -> list[ShipFormLine]:
    shipped = shipped_quantities(session, [line.id for line in order.lines])
    out = []
    for line in _own_lines(order):
        left = line.quantity - shipped.get(line.id, 0)
        if left > 0:
            name = line.product.name if line.product else (line.description or "unknown SKU")
            suggested = min(left, line.quantity_reserved) if line.quantity_reserved else left
            out.append(ShipFormLine(f"l{line.line_no}", f"Line {line.line_no} · {line.sku} "
                                    f"{name}", left, suggested, line_mark(line)))
    for item in owed:
        out.append(ShipFormLine(item.key, f"{item.rma} · {item.sku} {item.name} "
                                f"({item.outcome})", item.quantity, item.quantity))
    return out


def line_mark(line) -> str:
    """A short mark of an order line's identity (its row and SKU), kept by the ship form."""
    return f"{zlib.crc32(f'{line.id}:{line.sku}'.encode()):08x}"


def _own_lines(order: Order) -> list:
    """The order's own lines that may ship now: none once it is completed."""
    return list(order.lines) if order.status == OrderStatus.OPEN else []


def ship_order(db: Database, *, ref: str, actor: str, request: ShipRequest,
               today: date | None = None, now: datetime | None = None) -> ShipResult:
    now = now or clock.now()
    today = today or clock.date_of(now)
    with db.write() as session:
        order = load_order(session, ref, for_update=True)
        _check_shippable(session, order, owed_goods(session, order.id))
        errors: dict[str, str] = {}
        carrier, tracking = _carrier_and_tracking(request, errors)
        shipped_at = _shipped_at(request.ship_date, order, today, now, errors)
        wanted = _quantities(session, order, request.quantities, errors, request.marks)
        if problem := too_long((request.service or "").strip(), "service", "The service"):
            errors["service"] = problem
        if errors:
            raise ValidationFailed(errors)
        shipments = _record(session, order, wanted, errors, carrier=carrier,
                            service=(request.service or "").strip() or None,
                            tracking=tracking, shipped_at=shipped_at, actor=actor)
        if errors:
            raise ValidationFailed(errors)
        return _after_shipping(session, order, shipments, actor=actor, now=now)


def _carrier_and_tracking(request: ShipRequest, errors: dict) -> tuple[str, str | None]:
    chosen = (request.carrier or "").strip()
    carrier = next((c for c in CARRIERS if c.lower() == chosen.lower()), None)
    if carrier is None:
        errors["carrier"] = f"Pick a carrier: {', '.join(CARRIERS)}."
        return chosen, None
    tracking = scanned_tracking_number(
        carrier, clean_tracking_number(request.tracking_number or "")) or None
    shape = TRACKING_FORMATS.get(carrier)
    if tracking and len(tracking) > 64:
        errors["tracking"] = "A tracking number is at most 64 characters."
    elif tracking and shape and not shape[0].fullmatch(tracking):
        errors["tracking"] = (f"'{tracking}' is not a {carrier} tracking number; they look "
                              f"like {shape[1]}. Pick another carrier if it is not {carrier}.")
    elif tracking and not re.fullmatch(r"[0-9A-Z]+", tracking):
        errors["tracking"] = "Use letters and digits only."
    return carrier, tracking


def _shipped_at(day: date | None, order: Order, today: date, now: datetime,
                errors: dict) -> datetime:
    if day is None:
        errors["ship_date"] = "Pick the day it shipped."
    elif day > today:
        errors["ship_date"] = (f"{day.isoformat()} is in the future; record a shipment once it "
                               "has left.")
    elif day < clock.date_of(order.ordered_at):
        errors["ship_date"] = (f"{order.ref} was ordered on "
                               f"{clock.date_of(order.ordered_at).isoformat()}; it can't have "
                               "shipped before that.")
    elif day == today:
        return now
    else:
        # A day in the workspace's zone, without a time: its noon there, never before the
        # order was placed (12:00 UTC made negative cycle times, and in UTC+14 the next day).
        noon = datetime.combine(day, time(12), tzinfo=clock.current().zone).astimezone(UTC)
        return min(max(noon, order.ordered_at), now)
    return now


def _quantities(session: Session, order: Order, typed: dict[str, str], errors: dict,
                marks: dict[str, str] | None = None) -> dict:
    """form key -> (order line or Owed, units), for the keys with units > 0. `marks`: the
    lines as the form showed them; one that changed since is refused, not shipped."""
    shipped = shipped_quantities(session, [line.id for line in order.lines])
    targets: dict[str, tuple] = {f"l{line.line_no}": (line, line.quantity - shipped.get(
        line.id, 0)) for line in _own_lines(order)}
    targets.update({o.key: (o, o.quantity) for o in owed_goods(session, order.id)})
    wanted = {}
    for key, text in typed.items():
        text = str(text or "").strip() or "0"
        if key not in targets:
            errors[f"qty.{key}"] = "This line is no longer on the order (or was shipped); reopen."
        elif marks and key in marks and not isinstance(targets[key][0], Owed) \
                and marks[key] != line_mark(targets[key][0]):
            errors[f"qty.{key}"] = (f"This line changed since the form opened: it is now "
                                    f"{targets[key][0].sku}. Close this and open Ship again.")
        elif not text.isdecimal():
            errors[f"qty.{key}"] = f"Enter a whole number, 0 or more (you entered '{text}')."
        elif int(text) > targets[key][1]:
            errors[f"qty.{key}"] = f"Only {targets[key][1]} left to ship on this line."
        elif int(text) > 0:
            wanted[key] = (targets[key][0], int(text))
    if not wanted and not errors:
        first = next(iter(typed), "l1")
        errors[f"qty.{first}"] = "Enter how many shipped of at least one line."
    return wanted


def _record(session: Session, order: Order, wanted: dict, errors: dict, **fields) -> list:
    """One Shipment for the order's own lines, one per return whose goods go out too."""
    codes = dict(session.execute(select(Warehouse.id, Warehouse.code)).all())
    groups: dict[int | None, list[ShipmentLine]] = {}
    houses: dict[int | None, set] = {}
    for key, (item, units) in wanted.items():
        if isinstance(item, Owed):
            level = best_level(session, item.product_id, units)
            if level is None:
                errors[f"qty.{key}"] = f"Not enough free stock of {item.sku} to send {units}."
                continue
            level.on_hand -= units
            group, house = item.return_id, level.warehouse_id
            row = ShipmentLine(product_id=item.product_id, quantity=units)
        else:
            problem = take_stock(session, item, units, codes)
            if problem:
                errors[f"qty.{key}"] = problem
                continue
            group, house = None, item.warehouse_id
            row = ShipmentLine(order_line_id=item.id, quantity=units)
        groups.setdefault(group, []).append(row)
        houses.setdefault(group, set()).add(house)
    shipments = []
    for return_id, rows in groups.items():
        one = houses[return_id]
        shipment = Shipment(order_id=order.id, return_id=return_id, created_by=fields["actor"],
                            carrier=fields["carrier"], service=fields["service"],
                            shipped_at=fields["shipped_at"], tracking_number=fields["tracking"],
                            warehouse_id=next(iter(one)) if len(one) == 1 else None)
        shipment.lines.extend(rows)
        order.shipments.append(shipment)
        shipments.append(shipment)
    return shipments


def _after_shipping(session: Session, order: Order, shipments: list, *, actor: str,
                    now: datetime) -> ShipResult:
    session.flush()
    clear_fulfilled_backorders(session, order)
    changes = update_fulfilment(session, order)
    units = sum(row.quantity for s in shipments for row in s.lines)
    first = shipments[0]
    left = sum(line.quantity for line in order.lines) - sum(
        shipped_quantities(session, [line.id for line in order.lines]).values())
    complete = left <= 0 and not owed_goods(session, order.id)
    number = first.tracking_number or "no tracking number"
    log(session, order, actor=actor, kind="shipped",
        summary=f"shipped {units} unit(s) via {first.carrier} ({number})"
                f"{'' if complete else f', {left} unit(s) still to ship'}",
        changes=changes + [{"field": "shipment", "before": None,
                            "after": f"{first.carrier} {number}"}])
    _close_fulfilled_returns(session, order)
    if complete:
        _resolve_late(session, order, actor, now)
    shipped = (f"{order.ref} {'shipped' if complete else 'partly shipped'}: "
               f"{units} unit(s) via {first.carrier}")
    notify_followers(session, order_id=order.id, dedupe_key=f"shipped:{first.id}",
                     text=f"{shipped}, tracking {number}.", status_text=f"{shipped}.")
    base = finish_step(session, order, refresh_pick(session, order))
    return ShipResult(**vars(base), units=units, complete=complete,
                      tracking_url=tracking_url(first.carrier, first.tracking_number))


def settle_edited_lines(session: Session, order: Order, shipped: dict[int, int], *,
                        actor: str, now: datetime) -> list[dict]:
    """An edit of a part-shipped or shipped order's lines (`shipped`: line id -> units, as
    before the edit) moves its fulfilment as a shipment would: a line dropped or lowered to
    what shipped leaves it shipped (and its late flag resolved), a line added or raised after
    everything shipped leaves it partially_shipped, so the rest can be released and is owed.
    Without this the stage stayed as it was: shipped with units still to go, which could never
    be released, or partially_shipped with none, which the late sweep flagged for ever."""
    changes = update_fulfilment(session, order, shipped)
    complete = order.lines and all(shipped.get(line.id, 0) >= line.quantity
                                   for line in order.lines)
    if complete and not owed_goods(session, order.id):
        _resolve_late(session, order, actor, now)
    return changes


def _close_fulfilled_returns(session: Session, order: Order) -> None:
    owing = {o.return_id for o in owed_goods(session, order.id)}
    sending = session.scalars(
        select(Return).join(ReturnLine, ReturnLine.return_id == Return.id)
        .where(Return.order_id == order.id, Return.status == ReturnStatus.APPROVED,
               ReturnLine.outcome.in_((ReturnOutcome.REPLACE, ReturnOutcome.EXCHANGE)))
        .distinct())
    for ret in sending:
        if ret.id not in owing:
            ret.status = ReturnStatus.CLOSED


def _resolve_late(session: Session, order: Order, actor: str, now: datetime) -> None:
    late = session.scalars(select(Discrepancy).where(
        Discrepancy.order_id == order.id, Discrepancy.fingerprint == LATE_FINGERPRINT,
        Discrepancy.status != DiscrepancyStatus.RESOLVED)).first()
    if late is not None:
        close_vanished(session, late, actor=actor, now=now)

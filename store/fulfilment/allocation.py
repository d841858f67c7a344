"""Stock for orders: reserve it when an order goes to the warehouse, give it back when the order
is canceled or changed, take it off the shelf when it ships.

When allocation runs: an order that is *ready* (open, no active holds, no open discrepancies,
paid (captured or authorized) or the customer is on terms, i.e. has a credit limit) is
allocated by the clock's sweep (`allocate_ready`, every few minutes, only while a warehouse
channel is routed) or at once by a person with `/order release <ref>` (`allocate`).
Allocating reserves what each line still needs, posts the pick request in the warehouse
channel, and moves fulfilment from unfulfilled to allocated. Running it again tops a line up
(after a quantity was raised, or stock arrived for a backorder) and never reserves twice; the
sweep tops up released orders' backorders itself, oldest order first, before newer orders
take the stock that arrived.

A line keeps the warehouse holding its reservation; a line holding none takes the warehouse
with the most available stock (on hand - reserved). What can't be reserved is backordered.
Stock rows are locked (FOR UPDATE on PostgreSQL; SQLite writes are serialised) while counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session, object_session

from store import clock
from store.db import Database
from store.enums import DiscrepancyStatus, DiscrepancyType, FulfilmentStatus, OrderStatus
from store.errors import NotReady
from store.fulfilment.pick import (
    WAREHOUSE_ROUTE,
    StepResult,
    finish_step,
    has_pick_request,
    log,
    post_pick,
)
from store.fulfilment.rules import RULES, FulfilmentRules
from store.models import Customer, Discrepancy, Order, OrderHold, OrderLine, StockLevel
from store.questions import notify_followers
from store.records import load_order, shipped_quantities
from store.triage import LATE_FINGERPRINT, WORDS, CheckRules, Finding, open_findings
from store.triage import RULES as CHECK_RULES
from store.workspace import route_map

ALLOCATABLE = (FulfilmentStatus.UNFULFILLED, FulfilmentStatus.ALLOCATED, FulfilmentStatus.PICKING,
               FulfilmentStatus.PACKED, FulfilmentStatus.PARTIALLY_SHIPPED)


@dataclass(frozen=True)
class AllocateResult(StepResult):
    # The pick request: "posted" now, "kept current" (the order had one), "already" (released
    # again with nothing new to reserve: the order was with the warehouse already), or "none"
    # (no warehouse channel is routed; the notes say how to route one).
    pick_request: str = "posted"


@dataclass(frozen=True)
class Reserved:
    line_no: int
    reserved: int
    backordered: int


def release_blockers(session: Session, order: Order, rules: FulfilmentRules = RULES
                     ) -> list[str]:
    """The one rule for goods leaving: what stops the order's own goods from going to the
    warehouse, or from shipping (the ship form applies it too): not open, on hold, an open
    discrepancy (a credit, payment, price or address problem, a person's flag), or unpaid
    with no terms. A `late` item never stops it: shipping is what resolves it."""
    problems = []
    if order.status != OrderStatus.OPEN:
        problems.append(f"it is {order.status.value}, not open")
    holds = [h.reason.value.replace("_", " ") for h in order.holds if h.released_at is None]
    if holds:
        problems.append(f"it is on hold ({', '.join(holds)})")
    open_items = session.scalars(select(Discrepancy.title).where(
        Discrepancy.order_id == order.id, Discrepancy.status != DiscrepancyStatus.RESOLVED,
        Discrepancy.fingerprint != LATE_FINGERPRINT)
        .order_by(Discrepancy.id).limit(4)).all()
    if open_items:
        problems.append(f"open discrepancies: {', '.join(open_items)}")
    on_terms = order.customer.credit_limit_minor is not None
    if order.payment_status.value not in rules.paid_states and not on_terms:
        problems.append(f"payment is {order.payment_status.value} and the customer is not on "
                        "terms (no credit limit)")
    return problems


def readiness_problems(session: Session, order: Order, rules: FulfilmentRules = RULES
                       ) -> list[str]:
    """Why the order can't go to the warehouse; empty when it is ready."""
    problems = release_blockers(session, order, rules)
    if order.fulfilment_status not in ALLOCATABLE:
        problems.append(f"fulfilment is {order.fulfilment_status.value}")
    return problems


def allocate(db: Database, *, ref: str, actor: str,
             rules: FulfilmentRules = RULES) -> AllocateResult:
    """Reserve stock for a ready order and post its pick request. Raises NotReady."""
    with db.write() as session:
        order = load_order(session, ref, for_update=True)
        problems = readiness_problems(session, order, rules)
        if problems:
            raise NotReady(order.ref, problems)
        return _allocate(session, order, actor)


def _allocate(session: Session, order: Order, actor: str) -> AllocateResult:
    released = order.fulfilment_status != FulfilmentStatus.UNFULFILLED
    short_before = [line.quantity_backordered for line in order.lines]
    reserved = reserve_order(session, order)
    # Released again (a double click, a second person) with nothing new to reserve: no second
    # release in the history and no second notice; the answer says it was there already.
    again = released and not any(r.reserved for r in reserved) and short_before == [
        line.quantity_backordered for line in order.lines]
    if not released:
        order.fulfilment_status = FulfilmentStatus.ALLOCATED
    changes = [{"field": f"line {r.line_no} reserved", "before": None, "after": r.reserved}
               for r in reserved]
    short = sum(r.backordered for r in reserved)
    if not again:
        log(session, order, actor=actor, kind="allocated",
            summary=f"released it to the warehouse ({sum(r.reserved for r in reserved)} "
                    f"unit(s) reserved{f', {short} backordered' if short else ''})",
            changes=changes)
    had_pick = has_pick_request(session, order.id)
    queued, note = post_pick(session, order)
    if not again:
        notify_followers(session, order_id=order.id, dedupe_key=f"released:{order.id}",
                         text=f"{order.ref} went to the warehouse"
                              f"{f' ({short} unit(s) backordered)' if short else ''}.")
    backorder_note = (f"{short} unit(s) are not in stock and were backordered." if short
                      and not again else None)
    base = finish_step(session, order, queued, notes=(note, backorder_note))
    return AllocateResult(**vars(base), pick_request=(
        "none" if note else "already" if again and had_pick else
        "kept current" if had_pick else "posted"))


def allocate_ready(db: Database, *, actor: str = "system", limit: int = 50,
                   rules: FulfilmentRules = RULES) -> list[str]:
    """The clock's sweep, oldest order first (one transaction each): allocate every ready,
    unfulfilled order, and top up the backordered lines of orders already released once
    stock they can take is free again, so an older backorder gets arriving stock before a
    newer order does. Does nothing while no warehouse channel is routed. Returns the refs
    allocated or topped up."""
    with db.read() as session:
        if not route_map(session).get(WAREHOUSE_ROUTE):
            return []
        ids = list(session.scalars(_ready_query(rules).limit(limit)))
    done = []
    for order_id in ids:
        with db.write() as session:
            order = load_order(session, session.get(Order, order_id).ref, for_update=True)
            if order.fulfilment_status not in ALLOCATABLE or readiness_problems(
                    session, order, rules):
                continue  # changed since the query, or another clock got here first
            if order.fulfilment_status == FulfilmentStatus.UNFULFILLED:
                _allocate(session, order, actor)
            elif not _top_up(session, order, actor):
                continue
            done.append(order.ref)
    return done


def _top_up(session: Session, order: Order, actor: str) -> bool:
    """Reserve what a released order's backordered lines can take now; False when nothing."""
    reserved = [r for r in reserve_order(session, order) if r.reserved]
    if not reserved:
        return False
    log(session, order, actor=actor, kind="allocated",
        summary=f"reserved {sum(r.reserved for r in reserved)} backordered unit(s) that came "
                "into stock", changes=[{"field": f"line {r.line_no} reserved", "before": None,
                                        "after": r.reserved} for r in reserved])
    post_pick(session, order)  # the pick request shows the units to pick now
    return True


def _ready_query(rules: FulfilmentRules):
    open_item = exists().where(Discrepancy.order_id == Order.id,
                               Discrepancy.status != DiscrepancyStatus.RESOLVED,
                               Discrepancy.fingerprint != LATE_FINGERPRINT)
    held = exists().where(OrderHold.order_id == Order.id, OrderHold.released_at.is_(None))
    # A backordered line with stock free where it can take it (its reservation's warehouse,
    # or any when it holds none): a line that can take nothing never fills the sweep.
    can_top_up = exists().where(
        OrderLine.order_id == Order.id, OrderLine.quantity_backordered > 0,
        StockLevel.product_id == OrderLine.product_id,
        StockLevel.on_hand > StockLevel.reserved,
        or_(OrderLine.quantity_reserved == 0, OrderLine.warehouse_id.is_(None),
            StockLevel.warehouse_id == OrderLine.warehouse_id))
    released = [s for s in ALLOCATABLE if s != FulfilmentStatus.UNFULFILLED]
    return (select(Order.id).join(Customer, Customer.id == Order.customer_id)
            .where(Order.status == OrderStatus.OPEN,
                   or_(Order.fulfilment_status == FulfilmentStatus.UNFULFILLED,
                       and_(Order.fulfilment_status.in_(released), can_top_up)),
                   Order.payment_status.in_(rules.paid_states)
                   | Customer.credit_limit_minor.is_not(None),
                   ~open_item, ~held)
            .order_by(Order.id))


def reserve_order(session: Session, order: Order) -> list[Reserved]:
    shipped = shipped_quantities(session, [line.id for line in order.lines])
    out = []
    for line in order.lines:
        need = line.quantity - shipped.get(line.id, 0) - line.quantity_reserved
        if need <= 0 or line.product_id is None:
            line.quantity_backordered = min(line.quantity_backordered, max(0, need))
            continue
        level = _level_for(session, line)
        take = min(need, max(0, level.on_hand - level.reserved)) if level else 0
        if level is not None and take:
            level.reserved += take
            line.warehouse_id = level.warehouse_id
        line.quantity_reserved += take
        line.quantity_backordered = need - take
        out.append(Reserved(line.line_no, take, need - take))
    return out


def _level_for(session: Session, line: OrderLine) -> StockLevel | None:
    """The warehouse holding the line's reservation, else the one with the most available.
    Locked. A line that holds nothing is tied to no warehouse: stock arriving anywhere
    reaches it."""
    query = select(StockLevel).where(StockLevel.product_id == line.product_id)
    if line.warehouse_id is not None and line.quantity_reserved:
        query = query.where(StockLevel.warehouse_id == line.warehouse_id)
    levels = list(session.scalars(query.with_for_update()))
    if not levels:
        return None
    return sorted(levels, key=lambda s: (-(s.on_hand - s.reserved), s.warehouse_id))[0]


def clear_fulfilled_backorders(session: Session, order: Order) -> None:
    """A line is backordered by what it still lacks, never more: what shipped (from free stock,
    after a restock) or is now reserved is no longer short."""
    shipped = shipped_quantities(session, [line.id for line in order.lines])
    for line in order.lines:
        lacking = max(0, line.quantity - shipped.get(line.id, 0) - line.quantity_reserved)
        line.quantity_backordered = min(line.quantity_backordered, lacking)


def release_order(session: Session, order: Order) -> int:
    """Give back everything the order holds (cancel). Returns the units released."""
    released = 0
    for line in order.lines:
        released += line.quantity_reserved
        release_reservation(line, keep=0)
        line.quantity_backordered = 0
    return released


def best_level(session: Session, product_id: int, quantity: int) -> StockLevel | None:
    """For goods that were never reserved (replacements): the warehouse with the most
    available that can cover `quantity`, locked; None when none can."""
    levels = list(session.scalars(select(StockLevel).where(
        StockLevel.product_id == product_id).with_for_update()))
    fits = [s for s in levels if s.on_hand - s.reserved >= quantity]
    return sorted(fits, key=lambda s: (-(s.on_hand - s.reserved), s.warehouse_id))[0] if fits \
        else None


def free_in_one_warehouse(session: Session, product_id: int) -> int:
    """The most units of a product free in any one warehouse: goods never reserved
    (replacements, exchanges) ship from one warehouse (best_level), so no more can be sent."""
    levels = session.scalars(select(StockLevel).where(StockLevel.product_id == product_id))
    return max((max(0, s.on_hand - s.reserved) for s in levels), default=0)


def take_stock(session: Session, line: OrderLine, quantity: int,
               codes: dict[int, str]) -> str | None:
    """Ship `quantity` of a line: off the shelf (on_hand) and out of its reservation.
    Units beyond the reservation must be free stock. Returns what is wrong, or None."""
    if line.product_id is None:
        return f"{line.sku} matches no product; fix the line's SKU before shipping it."
    from_reserved = min(quantity, line.quantity_reserved)
    extra = quantity - from_reserved
    # The units come from one warehouse: the reservation's, else any that has them free.
    held_in = line.warehouse_id if from_reserved else None
    if held_in is not None:
        level = session.scalars(select(StockLevel).where(
            StockLevel.product_id == line.product_id,
            StockLevel.warehouse_id == held_in).with_for_update()).first()
    else:
        level = best_level(session, line.product_id, extra)
    free = (level.on_hand - level.reserved) if level else 0
    if level is None or free < extra or level.on_hand < quantity:
        where = codes.get(held_in) if held_in is not None else "any warehouse"
        return (f"Only {max(0, free) + from_reserved} of {line.sku} can ship from {where} "
                f"(stock on hand and this line's reservation); ship fewer or adjust stock.")
    level.on_hand -= quantity
    level.reserved -= from_reserved
    line.quantity_reserved -= from_reserved
    line.warehouse_id = level.warehouse_id
    return None


NOT_SHIPPED = (FulfilmentStatus.UNFULFILLED, FulfilmentStatus.ALLOCATED, FulfilmentStatus.PICKING,
               FulfilmentStatus.PACKED, FulfilmentStatus.PARTIALLY_SHIPPED)
def flag_late_orders(db: Database, *, now: datetime | None = None, limit: int = 500,
                     rules: CheckRules = CHECK_RULES) -> int:
    """The clock's sweep: an open order past its promised date with goods still to ship
    opens a `late` discrepancy (once per order; routed and posted by triage). Returns how
    many opened. Shipping the rest resolves it (store.fulfilment.shipments)."""
    now = now or clock.now()
    known = exists().where(Discrepancy.order_id == Order.id,
                           Discrepancy.fingerprint == LATE_FINGERPRINT)
    with db.write() as session:
        rows = session.execute(
            select(Order.id, Order.ref, Order.promised_date, Order.fulfilment_status)
            .where(Order.status == OrderStatus.OPEN, Order.promised_date < clock.date_of(now),
                   Order.fulfilment_status.in_(NOT_SHIPPED), ~known)
            .order_by(Order.id).limit(limit)).all()
        findings = [Finding(
            order_id, DiscrepancyType.LATE, rules.severity("late"), LATE_FINGERPRINT,
            f"{ref} was promised for {promised.isoformat()} and has not shipped",
            {"expected": f"shipped by {promised.isoformat()}",
             "found": f"{stage.value.replace('_', ' ')} on {clock.date_of(now).isoformat()}",
             WORDS: {"kind": "late_sweep", "ref": ref, "promised": promised.isoformat(),
                     "stage": stage.value, "on": clock.date_of(now).isoformat()}})
            for order_id, ref, promised, stage in rows]
        return len(open_findings(session, findings, actor="system", now=now, rules=rules))


def release_reservation(line: OrderLine, *, keep: int) -> None:
    """Give back reserved stock beyond `keep` units (line removed, shrunk or canceled)."""
    extra = (line.quantity_reserved or 0) - keep
    if extra <= 0:
        return
    session = object_session(line)
    if session is not None and line.product_id and line.warehouse_id:
        level = session.scalar(select(StockLevel).where(
            StockLevel.product_id == line.product_id,
            StockLevel.warehouse_id == line.warehouse_id))
        if level is not None:
            level.reserved = max(0, level.reserved - extra)
    line.quantity_reserved = keep

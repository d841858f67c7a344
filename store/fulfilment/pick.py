"""The Slack posts of fulfilment, and the warehouse's pick request.

Posts (pick requests, approval requests, DMs) are queued in the outbox inside the write
transaction that caused them (store.outbox), so they go out with the change or not at all.
Each is a render request ({"$render": kind, ...ids}): the deliverer renders it at send time
from the record's current state (jobs/renderers.py); store/ builds no Block Kit.

Every row this feature queues has a target: "pick:<order id>", "approval:<id>" or
"notice:<order id>", so rows about one record go out in order (jobs/outbox.py delivers them;
handlers kick it right after their commit). The first post of a record has a dedupe key
("pick:<order id>", "approval:<id>:post") whose row also remembers where it landed (payload
channel + result_ts): the pick request needs no table of its own. A later change leaves a
post that no deliverer has picked up yet alone (it renders the record as it is when sent),
else queues a chat.update, which reads where the post landed at send time.

One pick request per order, in the "warehouse" route; it is kept current as the order moves
(allocated -> picking -> packed -> shipped, or canceled).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store import clock
from store.db import Database
from store.enums import FulfilmentStatus, OrderStatus, OutboxStatus, PostKind
from store.errors import WrongStage
from store.models import Event, Order, OutboxMessage, PostedCard, Warehouse
from store.outbox import enqueue
from store.questions import notify_followers
from store.records import address_of, load_order, order_view, owed_goods, shipped_quantities
from store.states import ALL_SHIPPED
from store.views.orders import AddressView, HoldView, OrderView, OwedView
from store.workspace import route_map

POST, UPDATE = "chat.postMessage", "chat.update"


def queue_post(session: Session, *, kind: PostKind, ids: dict, channel: str, target: str,
               dedupe_key: str | None = None) -> int | None:
    """Queue a new message about the record `ids` names; None when `dedupe_key` was queued
    before (nothing new)."""
    return enqueue(session, method=POST, payload={"$render": kind, **ids, "channel": channel},
                   dedupe_key=dedupe_key, target=target)


def posted_at(session: Session, dedupe_key: str) -> tuple[str, str] | None:
    """(channel, ts) of a sent post, None while it is unsent (or was never queued)."""
    row = session.scalars(select(OutboxMessage).where(
        OutboxMessage.dedupe_key == dedupe_key)).first()
    if row is None or row.status != OutboxStatus.SENT or not row.result_ts:
        return None
    return row.payload.get("channel"), row.result_ts


def refresh_post(session: Session, *, dedupe_key: str, kind: PostKind, ids: dict,
                 target: str) -> int | None:
    """Bring a queued or posted message up to date. Returns a new row id to send (a
    chat.update) or None (not sent yet, so it goes out current; or never posted)."""
    row = session.scalars(select(OutboxMessage).where(
        OutboxMessage.dedupe_key == dedupe_key)).first()
    if row is None:
        return None
    # Not picked up by any deliverer yet (attempts 0): it renders when sent, so nothing to
    # queue. The UPDATE locks the row, so a deliverer claiming now skips it until this commits
    # and then renders the change.
    unsent = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id, OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.attempts == 0)
        .values(attempts=0).returning(OutboxMessage.id)).scalar_one_or_none()
    if unsent is not None:
        return None
    session.refresh(row)
    if row.status not in (OutboxStatus.SENT, OutboxStatus.PENDING):
        return None  # never posted (given up): there is nothing to update
    # Sent, or in flight right now: the update waits behind the post (rows of one target go
    # out in order), so it finds where the post landed. Skipping it here lost the update when
    # a decision came while the post was being sent (the manager post kept its buttons).
    return enqueue(session, method=UPDATE, payload={"$render": kind, **ids}, target=target)


# --- the pick request -------------------------------------------------------------------

WAREHOUSE_ROUTE = "warehouse"
ROUTE_HINT = "`/orders route warehouse #channel`"


@dataclass(frozen=True)
class PickLine:
    line_no: int
    sku: str
    name: str | None
    to_ship: int
    reserved: int
    backordered: int
    shipped: int
    warehouse_code: str | None


@dataclass(frozen=True)
class PickView:
    order_id: int
    ref: str
    customer_name: str
    status: str
    stage: str  # the fulfilment status
    lines: tuple[PickLine, ...]
    ship_to: AddressView
    shipping_instructions: str | None
    requested_date: date | None
    promised_date: date | None
    units_left: int  # the order's own lines and the goods its returns owe
    can_pick: bool
    can_pack: bool
    can_ship: bool
    canceled: bool
    summary: str
    owed: tuple[OwedView, ...] = ()  # replacements and exchanges to send (their own shipment)
    # The holds not released yet: while there is one, nothing is picked, packed or shipped
    # (mark_picked/mark_packed and the ship form refuse), so the request says so and offers
    # none of them.
    holds: tuple[HoldView, ...] = ()


@dataclass(frozen=True)
class StepResult:
    """What a fulfilment step hands back: the order now, posts to send, cards to refresh."""

    order: OrderView
    queued: tuple[int, ...]
    posted_cards: tuple[tuple[str, str, str], ...]
    pick: PickView | None = None
    notes: tuple[str, ...] = ()


def pick_key(order_id: int) -> str:
    return f"pick:{order_id}"


def pick_view(session: Session, order: Order) -> PickView:
    shipped = shipped_quantities(session, [line.id for line in order.lines])
    codes = dict(session.execute(select(Warehouse.id, Warehouse.code)).all())
    lines = tuple(
        PickLine(line_no=line.line_no, sku=line.sku,
                 name=line.product.name if line.product else line.description,
                 to_ship=max(0, line.quantity - shipped.get(line.id, 0)),
                 reserved=line.quantity_reserved, backordered=line.quantity_backordered,
                 shipped=shipped.get(line.id, 0), warehouse_code=codes.get(line.warehouse_id))
        for line in order.lines)
    owed = tuple(owed_goods(session, order.id))
    left = sum(line.to_ship for line in lines) + sum(o.quantity for o in owed)
    canceled = order.status == OrderStatus.CANCELED
    stage = order.fulfilment_status
    nothing_shipped = not any(line.shipped for line in lines)
    open_ = order.status == OrderStatus.OPEN
    holds = tuple(HoldView(id=h.id, reason=h.reason.value, note=h.note, placed_by=h.placed_by,
                           placed_at=h.placed_at)
                  for h in sorted(order.holds, key=lambda h: h.id or 0) if h.released_at is None)
    free = not holds  # a hold placed after the request went out stops the warehouse
    return PickView(
        order_id=order.id, ref=order.ref, customer_name=order.customer.name,
        status=order.status.value, stage=stage.value, lines=lines, ship_to=address_of(order),
        shipping_instructions=order.shipping_instructions, requested_date=order.requested_date,
        promised_date=order.promised_date, units_left=left,
        can_pick=free and open_ and nothing_shipped and stage == FulfilmentStatus.ALLOCATED,
        can_pack=free and open_ and nothing_shipped and stage == FulfilmentStatus.PICKING,
        can_ship=free and (open_ or (bool(owed) and order.status == OrderStatus.COMPLETED))
        and left > 0,
        canceled=canceled, owed=owed, holds=holds,
        summary=f"Pick request {order.ref} · {order.customer.name} · {left} unit(s) to ship",
    )


def get_pick_post(db: Database, *, order_id: int) -> tuple[PickView, tuple[str, str] | None]:
    """The order's pick request as it is now, and where it was posted (None while unsent).
    Raises OrderNotFound."""
    with db.read() as session:
        order = load_order(session, "", order_id=order_id)
        return pick_view(session, order), posted_at(session, pick_key(order_id))


def has_pick_request(session: Session, order_id: int) -> bool:
    """Whether the order's pick request was queued (sent or not) before."""
    return session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.dedupe_key == pick_key(order_id))) is not None


def refresh_pick(session: Session, order: Order) -> list[int]:
    """Keep the order's pick request current (if it has one). Returns rows to send."""
    row_id = refresh_post(session, dedupe_key=pick_key(order.id), kind=PostKind.PICK_REQUEST,
                          ids={"order_id": order.id}, target=pick_key(order.id))
    return [row_id] if row_id else []


def tell_warehouse_ship_to(session: Session, order: Order, *, actor: str,
                           event_id: int) -> list[int]:
    """A new ship-to after the pick request went out: redrawn in place, the request changes
    silently, and a label printed from it already goes to the old address. One note in its
    thread says so (payload: who, and the address as it is now). Nothing once every unit
    has left, or while the request is not posted yet."""
    if order.fulfilment_status in ALL_SHIPPED or posted_at(session, pick_key(order.id)) is None:
        return []  # not posted yet: it goes out with the new address, no label printed
    row_id = enqueue(session, method=POST, dedupe_key=f"pick-note:{event_id}",
                     target=pick_key(order.id), payload={
                         "$render": PostKind.PICK_NOTE, "order_id": order.id, "actor": actor,
                         "address": list(address_of(order).lines())})
    return [row_id] if row_id else []


def post_pick(session: Session, order: Order) -> tuple[list[int], str | None]:
    """Post the pick request in the warehouse route (once per order). Returns (rows to send,
    a note for the person when no warehouse channel is routed)."""
    channel = route_map(session).get(WAREHOUSE_ROUTE)
    if not channel:
        return [], (f"No warehouse channel is routed, so no pick request was posted; an admin "
                    f"can set one with {ROUTE_HINT}.")
    row_id = queue_post(session, kind=PostKind.PICK_REQUEST, ids={"order_id": order.id},
                        channel=channel, target=pick_key(order.id), dedupe_key=pick_key(order.id))
    return ([row_id] if row_id else refresh_pick(session, order)), None


def goods_out(session: Session, order: Order, notes: list[str]) -> list[int]:
    """After a return or its approval: replacement goods it owes go to the warehouse on the
    order's pick request (posted now if the order never had one); else the request is just
    kept current. A note joins `notes` when no warehouse channel is routed."""
    if not owed_goods(session, order.id):
        return refresh_pick(session, order)
    queued, note = post_pick(session, order)
    if note:
        notes.append(note)
    return queued


def posted_cards(session: Session, order_id: int) -> tuple[tuple[str, str, str], ...]:
    """(channel, ts, sight) of each shared card: redrawn as its sharer could see it."""
    rows = session.execute(select(PostedCard.channel_id, PostedCard.message_ts, PostedCard.sight)
                           .where(PostedCard.order_id == order_id).order_by(PostedCard.id))
    return tuple((channel, ts, sight) for channel, ts, sight in rows)


def finish_step(session: Session, order: Order, queued: list[int],
                notes: Iterable[str] = ()) -> StepResult:
    session.flush()
    return StepResult(order=order_view(session, order), queued=tuple(queued),
                      posted_cards=posted_cards(session, order.id),
                      pick=pick_view(session, order), notes=tuple(n for n in notes if n))


def log(session: Session, order: Order, *, actor: str, kind: str, summary: str,
        changes: list[dict] | None = None) -> None:
    """One events-log row, and the order's row touched so its version moves (stale edits see it)."""
    order.updated_at = clock.now()
    session.add(Event(actor_id=actor, kind=kind, order_id=order.id, at=clock.now(),
                      summary=summary[:300], changes=changes or []))


def mark_picked(db: Database, *, ref: str, actor: str) -> StepResult:
    return _advance(db, ref=ref, actor=actor, source=FulfilmentStatus.ALLOCATED,
                    target=FulfilmentStatus.PICKING, verb="picked")


def mark_packed(db: Database, *, ref: str, actor: str) -> StepResult:
    return _advance(db, ref=ref, actor=actor, source=FulfilmentStatus.PICKING,
                    target=FulfilmentStatus.PACKED, verb="packed")


def _advance(db: Database, *, ref: str, actor: str, source: FulfilmentStatus,
             target: FulfilmentStatus, verb: str) -> StepResult:
    with db.write() as session:
        order = load_order(session, ref, for_update=True)
        if order.status != OrderStatus.OPEN:
            raise WrongStage(f"{order.ref} is {order.status.value}; there is nothing to "
                             f"mark {verb}.")
        if order.fulfilment_status == target:
            raise WrongStage(f"{order.ref} is already marked {verb}.")
        if order.fulfilment_status != source:
            now = order.fulfilment_status.value.replace("_", " ")
            raise WrongStage(f"{order.ref} is {now}, so it can't be marked {verb}; it needs to "
                             f"be {source.value.replace('_', ' ')} first.")
        holds = [h.reason.value.replace("_", " ") for h in order.holds if h.released_at is None]
        if holds:  # placed after the pick request went out: the warehouse stops here
            raise WrongStage(f"{order.ref} is on hold ({', '.join(holds)}); it can't be marked "
                             f"{verb} until the hold is released.")
        order.fulfilment_status = target
        log(session, order, actor=actor, kind=f"fulfilment.{verb}", summary=f"marked it {verb}",
            changes=[{"field": "fulfilment", "before": source.value, "after": target.value}])
        notify_followers(session, order_id=order.id, dedupe_key=f"{verb}:{order.id}",
                         text=f"{order.ref} is {verb} in the warehouse.")
        return finish_step(session, order, refresh_pick(session, order))

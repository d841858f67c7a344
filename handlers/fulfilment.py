"""/order ship <ref> and the Ship button (the ship modal); /order release <ref> (send a ready
order to the warehouse now); the pick request's Picked, Packed and Shipped buttons."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import Deps, Listeners, ModalState, Permission, Reply, Request
from messages.actions import FulfilmentActions
from messages.blocks import ShipBlocks as B
from messages.common import confirmation_message
from messages.fulfilment import ShipMetadata, allocated_text, ship_modal, shipped_text, step_text
from messages.i18n import N_
from store.fulfilment import ShipRequest, allocate, mark_packed, mark_picked, ship_form, ship_order

SHIP_USAGE = "/order ship <ref>"
RELEASE_USAGE = "/order release <ref>"


def register(app: App, deps: Deps) -> None:
    deps.order_command.add("ship", on_ship_command, usage=SHIP_USAGE,
                           summary=N_("record a shipment (partial or whole)"))
    deps.order_command.add("release", on_release_command, usage=RELEASE_USAGE,
                           summary=N_("reserve stock and send a ready order to the warehouse"))
    on = Listeners(app, deps)
    on.action(FulfilmentActions.SHIP, on_ship_button)
    on.action(FulfilmentActions.PICKED, on_picked_button)
    on.action(FulfilmentActions.PACKED, on_packed_button)
    on.view(FulfilmentActions.SHIP_CALLBACK, on_ship_submit)


def on_ship_command(request: Request) -> Reply:
    return Reply.modal(ship_view(request, ref=request.order_ref(SHIP_USAGE)))


def on_ship_button(request: Request) -> Reply:
    return Reply.modal(ship_view(request, ref=request.value))


def on_ship_submit(request: Request) -> Reply:
    request.require(Permission.SHIP)
    meta = request.metadata(ShipMetadata)
    shipment = parse_ship(request.state, meta)
    done = request.once("ship", lambda: ship_order(request.deps.db, ref=meta.ref,
                                                   actor=request.user, request=shipment),
                        lambda result: {"text": shipped_text(result)})
    return (Reply().kick_outbox().refresh_cards(done.result)
            .confirm(done.answer["text"], channel=meta.channel_id))


def on_release_command(request: Request) -> Reply:
    request.require(Permission.ALLOCATE)
    result = allocate(request.deps.db, ref=request.order_ref(RELEASE_USAGE), actor=request.user)
    return (Reply.message(confirmation_message(allocated_text(result)))
            .kick_outbox().refresh_cards(result))


def on_picked_button(request: Request) -> Reply:
    return pick_step(request, mark_picked, N_("is marked picked"))


def on_packed_button(request: Request) -> Reply:
    return pick_step(request, mark_packed, N_("is marked packed"))


def pick_step(request: Request, step, verb: str) -> Reply:
    request.require(Permission.PICK)
    result = step(request.deps.db, ref=request.value, actor=request.user)
    return (Reply().kick_outbox().refresh_cards(result)
            .confirm(step_text(verb, result), channel=request.channel))


def ship_view(request: Request, *, ref: str) -> dict:
    request.require(Permission.SHIP)
    return ship_modal(ship_form(request.deps.db, ref=ref), channel_id=request.channel)


def parse_ship(state: ModalState, meta: ShipMetadata) -> ShipRequest:
    return ShipRequest(
        carrier=state.selected(B.CARRIER), service=state.text(B.SERVICE),
        ship_date=state.date(B.SHIP_DATE), tracking_number=state.text(B.TRACKING),
        quantities={key: state.figure(B.quantity(key)) or "" for key in meta.keys},
        marks=dict(zip(meta.keys, meta.marks, strict=True))
        if len(meta.marks) == len(meta.keys) else None)

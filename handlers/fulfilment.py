"""/order ship <ref> and the Ship button (the ship modal); /order release <ref> (send a ready
order to the warehouse now); the pick request's Picked, Packed and Shipped buttons."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from messages.actions import FulfilmentActions
from messages.common import confirmation_message
from messages.fulfilment import ShipMetadata, allocated_text, ship_modal, shipped_text, step_text
from messages.orders import order_card
from store.errors import ValidationFailed
from store.fulfilment import ShipRequest, allocate, mark_packed, mark_picked, ship_form, ship_order

SHIP_USAGE = "/order ship <ref>"
RELEASE_USAGE = "/order release <ref>"
log = logging.getLogger("orderdesk.fulfilment")


def register(app: App, deps: Deps) -> None:
    def ship_view(user_id: str, ref: str, channel_id: str | None) -> dict:
        deps.require(user_id, "ship")
        return ship_modal(ship_form(deps.db, ref=ref), channel_id=channel_id)

    def on_ship_command(*, ack, command, client, **_):
        ref = command_ref(command, SHIP_USAGE)
        view = ship_view(command["user_id"], ref, command.get("channel_id"))
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=view)

    def on_ship_button(ack, body, action, client):
        view = ship_view(body["user"]["id"], action["value"], channel_of(body))
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_ship_submit(ack, body, view, client):
        user = body["user"]["id"]
        deps.require(user, "ship")
        meta = ShipMetadata.loads(view["private_metadata"])
        result = ship_order(deps.db, ref=meta.ref, actor=user, request=parse_ship(view, meta))
        reply = Reply.of(result, user=user, channel=meta.channel_id, text=shipped_text(result))
        ack()
        reply.send(deps, client)

    def on_release_command(*, ack, command, client, **_):
        user = command["user_id"]
        deps.require(user, "allocate")
        result = allocate(deps.db, ref=command_ref(command, RELEASE_USAGE), actor=user)
        reply, answer = Reply.of(result), confirmation_message(allocated_text(result))
        ack(answer)
        reply.send(deps, client)

    def stage_button(step, verb: str):
        def on_button(ack, body, action, client):
            user = body["user"]["id"]
            deps.require(user, "pick")
            result = step(deps.db, ref=action["value"], actor=user)
            reply = Reply.of(result, user=user, channel=channel_of(body),
                             text=step_text(verb, result))
            ack()
            reply.send(deps, client)
        return on_button

    deps.order_command.add("ship", on_ship_command, usage=SHIP_USAGE,
                           summary="record a shipment (partial or whole)")
    deps.order_command.add("release", on_release_command, usage=RELEASE_USAGE,
                           summary="reserve stock and send a ready order to the warehouse")
    app.action(FulfilmentActions.SHIP)(on_ship_button)
    app.action(FulfilmentActions.PICKED)(stage_button(mark_picked, "is marked picked"))
    app.action(FulfilmentActions.PACKED)(stage_button(mark_packed, "is marked packed"))
    app.view(FulfilmentActions.SHIP_CALLBACK)(on_ship_submit)


def command_ref(command: dict, usage: str) -> str:
    ref = command["text"].strip()
    if not ref:
        raise ValidationFailed({"ref": f"which order? Usage: `{usage}`"})
    return ref


def channel_of(body: dict) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id")


def state_value(view: dict, block_id: str) -> str | None:
    """A modal input's value: typed text, the picked option's value, or the picked date."""
    state = view["state"]["values"].get(block_id, {}).get(block_id) or {}
    value = (state.get("value") or (state.get("selected_option") or {}).get("value")
             or state.get("selected_date"))
    return value.strip() if isinstance(value, str) and value.strip() else None


def parse_ship(view: dict, meta: ShipMetadata) -> ShipRequest:
    day = state_value(view, "ship_date")
    return ShipRequest(
        carrier=state_value(view, "carrier"), service=state_value(view, "service"),
        ship_date=date.fromisoformat(day) if day else None,
        tracking_number=state_value(view, "tracking"),
        quantities={key: state_value(view, f"qty.{key}") or "" for key in meta.keys})


@dataclass(frozen=True)
class Reply:
    """What a step sends after its ack, rendered before it (a render error then reaches the
    person through the ack, not after it): shared order cards to refresh, a confirmation."""

    card: dict
    cards: tuple[tuple[str, str], ...]
    user: str | None = None
    channel: str | None = None
    confirmation: dict | None = None

    @classmethod
    def of(cls, result, *, user: str | None = None, channel: str | None = None,
           text: str | None = None) -> Reply:
        confirm = confirmation_message(text) if (user and channel and text) else None
        return cls(order_card(result.order), result.posted_cards, user, channel, confirm)

    def send(self, deps: Deps, client) -> None:
        """After the ack: deliver the queued posts, refresh shared order cards, confirm."""
        deps.kick_outbox(deps.db, client)
        for channel_id, ts in self.cards:
            try:
                client.chat_update(channel=channel_id, ts=ts, **self.card)
            except SlackApiError as err:  # a deleted card must not hide the confirmation
                log.warning("order card %s/%s not updated: %s", channel_id, ts,
                            err.response.get("error"))
        if self.confirmation:
            client.chat_postEphemeral(channel=self.channel, user=self.user, **self.confirmation)

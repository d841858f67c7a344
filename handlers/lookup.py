"""/order <anything>: find an order, show its card, offer candidates, share it in the channel."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.deps import Deps
from messages.actions import OrderActions
from messages.orders import all_lines_modal, candidates_message, no_match_message, order_card
from store.lookup import find_orders
from store.orders import get_order, record_posted_card

LOOKUP_USAGE = "/order <ref, PO, tracking number, customer, SKU>"


def register(app: App, deps: Deps) -> None:
    def on_lookup_command(*, ack, command, **_):
        with deps.db.read():  # the role check and the lookup share one transaction
            deps.require(command["user_id"], "lookup")
            result = find_orders(deps.db, query=command["text"].strip())
        if result.exact:
            ack({"response_type": "ephemeral", **order_card(result.exact, shareable=True)})
        elif result.candidates:
            ack(candidates_message(result))
        else:
            ack(no_match_message(result))

    def on_open_button(ack, body, action, respond):
        with deps.db.read():
            deps.require(body["user"]["id"], "lookup")
            order = get_order(deps.db, ref=action["value"])
        ack()
        respond({"replace_original": True, **order_card(order, shareable=True)})

    def on_share_button(ack, body, action, client, respond):
        with deps.db.read():
            deps.require(body["user"]["id"], "lookup")
            order = get_order(deps.db, ref=action["value"])
        ack()
        posted = client.chat_postMessage(channel=body["channel"]["id"], **order_card(order))
        record_posted_card(deps.db, ref=order.ref, channel_id=posted["channel"],
                           message_ts=posted["ts"])
        respond({"delete_original": True})

    def on_all_lines_button(ack, body, action, client):
        with deps.db.read():
            deps.require(body["user"]["id"], "lookup")
            view = all_lines_modal(get_order(deps.db, ref=action["value"]))
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    deps.order_command.fallback(on_lookup_command, usage=LOOKUP_USAGE,
                                summary="find an order by anything you know about it")
    app.action(re.compile(rf"^{re.escape(OrderActions.OPEN)}(:\d+)?$"))(on_open_button)
    app.action(OrderActions.SHARE)(on_share_button)
    app.action(OrderActions.ALL_LINES)(on_all_lines_button)

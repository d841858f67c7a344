"""/stock <sku or words>: what is on hand, reserved and available, by warehouse."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.deps import Deps
from messages.actions import StockActions
from messages.common import usage_message
from messages.customers import product_candidates, stock_card
from store.fulfilment import get_stock
from store.views.orders import StockView

USAGE = "/stock <SKU or part of the product name>"


def register(app: App, deps: Deps) -> None:
    def answer(query: str) -> dict:
        found = get_stock(deps.db, query=query)
        return stock_card(found) if isinstance(found, StockView) else product_candidates(query,
                                                                                         found)

    def on_stock_command(ack, command):
        query = command["text"].strip()
        if not query or query.lower() == "help":
            ack(usage_message("/stock", [(USAGE, "on hand, reserved, available by warehouse")]))
            return
        deps.require(command["user_id"], "lookup")
        ack(answer(query))

    def on_open_button(ack, body, action, respond):
        deps.require(body["user"]["id"], "lookup")
        message = answer(action["value"])
        ack()
        respond({"replace_original": True, **message})

    app.command("/stock")(on_stock_command)
    app.action(re.compile(rf"^{re.escape(StockActions.OPEN)}(:\d+)?$"))(on_open_button)

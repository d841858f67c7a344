"""/stock <sku or words>: what is on hand, reserved and available, by warehouse."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import Deps, Listeners, Permission, Reply, Request, numbered
from messages.actions import StockActions
from messages.common import usage_message
from messages.customers import product_candidates, stock_card
from store.fulfilment import get_stock
from store.views.orders import StockView

USAGE = "/stock <SKU or part of the product name>"


def register(app: App, deps: Deps) -> None:
    on = Listeners(app, deps)
    on.command("/stock", on_stock_command)
    on.action(numbered(StockActions.OPEN), on_open_button)


def on_stock_command(request: Request) -> Reply:
    if not request.text or request.text.lower() == "help":
        return Reply.message(usage_message(
            "/stock", [(USAGE, "on hand, reserved, available by warehouse")]))
    request.require(Permission.LOOKUP)
    return Reply.message(stock_answer(request, request.text))


def on_open_button(request: Request) -> Reply:
    request.require(Permission.LOOKUP)
    return Reply().respond({"replace_original": True, **stock_answer(request, request.value)})


def stock_answer(request: Request, query: str) -> dict:
    found = get_stock(request.deps.db, query=query)
    return stock_card(found) if isinstance(found, StockView) else product_candidates(query, found)

"""Entering an order by hand: `/order new` and the "New order" shortcut open a modal whose
customer and product pickers search as you type; saving runs the order checks."""

from __future__ import annotations

import re

from slack_bolt import App

from handlers.kit import Deps, Listeners, ModalState, Permission, Reply, Request
from messages.actions import HomeActions, NewOrderIds
from messages.blocks import NewOrderBlocks as B
from messages.i18n import N_
from messages.triage_modals import (
    NEW_ORDER_LINES,
    SHIP_TO_FIELDS,
    ModalMetadata,
    created_text,
    customer_options,
    new_order_modal,
    product_options,
)
from store.lookup import find_customers, find_products
from store.orders import create_order

USAGE = "/order new"
OPTIONS = 20


def register(app: App, deps: Deps) -> None:
    deps.order_command.add("new", on_new_order, usage=USAGE, summary=N_("enter a new order"))
    on = Listeners(app, deps)
    on.shortcut(NewOrderIds.SHORTCUT, on_new_order)
    on.action(HomeActions.NEW_ORDER, on_new_order)  # the App Home's button
    # The pickers serve only this modal, whose opening checks the role; they list names and
    # SKUs anyone who may look orders up may read, and answer no one else (a guest, another
    # organisation's user: Slack would not show them the modal, but a request can be made).
    on.options(NewOrderIds.CUSTOMER, on_customer_options)
    on.options(re.compile(rf"^{re.escape(NewOrderIds.SKU)}\.\d+$"), on_product_options)
    on.action(NewOrderIds.ADD_LINES, on_add_lines_button)
    on.view(NewOrderIds.CALLBACK, on_new_submit)


def on_new_order(request: Request) -> Reply:
    """The command (confirms in its channel) and the global shortcut (in the DM)."""
    request.require(Permission.ENTER_ORDER)
    return Reply.modal(new_order_modal(channel_id=request.channel))


def on_customer_options(request: Request) -> Reply:
    request.require(Permission.LOOKUP)
    found = find_customers(request.deps.db, query=request.value or "", limit=OPTIONS)
    return Reply.message(customer_options(found))


def on_product_options(request: Request) -> Reply:
    request.require(Permission.LOOKUP)
    found = find_products(request.deps.db, query=request.value or "", limit=OPTIONS)
    return Reply.message(product_options(found))


def on_add_lines_button(request: Request) -> Reply:
    """More line inputs, in place; what was typed stays (same block ids)."""
    request.require(Permission.ENTER_ORDER)
    meta = request.metadata(ModalMetadata)
    view = new_order_modal(channel_id=meta.channel_id,
                           lines=(meta.lines or NEW_ORDER_LINES) + NEW_ORDER_LINES)
    view_id = (request.body.get("view") or {}).get("id")
    return Reply().then_update_view(view_id, view)


def on_new_submit(request: Request) -> Reply:
    request.require(Permission.ENTER_ORDER)
    meta = request.metadata(ModalMetadata)
    fields = parse_new_order(request.state, lines=meta.lines or NEW_ORDER_LINES)
    done = request.once("new_order", lambda: create_order(
        request.deps.db, actor=request.user, ref_prefix=request.deps.settings.ref_prefix,
        **fields), lambda order: {"text": created_text(order)})
    channel = request.metadata(ModalMetadata).channel_id or request.user
    return Reply().kick_outbox().confirm(done.answer["text"], channel=channel)


def parse_new_order(state: ModalState, *, lines: int = NEW_ORDER_LINES) -> dict:
    count, lines = lines, []
    for n in range(1, count + 1):
        sku, quantity = state.selected(B.sku(n)), state.number(B.quantity(n))
        price = state.figure(B.unit_price(n))
        if sku or quantity is not None or price:
            lines.append((n, sku, quantity, price))
    return {"customer_code": state.selected(B.CUSTOMER) or "",
            "po_number": state.text(B.PO_NUMBER),
            "requested_date": state.date(B.REQUESTED_DATE), "lines": lines,
            "ship_to": {f: state.text(B.ship_to(f)) or "" for f, _ in SHIP_TO_FIELDS},
            "shipping": state.figure(B.SHIPPING), "notes": state.text(B.NOTES)}

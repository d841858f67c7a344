"""Entering an order by hand: `/order new` and the "New order" shortcut open a modal whose
customer and product pickers search as you type; saving runs the order checks."""

from __future__ import annotations

import re
from datetime import date

from slack_bolt import App

from bot.deps import Deps
from messages.actions import NewOrderIds
from messages.common import confirmation_message
from messages.text import money, mrkdwn
from messages.triage_modals import (
    NEW_ORDER_LINES,
    ModalMetadata,
    customer_options,
    new_order_modal,
    product_options,
)
from store.lookup import find_customers, find_products
from store.orders import create_order

USAGE = "/order new"
OPTIONS = 20


def register(app: App, deps: Deps) -> None:
    def open_modal(client, trigger_id: str, channel_id: str | None) -> None:
        client.views_open(trigger_id=trigger_id, view=new_order_modal(channel_id=channel_id))

    def on_new_command(*, ack, command, client, **_):
        deps.require(command["user_id"], "enter_order")
        ack()
        open_modal(client, command["trigger_id"], command.get("channel_id"))

    def on_new_shortcut(ack, shortcut, client):
        deps.require(shortcut["user"]["id"], "enter_order")
        ack()
        open_modal(client, shortcut["trigger_id"], None)

    def on_customer_options(ack, payload):
        ack(customer_options(find_customers(deps.db, query=payload.get("value", ""),
                                            limit=OPTIONS)))

    def on_product_options(ack, payload):
        ack(product_options(find_products(deps.db, query=payload.get("value", ""),
                                          limit=OPTIONS)))

    def on_new_submit(ack, body, view, client):
        user = body["user"]["id"]
        deps.require(user, "enter_order")
        form = parse_new_order(view)
        order = create_order(deps.db, actor=user, **form)
        ack()
        deps.kick_outbox(deps.db, client)
        channel = ModalMetadata.loads(view["private_metadata"]).channel_id or user
        problems = (f" · {len(order.open_discrepancies)} problem(s) sent to triage"
                    if order.open_discrepancies else "")
        client.chat_postEphemeral(channel=channel, user=user, **confirmation_message(
            f"Created *{mrkdwn(order.ref, 64)}* for {mrkdwn(order.customer_name, 200)}: "
            f"{money(order.total_minor, order.currency)}{problems}"))

    deps.order_command.add("new", on_new_command, usage=USAGE, summary="enter a new order")
    app.shortcut(NewOrderIds.SHORTCUT)(on_new_shortcut)
    app.options(NewOrderIds.CUSTOMER)(on_customer_options)
    app.options(re.compile(rf"^{re.escape(NewOrderIds.SKU)}\.\d+$"))(on_product_options)
    app.view(NewOrderIds.CALLBACK)(on_new_submit)


def parse_new_order(view: dict) -> dict:
    values = view["state"]["values"]

    def state(block_id: str) -> dict:
        return next(iter((values.get(block_id) or {None: {}}).values())) or {}

    def selected(block_id: str) -> str | None:
        return (state(block_id).get("selected_option") or {}).get("value")

    lines = []
    for n in range(1, NEW_ORDER_LINES + 1):
        sku = selected(f"line.{n}.sku")
        quantity = state(f"line.{n}.quantity").get("value")
        price = (state(f"line.{n}.unit_price").get("value") or "").strip() or None
        if sku or quantity or price:
            lines.append((n, sku, quantity, price))
    picked = state("requested_date").get("selected_date")
    return {"customer_code": selected("customer") or "",
            "po_number": (state("po_number").get("value") or "").strip() or None,
            "requested_date": date.fromisoformat(picked) if picked else None, "lines": lines}

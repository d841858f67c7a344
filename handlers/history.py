"""/order history <ref> and the History button: the audit trail, newest first, paged."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.deps import Deps
from messages.actions import OrderActions
from messages.orders import history_message
from store.errors import ValidationFailed
from store.orders import order_history

USAGE = "/order history <ref>"


def register(app: App, deps: Deps) -> None:
    def on_history_command(*, ack, command, **_):
        ref = command["text"].strip()
        if not ref:
            raise ValidationFailed({"ref": f"which order? Usage: `{USAGE}`"})
        deps.require(command["user_id"], "lookup")
        ack(history_message(order_history(deps.db, ref=ref)))

    def on_history_button(ack, body, action, respond):
        deps.require(body["user"]["id"], "lookup")
        page = order_history(deps.db, ref=action["value"])
        ack()
        respond({**history_message(page), "replace_original": False})

    def on_page_button(ack, body, action, respond):
        deps.require(body["user"]["id"], "lookup")
        ref, _, page = action["value"].rpartition("|")
        history = order_history(deps.db, ref=ref, page=int(page))
        ack()
        respond({**history_message(history), "replace_original": True})

    deps.order_command.add("history", on_history_command, usage=USAGE,
                           summary="who changed what, newest first")
    app.action(OrderActions.HISTORY)(on_history_button)
    app.action(re.compile(rf"^{re.escape(OrderActions.HISTORY_PAGE)}:(prev|next)$"))(on_page_button)

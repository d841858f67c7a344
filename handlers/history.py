"""/order history <ref> and the History button: the audit trail, newest first, paged."""

from __future__ import annotations

import re

from slack_bolt import App

from handlers.kit import Deps, Listeners, Permission, Reply, Request
from messages.actions import OrderActions
from messages.i18n import N_
from messages.orders import history_message
from store.errors import NotVisible
from store.orders import get_order, order_history
from store.workspace import FULL, order_sight

USAGE = "/order history <ref>"


def register(app: App, deps: Deps) -> None:
    deps.order_command.add("history", on_history_command, usage=USAGE,
                           summary=N_("who changed what, newest first"))
    on = Listeners(app, deps)
    on.action(OrderActions.HISTORY, on_history_button)
    on.action(re.compile(rf"^{re.escape(OrderActions.HISTORY_PAGE)}:(prev|next)$"),
              on_page_button)


def on_history_command(request: Request) -> Reply:
    ref = request.order_ref(USAGE)
    require_full_sight(request, ref)
    return Reply.message(history_message(order_history(request.deps.db, ref=ref)))


def on_history_button(request: Request) -> Reply:
    require_full_sight(request, request.value)
    page = order_history(request.deps.db, ref=request.value)
    return Reply().respond({**history_message(page), "replace_original": False})


def on_page_button(request: Request) -> Reply:
    ref, _, page = request.value.rpartition("|")  # history_message's "<ref>|<page>"
    require_full_sight(request, ref)
    history = order_history(request.deps.db, ref=ref, page=int(page))
    return Reply().respond({**history_message(history), "replace_original": True})


def require_full_sight(request: Request, ref: str) -> None:
    """History shows every edit's values: the desk and the account's rep only."""
    with request.deps.db.read():
        viewer = request.viewer(Permission.LOOKUP)
        order = get_order(request.deps.db, ref=ref)
    if order_sight(viewer, order) != FULL:
        raise NotVisible(order.ref, "The history and changes")

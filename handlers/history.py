"""/order history <ref> and the History button: an order's audit trail, newest first, paged.
/orders audit [page] (managers): the workspace's, what is no one order's change."""

from __future__ import annotations

import re

from slack_bolt import App

from handlers.kit import Deps, Listeners, Permission, Reply, Request
from messages.actions import OrderActions
from messages.i18n import N_
from messages.orders import audit_message, history_message
from store.errors import NotVisible, ValidationFailed
from store.orders import get_order, order_history
from store.workspace import FULL, order_sight, workspace_history

USAGE = "/order history <ref>"
AUDIT_USAGE = "/orders audit [page]"


def register(app: App, deps: Deps) -> None:
    deps.order_command.add("history", on_history_command, usage=USAGE,
                           summary=N_("who changed what, newest first"))
    deps.orders_command.add("audit", on_audit_command, usage=AUDIT_USAGE,
                            summary=N_("who changed roles, routes, shared channels, "
                                       "subscriptions and customers (managers)"))
    on = Listeners(app, deps)
    on.action(OrderActions.HISTORY, on_history_button)
    on.action(re.compile(rf"^{re.escape(OrderActions.HISTORY_PAGE)}:(prev|next)$"),
              on_page_button)


def on_history_command(request: Request) -> Reply:
    ref = request.order_ref(USAGE)
    require_full_sight(request, ref)
    return Reply.message(history_message(order_history(request.deps.db, ref=ref)))


def on_audit_command(request: Request) -> Reply:
    request.require(Permission.AUDIT)
    text = request.text.strip()
    if text and not (text.isdecimal() and len(text) <= 6):
        raise ValidationFailed({"text": f"`{text[:40]}` is not a page number. "
                                        f"Usage: `{AUDIT_USAGE}`"})
    return Reply.message(audit_message(workspace_history(request.deps.db, page=int(text or 1))))


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

"""The App Home tab: published for the viewer, by role, when they open it or press Refresh;
"Open the queue" sends the whole queue to their DM (a Home tab has no thread to answer in).
An admin's Home checks each route's channel (is Orderdesk in it?) and retries dead posts."""

from __future__ import annotations

import re

from slack_bolt import App

from handlers.kit import Deps, Listeners, Permission, Reply, Request, membership_state
from handlers.triage_buttons import queue_answer
from messages.actions import HomeActions
from messages.home import home_view
from store import clock
from store.errors import NotAllowed
from store.orders import home_for
from store.triage import SNOOZE_OPTIONS
from store.workspace import desk_people, retry_dead

_QUEUE = re.compile(rf"^{re.escape(HomeActions.QUEUE)}(:\w+)?$")
_RETRY = re.compile(rf"^{re.escape(HomeActions.RETRY)}:(\d+|all)$")


def register(app: App, deps: Deps) -> None:
    on = Listeners(app, deps)
    on.event("app_home_opened", on_home_opened_event)
    on.action(HomeActions.REFRESH, on_refresh_button)
    on.action(_QUEUE, on_queue_button)
    on.action(_RETRY, on_retry_button)


def on_home_opened_event(request: Request) -> Reply:
    if request.event.get("tab") != "home":  # the Messages tab: nothing to publish
        return Reply()
    return Reply().publish_home(request.user, build_home(request, request.user))


def on_refresh_button(request: Request) -> Reply:
    return Reply().publish_home(request.user, build_home(request, request.user))


def on_queue_button(request: Request) -> Reply:
    message = queue_answer(request, request.value or "")
    message = {k: v for k, v in message.items() if k not in ("response_type", "replace_original")}
    return Reply().post(message, channel=request.user)


def on_retry_button(request: Request) -> Reply:
    """Send a dead post again (or all of them), then show the Home as it is now."""
    request.require(Permission.ROUTE)
    ids = None if request.value == "all" else [int(request.value)]
    retry_dead(request.deps.db, ids=ids)
    return Reply().publish_home(request.user, build_home(request, request.user)).kick_outbox()


def build_home(request: Request, user_id: str) -> dict:
    # everyone has a Home; what it shows is by role, each order as the viewer may see it
    viewer = request.viewer(Permission.LOOKUP)
    home = home_for(request.deps.db, viewer=viewer, admins=request.deps.settings.admins,
                    now=clock.now())
    workers = desk_people(request.deps.db) if home.processor is not None else ()
    membership = None
    if home.admin is not None:  # a handful of routes: one conversations.info each
        channels = dict.fromkeys(channel for _, channel in home.admin.routes)
        membership = {c: membership_state(request.client, c) for c in channels}
    return home_view(home, snooze_options=SNOOZE_OPTIONS, workers=workers,
                     can_enter_orders=_may(request, Permission.ENTER_ORDER),
                     membership=membership)


def _may(request: Request, permission: Permission) -> bool:
    try:
        request.require(permission)
    except NotAllowed:
        return False
    return True

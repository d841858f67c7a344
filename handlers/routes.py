"""`/orders route <type|default|manager|warehouse> #channel` (admins) and
`/orders queue [mine|unassigned|<type>]` (open discrepancies with their buttons)."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from messages.common import confirmation_message
from messages.triage import queue_message, routes_message
from store.errors import ValidationFailed
from store.triage import SNOOZE_OPTIONS, list_queue
from store.workspace import ROUTE_KEYS, list_routes, parse_channel, set_route

ROUTE_USAGE = "/orders route <type|default|manager|warehouse> #channel"
QUEUE_USAGE = "/orders queue [mine|unassigned|<type>]"


def register(app: App, deps: Deps) -> None:
    def on_route_command(*, ack, command, **_):
        user = command["user_id"]
        deps.require(user, "route")
        parts = command["text"].split()
        if not parts:
            ack(routes_message(list_routes(deps.db), ROUTE_KEYS))
            return
        if len(parts) != 2:
            raise ValidationFailed({"text": f"expected a key and a channel: `{ROUTE_USAGE}`"})
        route = set_route(deps.db, actor=user, key=parts[0], channel_id=parse_channel(parts[1]))
        ack(confirmation_message(f"`{route.key}` now goes to <#{route.channel_id}>. "
                                 "Invite me there if I'm not in it yet."))

    def on_queue_command(*, ack, command, **_):
        user = command["user_id"]
        deps.require(user, "lookup")
        page = list_queue(deps.db, user_id=user, filter=command["text"])
        ack(queue_message(page, snooze_options=SNOOZE_OPTIONS))

    deps.orders_command.add("route", on_route_command, usage=ROUTE_USAGE,
                            summary="send a kind of discrepancy to a channel (admins)")
    deps.orders_command.add("queue", on_queue_command, usage=QUEUE_USAGE,
                            summary="open discrepancies, oldest first, with their buttons")

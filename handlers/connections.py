"""`/orders connect <#channel> <customer code>`, `/orders connect list` and
`/orders disconnect <#channel>` (admins): a Slack Connect channel linked to one customer
account, where that customer's people may ask about its orders (customer-safe).
`/orders connect sources` (admins): each webhook source's counts and last error."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import Deps, Permission, Reply, Request
from handlers.kit.people import is_ext_shared
from messages.common import confirmation_message
from messages.connect import connect_sources_message
from messages.i18n import N_
from messages.triage import connections_message
from store.connect import list_sources
from store.errors import ValidationFailed
from store.workspace import connect_channel, disconnect_channel, list_connections, parse_channel

CONNECT_USAGE = ("/orders connect <#channel> <customer code> | /orders connect list | "
                 "/orders connect sources")
DISCONNECT_USAGE = "/orders disconnect <#channel>"


def register(app: App, deps: Deps) -> None:
    deps.orders_command.add("connect", on_connect_command, usage=CONNECT_USAGE,
                            summary=N_("link a channel shared with a customer to its account "
                                    "(admins)"))
    deps.orders_command.add("disconnect", on_disconnect_command, usage=DISCONNECT_USAGE,
                            summary=N_("unlink a shared channel from its account (admins)"))


def on_connect_command(request: Request) -> Reply:
    request.require(Permission.ROUTE)
    parts = request.text.split()
    if not parts or parts == ["list"]:
        return Reply.message(connections_message(list_connections(request.deps.db)))
    if parts == ["sources"]:
        return Reply.message(connect_sources_message(list_sources(request.deps.db)))
    if len(parts) != 2:
        raise ValidationFailed({"text": f"expected a channel and a customer code: "
                                        f"`{CONNECT_USAGE}`"})
    channel = parse_channel(parts[0])
    link = connect_channel(request.deps.db, actor=request.user, channel_id=channel,
                           customer_code=parts[1])
    shared = ("" if is_ext_shared(request.client, channel) else
              " It isn't shared with another organisation (yet); guests in it count as "
              "the customer's people too.")
    return Reply.message(confirmation_message(
        f"<#{channel}> is linked to *{link.customer_name}* (`{link.customer_code}`): people "
        "from outside the desk there may ask about this account's orders, and everything I "
        f"post there is customer-safe.{shared}"))


def on_disconnect_command(request: Request) -> Reply:
    request.require(Permission.ROUTE)
    if len(request.text.split()) != 1:
        raise ValidationFailed({"text": f"which channel? `{DISCONNECT_USAGE}`"})
    channel = parse_channel(request.text)
    gone = disconnect_channel(request.deps.db, channel_id=channel, actor=request.user)
    return Reply.message(confirmation_message(
        f"<#{channel}> is no longer linked to an account." if gone
        else f"<#{channel}> wasn't linked to an account."))

"""`/orders autolink <#channel> on|off` (admins), and autolink itself: in a channel that
opted in, a person's message naming known orders (any ref shape the lookup knows) gets one
compact answer in its thread, each order as the channel may see it (customer-safe in a
channel shared with another organisation). Never in a channel that did not opt in; never
twice for one message (Slack's retries and edits: claimed on channel + ts, and edits arrive
as message_changed, which is not a person's new message)."""

from __future__ import annotations

import logging

from slack_bolt import App

from handlers.kit import Deps, Permission, Reply, Request, channel_names, resolve_channel
from messages.common import confirmation_message
from messages.i18n import N_
from messages.unfurls import autolink_message
from store.errors import NotAllowed, Outsider, ValidationFailed
from store.orders import orders_named_in
from store.workspace import (
    NOTHING,
    autolink_channels,
    claim_event,
    cut_order,
    message_key,
    order_sight,
    set_autolink,
)

USAGE = "/orders autolink <#channel> on|off"
log = logging.getLogger("orderdesk.autolink")


def register(app: App, deps: Deps) -> None:
    deps.orders_command.add("autolink", on_autolink_command, usage=USAGE,
                            summary=N_("answer messages that name orders in a channel (admins)"))


def on_autolink_command(request: Request) -> Reply:
    request.require(Permission.ROUTE)
    parts = request.text.split()
    if not parts:
        channels = autolink_channels(request.deps.db)
        names = channel_names(request.client, channels)
        listed = ", ".join(f"<#{c}|{names[c]}>" if c in names else f"<#{c}>" for c in channels)
        return Reply.message(confirmation_message(
            f"Autolink is on in {listed}." if channels else
            f"Autolink is off everywhere. Turn it on: `{USAGE}`"))
    if len(parts) != 2 or parts[1].lower() not in ("on", "off"):
        raise ValidationFailed({"text": f"expected a channel and on or off: `{USAGE}`"})
    channel = resolve_channel(request.client, parts[0])
    on = parts[1].lower() == "on"
    changed = set_autolink(request.deps.db, channel_id=channel.id, on=on, actor=request.user)
    state = "on" if on else "off"
    text = (f"Autolink is {state} in {channel.link}" + ("." if changed else " already.")
            + (" A message there naming orders gets one short answer in its thread."
               if on else ""))
    return Reply.message(confirmation_message(text))


def autolink(request: Request) -> Reply:
    """A person's message in a channel where autolink is on (handlers/threads.py checks), not
    addressed to Orderdesk: answered only when it names known orders, and only once."""
    db, event = request.deps.db, request.event
    orders = orders_named_in(db, text=event.get("text") or "")
    if not orders:
        return Reply()
    try:  # nobody asked: a person who may not see orders gets silence, not a refusal
        viewer = request.viewer(Permission.LOOKUP, posting=True)
    except (NotAllowed, Outsider):
        return Reply()
    shown = tuple(cut_order(o, seen) for o in orders
                  if (seen := order_sight(viewer, o)) != NOTHING)
    if not shown:
        return Reply()
    if not claim_event(db, event_id=request.body["event_id"],
                       message_key=message_key(request.channel, event["ts"])):
        log.info("event %s: already answered, staying quiet", request.body["event_id"])
        return Reply()
    return Reply().post(autolink_message(shown), channel=request.channel,
                        thread_ts=event.get("thread_ts") or event["ts"])

"""`/orders outbox` and `/orders outbox retry <number>|all` (admins): the posts Slack refused
for good (channel_not_found, not_in_channel, is_archived...), kept as dead letters, never
retried forever nor dropped silently. And Slack saying the app was uninstalled or its tokens
revoked: the outbox keeps what it has to send until the app is back (jobs.outbox)."""

from __future__ import annotations

import logging

from slack_bolt import App

from handlers.kit import Deps, Listeners, Permission, Reply, Request
from messages.common import confirmation_message
from messages.i18n import N_
from messages.triage import dead_letters_message
from store.errors import ValidationFailed
from store.workspace import dead_letters, retry_dead

USAGE = "/orders outbox [retry <number>|all]"
log = logging.getLogger("orderdesk")


def register(app: App, deps: Deps) -> None:
    deps.orders_command.add("outbox", on_outbox_command, usage=USAGE,
                            summary=N_("posts Slack refused for good, and sending them again "
                                    "(admins)"))
    on = Listeners(app, deps)
    on.event("app_uninstalled", on_app_access_lost_event)
    on.event("tokens_revoked", on_app_access_lost_event)


def on_app_access_lost_event(request: Request) -> Reply:
    """Acknowledged (unanswered, Slack sends it again and again); nothing can be posted now."""
    log.warning("Slack says %s: posts wait in the outbox until Orderdesk is reinstalled and "
                "given its new token (SLACK_BOT_TOKEN)", request.event.get("type"))
    return Reply()


def on_outbox_command(request: Request) -> Reply:
    request.require(Permission.ROUTE)
    parts = request.text.split()
    if not parts:
        letters, total = dead_letters(request.deps.db)
        return Reply.message(dead_letters_message(letters, total))
    if parts[0].lower() != "retry" or len(parts) != 2 or not (
            parts[1].lower() == "all" or parts[1].lstrip("#").isdecimal()):
        raise ValidationFailed({"text": f"Usage: `{USAGE}`"})
    ids = None if parts[1].lower() == "all" else [int(parts[1].lstrip("#"))]
    count = retry_dead(request.deps.db, ids=ids)
    text = (f"Sending {count} post{'s' * (count != 1)} again." if count else
            "Nothing to send again: no such undelivered post.")
    return Reply.message(confirmation_message(text)).kick_outbox()

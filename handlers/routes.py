"""`/orders route <type|default|manager|warehouse|inbound_mail> #channel [lang es|en|auto]`
(admins: what is posted there unasked is in that language; auto, the workspace default) and
`/orders queue [mine|unassigned|<type>]` (open discrepancies with their buttons)."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import (
    Deps,
    Permission,
    Reply,
    Request,
    channel_names,
    posting_note,
    require_own_channel,
    resolve_channel,
)
from handlers.triage_buttons import queue_answer
from messages.common import confirmation_message
from messages.i18n import LANGUAGES, N_, in_language
from messages.triage import routes_message
from store.errors import ValidationFailed
from store.workspace import (
    ROUTE_KEYS,
    WAREHOUSE,
    list_routes,
    parse_key,
    set_route,
)

ROUTE_USAGE = ("/orders route <type|default|manager|warehouse|inbound_mail> #channel "
               "[lang es|en|auto]")
QUEUE_USAGE = "/orders queue [mine|unassigned|<type>]"


def register(app: App, deps: Deps) -> None:
    deps.orders_command.add("route", on_route_command, usage=ROUTE_USAGE,
                            summary=N_("send a kind of discrepancy to a channel (admins)"))
    deps.orders_command.add("queue", on_queue_command, usage=QUEUE_USAGE,
                            summary=N_("open discrepancies, oldest first, with their buttons"))


def on_route_command(request: Request) -> Reply:
    request.require(Permission.ROUTE)
    parts = request.text.split()
    if not parts:
        routes = list_routes(request.deps.db)
        names = channel_names(request.client, [r.channel_id for r in routes])
        return Reply.message(routes_message(routes, ROUTE_KEYS, names=names))
    parts, language = language_option(parts)
    if len(parts) != 2:
        raise ValidationFailed({"text": f"expected a key and a channel: `{ROUTE_USAGE}`"})
    key, channel = parse_key(parts[0]), resolve_channel(request.client, parts[1])
    if key != WAREHOUSE:  # a 3PL's warehouse may well be another organisation
        require_own_channel(request.client, channel, f"`{key}`")
    route = set_route(request.deps.db, actor=request.user, key=key, channel_id=channel.id,
                      language=language, offered=LANGUAGES)
    return Reply.message(confirmation_message(f"`{route.key}` now goes to {channel.link}"
                                              f"{in_language(route.language)}."
                                              f"{posting_note(request.client, channel.id)}"))


def language_option(words: list[str]) -> tuple[list[str], str | None]:
    """The words without a trailing `lang <code>`, and the code (None when not given)."""
    if len(words) >= 2 and words[-2].lower() in ("lang", "language"):
        return words[:-2], words[-1]
    if words and words[-1].lower() in ("lang", "language"):
        raise ValidationFailed({"language": "which language? e.g. `lang es` (es | en | auto)."})
    return words, None


def on_queue_command(request: Request) -> Reply:
    return Reply.message(queue_answer(request, request.text))

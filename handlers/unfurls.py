"""Orderdesk's own order links (<ORDERDESK_PUBLIC_URL>/o/<ref>) unfurl into a compact order
card when pasted (link_shared -> chat.unfurl). In a channel shared with another organisation
the card is customer-safe. A link to an order that is not there is left as it is.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote, urlparse

from slack_bolt import App

from handlers.kit import Deps, Listeners, Reply, Request
from messages.unfurls import order_unfurl
from store.errors import NotFound
from store.orders import get_order

log = logging.getLogger("orderdesk.unfurls")


def register(app: App, deps: Deps) -> None:
    Listeners(app, deps).event("link_shared", on_link_shared_event)


def on_link_shared_event(request: Request) -> Reply:
    public = request.deps.settings.public_url
    if not public:
        return Reply()
    shared = bool(request.body.get("is_ext_shared_channel"))
    unfurls = {}
    for link in request.event.get("links") or []:
        ref = order_ref_of(link.get("url") or "", public)
        if ref is None:
            continue
        try:
            order = get_order(request.deps.db, ref=ref)
        except NotFound:
            log.info("link to %s: no such order, not unfurled", ref)
            continue
        unfurls[link["url"]] = order_unfurl(order, url=link["url"], customer_safe=shared)
    if not unfurls:
        return Reply()
    event = request.event
    return Reply().unfurl(event["channel"], event["message_ts"], unfurls)


def order_ref_of(url: str, public_url: str) -> str | None:
    """The ref of `<public_url>/o/<ref>`, else None."""
    link, ours = urlparse(url), urlparse(public_url)
    if (link.hostname or "").lower() != (ours.hostname or "").lower():
        return None
    prefix = ours.path.rstrip("/") + "/o/"
    if not link.path.startswith(prefix):
        return None
    ref = unquote(link.path[len(prefix):]).strip("/")
    return ref or None

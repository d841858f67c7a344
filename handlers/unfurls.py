"""Orderdesk's own order links (<ORDERDESK_PUBLIC_URL>/o/<ref>) and links matching
ORDERDESK_LINK_PATTERNS (the ERP's or storefront's order pages, `https://erp.example.com/orders/
{ref}`) unfurl into a compact order card when pasted (link_shared -> chat.unfurl); the ref is
looked up however it is spelled. The card shows what the visibility policy lets the person who
pasted it show the channel (another rep's order: status only); in a channel shared with another
organisation it is customer-safe, and only for the account the channel is linked to (as Share).
A link to an order that is not there, or that the channel may not see, is left as it is.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from urllib.parse import unquote, urlparse

from slack_bolt import App

from handlers.kit import Deps, Listeners, Permission, Reply, Request
from messages.unfurls import order_unfurl
from store.errors import NotAllowed, NotFound, Outsider
from store.orders import get_order
from store.workspace import NOTHING, cut_order, order_sight

log = logging.getLogger("orderdesk.unfurls")


def register(app: App, deps: Deps) -> None:
    Listeners(app, deps).event("link_shared", on_link_shared_event)


def on_link_shared_event(request: Request) -> Reply:
    settings = request.deps.settings
    public, patterns = settings.public_url, settings.link_patterns
    if not public and not patterns:
        return Reply()
    try:  # the card is for the channel, as the person who pasted the link may show it
        viewer = request.viewer(Permission.LOOKUP, posting=True)
    except (NotAllowed, Outsider):
        return Reply()  # nobody asked: no refusal, the link stays as it is
    unfurls = {}
    for link in request.event.get("links") or []:
        ref = order_ref_of(link.get("url") or "", public, patterns)
        if ref is None:
            continue
        try:
            order = get_order(request.deps.db, ref=ref)
        except NotFound:
            log.info("link to %s: no such order, not unfurled", ref)
            continue
        seen = order_sight(viewer, order)
        if seen == NOTHING:
            log.info("link to %s: not for this channel, not unfurled", ref)
            continue
        unfurls[link["url"]] = order_unfurl(cut_order(order, seen), url=link["url"],
                                            customer_safe=request.in_shared_channel)
    if not unfurls:
        return Reply()
    event = request.event
    return Reply().unfurl(event["channel"], event["message_ts"], unfurls)


def order_ref_of(url: str, public_url: str | None, patterns: tuple[str, ...] = ()) -> str | None:
    """The ref of `<public_url>/o/<ref>` or of a link matching one of `patterns`, else None."""
    if public_url:
        ours = public_url.rstrip("/") + "/o/{ref}"
        # Our page reads no query: a link carried through a mail (?utm_source=…) is the same.
        ref = _pattern(ours).fullmatch(_normal(urlparse(url.strip())._replace(query="").geturl()))
        if ref is not None:
            return _ref(ref.group(1))
    for pattern in patterns:
        if (ref := _pattern(pattern).fullmatch(_normal(url))) is not None:
            return _ref(ref.group(1))
    return None


def _normal(url: str) -> str:
    """Scheme and host in lower case (as Slack and browsers treat them); no fragment (`#lines`
    never reaches the server); no trailing slash."""
    link = urlparse(url.strip())
    return link._replace(scheme=link.scheme.lower(), netloc=link.netloc.lower(),
                         fragment="").geturl().rstrip("/")


@cache
def _pattern(template: str) -> re.Pattern:
    """`https://erp.example.com/orders/{ref}` -> a regex whose one group is the ref (one path
    segment or query value: no /, ?, # or &)."""
    head, _, tail = _normal(template).partition("{ref}")
    # A ref in the query (`?id={ref}`) may be followed by other parameters (`&tab=lines`).
    more = r"(?:&.*)?" if "?" in head and not tail else ""
    return re.compile(re.escape(head) + r"([^/?#&]+)" + re.escape(tail.rstrip("/")) + more,
                      re.IGNORECASE)


def _ref(raw: str) -> str | None:
    return unquote(raw).strip() or None

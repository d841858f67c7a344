"""Where triage posts go: one channel per discrepancy type, 'default' for the rest, and the
'manager', 'warehouse' and 'inbound_mail' (customer mail matching no order) routes. Admins
set them with `/orders route <key> #channel [lang es]`; what is posted there unasked is in the
route's language (None: the workspace default)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import clock
from store.db import Database
from store.enums import DiscrepancyType
from store.errors import ValidationFailed
from store.models import ChannelLink, ChannelRoute, Customer, Event
from store.workspace.language import AUTO, check_language, language_of

DEFAULT, MANAGER, WAREHOUSE = "default", "manager", "warehouse"
INBOUND_MAIL = "inbound_mail"
# Every discrepancy type can have a channel; types with none go to "default".
ROUTE_KEYS = tuple(t.value for t in DiscrepancyType) + (DEFAULT, MANAGER, WAREHOUSE,
                                                        INBOUND_MAIL)
ROUTE_CHANGED = "route_changed"
# What follows a Slack id's first letter (C…, U…): at most 32 characters in all, as the columns
# keep ids. A longer one typed names no channel or person: "not a channel", not an error.
SLACK_ID_REST = "[A-Z0-9]{2,31}"
# Slack escapes a picked channel as <#C0TRIAGE|order-triage> (or <#C0TRIAGE>); ids also work.
_CHANNEL = re.compile(rf"^<#([CGD]{SLACK_ID_REST})(?:\|[^>]*)?>$|^#?([CGD]{SLACK_ID_REST})$")


@dataclass(frozen=True)
class RouteView:
    key: str
    channel_id: str
    updated_by: str | None
    language: str | None = None  # None: the workspace default


def parse_channel(text: str) -> str:
    match = _CHANNEL.match(text.strip())
    if not match:
        raise ValidationFailed({"channel": (
            f"`{text}` is not a channel. Pick it with #, e.g. `/orders route default "
            "#order-triage`.")})
    return match.group(1) or match.group(2)


def parse_key(text: str) -> str:
    key = text.strip().lower().replace("-", "_")
    if key not in ROUTE_KEYS:
        raise ValidationFailed({"key": (
            f"`{text}` is not something we route. Use one of: {', '.join(ROUTE_KEYS)}.")})
    return key


def set_route(db: Database, *, actor: str, key: str, channel_id: str,
              language: str | None = None, offered: Collection[str] = ()) -> RouteView:
    """Point `key` at a channel (idempotent); the change is logged as an event. `language`
    (one of `offered`, or `auto` for the workspace default) is what is posted there unasked
    speaks; None keeps the route's language as it was."""
    key = parse_key(key)
    if language is not None:
        language = check_language(language, offered)
    with db.write() as session:
        # Every route, the warehouse's too: its pick requests name every customer's goods
        # and addresses (a 3PL's shared channel is fine; one linked to a customer is not).
        refuse_linked(session, channel_id, f"`{key}`")
        route = session.get(ChannelRoute, key)
        before = (route.channel_id, route.language) if route else (None, None)
        if route is None:
            route = ChannelRoute(key=key, channel_id=channel_id)
            session.add(route)
        after = (channel_id, before[1] if language is None else
                 None if language == AUTO else language)
        if before != after:
            route.channel_id, route.language = after
            route.updated_by, route.updated_at = actor, clock.now()
            changes = [{"field": f"route {key}", "before": before[0], "after": after[0]}]
            if before[1] != after[1]:
                changes.append({"field": f"route {key} language", "before": before[1],
                                "after": after[1]})
            session.add(Event(actor_id=actor, kind=ROUTE_CHANGED, at=clock.now(),
                              summary=f"routed {key} to {channel_id}", changes=changes))
        return _view(route)


def refuse_linked(session: Session, channel_id: str, what: str) -> None:
    """A channel linked to a customer (`/orders connect`) is read by that customer's people:
    `what` names other customers and the desk's problems, and is not posted there."""
    code = session.scalar(select(Customer.code).join(
        ChannelLink, ChannelLink.customer_id == Customer.id).where(
        ChannelLink.channel_id == channel_id))
    if code is not None:
        raise ValidationFailed({"channel": (
            f"<#{channel_id}> is linked to {code}'s people (`/orders connect`), and {what} is "
            "for your own team only. Pick one of your own channels.")}, mentions=(channel_id,))


def list_routes(db: Database) -> tuple[RouteView, ...]:
    with db.read() as session:
        return tuple(map(_view, session.scalars(select(ChannelRoute).order_by(ChannelRoute.key))))


def _view(route: ChannelRoute) -> RouteView:
    return RouteView(route.key, route.channel_id, route.updated_by, route.language)


def channel_language(db: Database, *, channel_id: str) -> str | None:
    """The language of what is posted unasked to `channel_id`: its routes' (when several
    routes share the channel and disagree, the one set last); a person's own choice when the
    "channel" is a user id (a DM); None when neither says (the workspace default)."""
    if channel_id[:1] in ("U", "W"):
        return language_of(db, user_id=channel_id)
    with db.read() as session:
        return session.scalars(
            select(ChannelRoute.language)
            .where(ChannelRoute.channel_id == channel_id, ChannelRoute.language.is_not(None))
            .order_by(ChannelRoute.updated_at.desc(), ChannelRoute.key).limit(1)).first()


def route_map(session: Session) -> dict[str, str]:
    return dict(session.execute(select(ChannelRoute.key, ChannelRoute.channel_id)).all())


def channel_for(routes: dict[str, str], key: str) -> str | None:
    """The channel for a discrepancy type (or 'manager'...), falling back to 'default'."""
    return routes.get(key) or routes.get(DEFAULT)

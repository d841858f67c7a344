"""Where triage posts go: one channel per discrepancy type, 'default' for the rest, and the
'manager', 'warehouse' and 'inbound_mail' (customer mail matching no order) routes. Admins
set them with `/orders route <key> #channel`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import clock
from store.db import Database
from store.enums import DiscrepancyType
from store.errors import ValidationFailed
from store.models import ChannelRoute, Event

DEFAULT, MANAGER, WAREHOUSE = "default", "manager", "warehouse"
INBOUND_MAIL = "inbound_mail"
# Every discrepancy type can have a channel; types with none go to "default".
ROUTE_KEYS = tuple(t.value for t in DiscrepancyType) + (DEFAULT, MANAGER, WAREHOUSE,
                                                        INBOUND_MAIL)
ROUTE_CHANGED = "route_changed"
# Slack escapes a picked channel as <#C0TRIAGE|order-triage> (or <#C0TRIAGE>); ids also work.
_CHANNEL = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$|^#?([CGD][A-Z0-9]{2,})$")


@dataclass(frozen=True)
class RouteView:
    key: str
    channel_id: str
    updated_by: str | None


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


def set_route(db: Database, *, actor: str, key: str, channel_id: str) -> RouteView:
    """Point `key` at a channel (idempotent); the change is logged as an event."""
    key = parse_key(key)
    with db.write() as session:
        route = session.get(ChannelRoute, key)
        before = route.channel_id if route else None
        if route is None:
            route = ChannelRoute(key=key, channel_id=channel_id)
            session.add(route)
        if before != channel_id:
            route.channel_id, route.updated_by, route.updated_at = channel_id, actor, clock.now()
            session.add(Event(actor_id=actor, kind=ROUTE_CHANGED, at=clock.now(),
                              summary=f"routed {key} to {channel_id}",
                              changes=[{"field": f"route {key}", "before": before,
                                        "after": channel_id}]))
        return RouteView(key, route.channel_id, route.updated_by)


def list_routes(db: Database) -> tuple[RouteView, ...]:
    with db.read() as session:
        rows = session.scalars(select(ChannelRoute).order_by(ChannelRoute.key))
        return tuple(RouteView(r.key, r.channel_id, r.updated_by) for r in rows)


def route_map(session: Session) -> dict[str, str]:
    return dict(session.execute(select(ChannelRoute.key, ChannelRoute.channel_id)).all())


def channel_for(routes: dict[str, str], key: str) -> str | None:
    """The channel for a discrepancy type (or 'manager'...), falling back to 'default'."""
    return routes.get(key) or routes.get(DEFAULT)

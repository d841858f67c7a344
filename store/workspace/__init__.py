"""Who may do what, where posts go, and which Slack events were answered.

require / set_role / roles_in          roles (admins from ORDERDESK_ADMINS); desk_people
set_route / list_routes / route_map    the channel of each route key
claim_event / forget_events            answer each Slack event once
submit_once / forget_submissions       change things once per modal submission
refresh_homes                          queue App Home refreshes (outbox, coalesced)
"""

from __future__ import annotations

from store.workspace.events import claim_event, forget_events, message_key
from store.workspace.home import refresh_homes
from store.workspace.roles import desk_people, require, roles_in, set_role
from store.workspace.routing import (
    DEFAULT,
    MANAGER,
    ROUTE_KEYS,
    WAREHOUSE,
    channel_for,
    list_routes,
    parse_channel,
    route_map,
    set_route,
)
from store.workspace.submissions import Submitted, forget_submissions, submit_once

__all__ = [
    "DEFAULT",
    "MANAGER",
    "ROUTE_KEYS",
    "WAREHOUSE",
    "Submitted",
    "channel_for",
    "claim_event",
    "desk_people",
    "forget_events",
    "forget_submissions",
    "list_routes",
    "message_key",
    "parse_channel",
    "refresh_homes",
    "require",
    "roles_in",
    "route_map",
    "set_role",
    "set_route",
    "submit_once",
]

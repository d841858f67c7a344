"""Who may do what, where posts go, and which Slack events were answered.

require / may / set_role / roles_in    roles (admins from ORDERDESK_ADMINS); desk_people;
                                       take_off_desk (Slack deactivated someone)
set_route / list_routes / route_map    the channel of each route key, and its language
channel_language                       the language of what is posted unasked to a channel
claim_event / forget_events            answer each Slack event once
Viewer / sight / cut_*                 who may see what of an order (full, status, nothing)
connect_channel / list_connections     Slack Connect channels linked to a customer
dead_letters / retry_dead              posts Slack refused for good, for admins to resend
submit_once / forget_submissions       change things once per modal submission
refresh_homes                          queue App Home refreshes (outbox, coalesced)
set_autolink / autolink_on             channels where messages naming orders are answered
workspace_history                      the audit trail of what is no one order's (/orders audit)
language_of / set_language             the language a person chose (/orders language)
"""

from __future__ import annotations

from store.outbox import DeadLetter, dead_letters, retry_dead
from store.workspace.audit import workspace_history
from store.workspace.autolink import autolink_channels, autolink_on, set_autolink
from store.workspace.connections import (
    ConnectionView,
    connect_channel,
    connected_customer,
    disconnect_channel,
    list_connections,
)
from store.workspace.events import claim_event, forget_events, message_key
from store.workspace.home import refresh_homes
from store.workspace.language import AUTO, check_language, language_of, set_language
from store.workspace.roles import desk_people, may, require, roles_in, set_role, take_off_desk
from store.workspace.routing import (
    DEFAULT,
    INBOUND_MAIL,
    MANAGER,
    ROUTE_KEYS,
    SLACK_ID_REST,
    WAREHOUSE,
    channel_for,
    channel_language,
    list_routes,
    parse_channel,
    parse_key,
    route_map,
    set_route,
)
from store.workspace.submissions import Submitted, forget_submissions, submit_once
from store.workspace.visibility import (
    CUSTOMER,
    FULL,
    NOTHING,
    STATUS,
    Viewer,
    cut_candidates,
    cut_customer,
    cut_order,
    narrower,
    order_sight,
    seen_order,
    sight,
)

__all__ = [
    "workspace_history",
    "autolink_channels",
    "autolink_on",
    "set_autolink",
    "AUTO",
    "check_language",
    "channel_language",
    "language_of",
    "set_language",
    "DeadLetter",
    "dead_letters",
    "retry_dead",
    "CUSTOMER",
    "ConnectionView",
    "connect_channel",
    "connected_customer",
    "disconnect_channel",
    "list_connections",
    "FULL",
    "NOTHING",
    "STATUS",
    "Viewer",
    "cut_candidates",
    "cut_customer",
    "cut_order",
    "narrower",
    "order_sight",
    "seen_order",
    "sight",
    "DEFAULT",
    "INBOUND_MAIL",
    "MANAGER",
    "ROUTE_KEYS",
    "SLACK_ID_REST",
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
    "may",
    "require",
    "roles_in",
    "route_map",
    "set_role",
    "take_off_desk",
    "parse_key",
    "set_route",
    "submit_once",
]

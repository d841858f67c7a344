"""/order <anything>: find an order, show its card, offer candidates, share it in the channel."""

from __future__ import annotations

import html
from dataclasses import replace

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from handlers.kit import Deps, Listeners, Permission, Reply, Request, numbered
from handlers.kit.language import channel_locale
from handlers.kit.reply import CANNOT_POST_HERE
from messages import i18n
from messages.actions import FulfilmentActions, MailActions, OrderActions, ReturnActions
from messages.common import with_note
from messages.i18n import N_
from messages.orders import all_lines_modal, candidates_message, no_match_message, order_card
from store.enums import Role
from store.errors import NotForThisChannel, NotVisible, OrderNotFound
from store.lookup import PAGE_SIZE, find_orders
from store.orders import get_order, record_posted_card
from store.views.orders import LookupResult, OrderView
from store.workspace import FULL, NOTHING, Viewer, cut_candidates, may, order_sight, seen_order

LOOKUP_USAGE = "/order <ref, PO, tracking number, customer, SKU>"
ACCOUNT_CANDIDATES = 100  # searched for an outsider, whose list holds their account's only
# A card's buttons that need a role, and the action its listener requires.
_ROLE_BUTTONS = {OrderActions.EDIT: Permission.EDIT_ORDER, FulfilmentActions.SHIP: Permission.SHIP,
                 ReturnActions.START: Permission.RETURN, MailActions.ORDER: Permission.RESOLVE}


def register(app: App, deps: Deps) -> None:
    deps.order_command.fallback(on_lookup_command, usage=LOOKUP_USAGE,
                                summary=N_("find an order by anything you know about it"))
    on = Listeners(app, deps)
    on.action(numbered(OrderActions.OPEN), on_open_button)
    on.action(OrderActions.SHARE, on_share_button)
    on.action(OrderActions.ALL_LINES, on_all_lines_button)
    on.action(OrderActions.PAGE, on_page_button)
    on.action(OrderActions.PAGE_BACK, on_page_button)


def on_lookup_command(request: Request) -> Reply:
    # The role check and the lookup share one session; read-only statements that need no
    # common snapshot, so on PostgreSQL without BEGIN/COMMIT (store.db Database.read).
    with request.deps.db.read(one_transaction=False):
        viewer = request.viewer(Permission.LOOKUP)
        result = _search(request, viewer, request.text)
    if result.exact:
        try:
            shown = seen_order(viewer, result.exact)
        except OrderNotFound:  # as if there were none: not even the ref a PO belongs to
            return Reply.message(no_match_message(replace(result, exact=None, searched=())))
        return Reply.message({"response_type": "ephemeral", **order_card(
            shown, shareable=True, pressable=pressable(viewer))})
    return Reply.message(_list_message(viewer, result))


def pressable(viewer: Viewer) -> frozenset[str]:
    """The card's role buttons the viewer may press: a rep was offered Edit and Return, and
    refused on pressing them."""
    if viewer.role is None:
        return frozenset()
    return frozenset(button for button, permission in _ROLE_BUTTONS.items()
                     if may(Role(viewer.role), permission.value))


def on_page_button(request: Request) -> Reply:
    """Next / Previous under a list of candidates: the same search, another page, in place."""
    offset, _, query = (request.value or "0|").partition("|")
    with request.deps.db.read(one_transaction=False):  # as on_lookup_command
        viewer = request.viewer(Permission.LOOKUP)
        result = _search(request, viewer, html.unescape(query),
                         offset=int(offset) if offset.isdecimal() else 0)
    return Reply().respond({"replace_original": True, **_list_message(viewer, result)})


def _search(request: Request, viewer: Viewer, query: str, offset: int = 0) -> LookupResult:
    """find_orders as `viewer` may see it. An outsider (a customer in the channel linked to
    their account) sees that account's orders only, so their list, count and pages are made
    of those: the first ACCOUNT_CANDIDATES candidates are searched and cut, then paged. What
    was searched is not told them: a miss and an order of another account read the same."""
    if not viewer.is_outsider:
        return find_orders(request.deps.db, query=query, offset=offset)
    result = replace(find_orders(request.deps.db, query=query, limit=ACCOUNT_CANDIDATES),
                     searched=())
    if result.exact:
        return result
    visible = cut_candidates(viewer, result.candidates)
    return replace(result, candidates=visible[offset:offset + PAGE_SIZE], total=len(visible),
                   offset=offset)


def _list_message(viewer: Viewer, result: LookupResult) -> dict:
    """The candidates as `viewer` may see them (every page asks), or what was searched."""
    shown = cut_candidates(viewer, result.candidates)
    if not shown:
        return no_match_message(result)
    return candidates_message(replace(result, candidates=shown))


def on_open_button(request: Request) -> Reply:
    order, viewer = order_for(request)
    return Reply().respond({"replace_original": True, **order_card(
        order, shareable=True, pressable=pressable(viewer))})


def on_share_button(request: Request) -> Reply:
    # As the sharer may see it, and customer-safe where another organisation reads it.
    order, _viewer = order_for(request, posting=True)
    with i18n.using(channel_locale(request, request.channel)):  # as every redraw of it
        card = order_card(order, shared=True)
    # Posted before the ack: the card's ts is recorded so later changes redraw it in place.
    try:
        posted = request.client.chat_postMessage(channel=request.channel, **card)
    except SlackApiError as err:
        if err.response.get("error") not in CANNOT_POST_HERE:
            raise
        # Not in this conversation (a DM between people, a private channel): Slack still
        # takes the card through the response_url, but it cannot be redrawn later; say so.
        note = ("Shared through Slack: I'm not in this conversation, so this card won't "
                "update. `/invite @Orderdesk` here to keep cards current.")
        return (Reply().respond({"response_type": "in_channel", "replace_original": False,
                                 **with_note(card, note)})
                .respond({"delete_original": True}))
    record_posted_card(request.deps.db, ref=order.ref, channel_id=posted["channel"],
                       message_ts=posted["ts"], sight=order.sight)
    return Reply().respond({"delete_original": True})


def on_all_lines_button(request: Request) -> Reply:
    order, _viewer = order_for(request)
    if order.sight != FULL:
        raise NotVisible(order.ref, "The lines")
    return Reply.modal(all_lines_modal(order))


def order_for(request: Request, *, posting: bool = False) -> tuple[OrderView, Viewer]:
    """The button's order as the presser may see it, read in the role check's session
    (`posting`: as the channel may see it, for a post), and who the presser is."""
    with request.deps.db.read(one_transaction=False):  # as on_lookup_command
        viewer = request.viewer(Permission.LOOKUP, posting=posting)
        order = get_order(request.deps.db, ref=request.value)
    if viewer.shared and order_sight(viewer, order) == NOTHING:
        raise NotForThisChannel(order.ref)
    return seen_order(viewer, order), viewer

"""/order edit <ref> and the Edit button: the order editor modal, saved with a version check."""

from __future__ import annotations

from slack_bolt import App

from handlers.kit import Deps, Listeners, ModalState, Permission, Reply, Request
from messages.actions import EditOrderIds, OrderActions
from messages.blocks import EditOrderBlocks as B
from messages.edit_order import (
    EditMetadata,
    edit_order_modal,
    edit_saved_text,
    order_closed_modal,
    stale_edit_modal,
)
from messages.i18n import N_
from messages.metadata import OrderModalMetadata
from store.enums import HoldReason
from store.errors import StaleEdit
from store.orders import LineEdit, OrderEdit, edit_order, get_order
from store.states import CLOSED_STATES
from store.views.orders import ADDRESS_FIELDS, AddressView

USAGE = "/order edit <ref>"
HOLD_REASONS = [reason.value for reason in HoldReason]


def register(app: App, deps: Deps) -> None:
    deps.order_command.add("edit", on_edit_command, usage=USAGE, summary=N_("edit an order"))
    on = Listeners(app, deps)
    on.action(OrderActions.EDIT, on_edit_button)
    on.view(EditOrderIds.CALLBACK, on_edit_submit)
    on.view(EditOrderIds.REOPEN, on_reopen_submit)


def on_edit_command(request: Request) -> Reply:
    return Reply.modal(editor(request, ref=request.order_ref(USAGE)))


def on_edit_button(request: Request) -> Reply:
    return Reply.modal(editor(request, ref=request.value))


def on_edit_submit(request: Request) -> Reply:
    request.require(Permission.EDIT_ORDER)
    meta = request.metadata(EditMetadata)
    changes = parse_edit(request.state, meta)
    try:
        done = request.once(
            "edit_order", lambda: edit_order(request.deps.db, ref=meta.ref, actor=request.user,
                                             expected_version=meta.version, changes=changes),
            lambda result: {"text": edit_saved_text(result.order.ref, result.changed_fields)})
    except StaleEdit as stale:
        return Reply.update_view(stale_edit_modal(ref=meta.ref, message=stale.message,
                                                  channel_id=meta.channel_id))
    # An edit may have queued posts (held price approvals, pick request updates).
    return (Reply().kick_outbox().refresh_cards(done.result)
            .confirm(done.answer["text"], channel=meta.channel_id))


def on_reopen_submit(request: Request) -> Reply:
    """The not-saved notice's "Reopen editor": the editor again, with the current values."""
    request.require(Permission.EDIT_ORDER)
    meta = request.metadata(OrderModalMetadata)
    order = get_order(request.deps.db, ref=meta.ref)
    return Reply.update_view(edit_order_modal(order, channel_id=meta.channel_id,
                                              hold_reasons=HOLD_REASONS))


def editor(request: Request, *, ref: str) -> dict:
    request.require(Permission.EDIT_ORDER)
    order = get_order(request.deps.db, ref=ref)
    if order.status in CLOSED_STATES:
        return order_closed_modal(order)
    return edit_order_modal(order, channel_id=request.channel, hold_reasons=HOLD_REASONS)


def parse_edit(state: ModalState, meta: EditMetadata) -> OrderEdit:
    """The modal's state as an OrderEdit. Only shape is parsed here; store/ validates."""
    removed = {int(n) for n in state.selected_options(B.REMOVE_LINES)}
    lines = [LineEdit(line_no=n, sku="", quantity=state.figure(B.quantity(n)) or "",
                      unit_price=state.figure(B.unit_price(n)) or "", remove=n in removed)
             for n in meta.line_nos]
    lines.append(LineEdit(line_no=None, sku=state.text(B.NEW_SKU) or "",
                          quantity=state.figure(B.NEW_QUANTITY) or "",
                          unit_price=state.figure(B.NEW_UNIT_PRICE)))
    hold = state.selected(B.HOLD)
    return OrderEdit(
        ship_to=AddressView(**{f: state.text(B.ship_to(f)) for f in ADDRESS_FIELDS})
        if state.has(B.ship_to("line1")) else None,
        requested_date=state.date(B.REQUESTED_DATE),
        shipping_instructions=state.text(B.SHIPPING_INSTRUCTIONS),
        lines=tuple(lines),
        place_hold=(hold, state.text(B.HOLD_NOTE)) if hold else None,
        release_hold_ids=tuple(int(i) for i in state.selected_options(B.RELEASE_HOLDS)),
        transition_to=state.selected(B.TRANSITION),
        payment_status=state.selected(B.PAYMENT),
    )

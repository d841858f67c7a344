"""/order edit <ref> and the Edit button: the order editor modal, saved with a version check."""

from __future__ import annotations

from datetime import date

from slack_bolt import App

from bot.deps import Deps
from messages.actions import EditOrderIds, OrderActions
from messages.common import confirmation_message
from messages.edit_order import (
    EditMetadata,
    edit_order_modal,
    edit_saved_text,
    order_closed_modal,
    stale_edit_modal,
)
from messages.metadata import OrderModalMetadata
from messages.orders import order_card
from store.enums import HoldReason
from store.errors import StaleEdit, ValidationFailed
from store.orders import LineEdit, OrderEdit, edit_order, get_order
from store.states import CLOSED_STATES
from store.views.orders import ADDRESS_FIELDS, AddressView

USAGE = "/order edit <ref>"
HOLD_REASONS = [reason.value for reason in HoldReason]


def register(app: App, deps: Deps) -> None:
    def editor(*, user_id: str, ref: str, channel_id: str | None) -> dict:
        deps.require(user_id, "edit_order")
        order = get_order(deps.db, ref=ref)
        if order.status in CLOSED_STATES:
            return order_closed_modal(order)
        return edit_order_modal(order, channel_id=channel_id, hold_reasons=HOLD_REASONS)

    def on_edit_command(*, ack, command, client, **_):
        ref = command["text"].strip()
        if not ref:
            raise ValidationFailed({"ref": f"which order? Usage: `{USAGE}`"})
        view = editor(user_id=command["user_id"], ref=ref, channel_id=command.get("channel_id"))
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=view)

    def on_edit_button(ack, body, action, client):
        view = editor(user_id=body["user"]["id"], ref=action["value"],
                      channel_id=(body.get("channel") or {}).get("id"))
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_edit_submit(ack, body, view, client):
        user_id = body["user"]["id"]
        deps.require(user_id, "edit_order")
        meta = EditMetadata.loads(view["private_metadata"])
        try:
            result = edit_order(deps.db, ref=meta.ref, actor=user_id,
                                expected_version=meta.version, changes=parse_edit(view, meta))
        except StaleEdit as stale:
            ack(response_action="update", view=stale_edit_modal(
                ref=meta.ref, message=stale.message, channel_id=meta.channel_id))
            return
        ack()
        # An edit may have queued posts (held price approvals, pick request updates).
        deps.kick_outbox(deps.db, client)
        card = order_card(result.order)
        for channel_id, ts in result.posted_cards:
            client.chat_update(channel=channel_id, ts=ts, **card)
        if meta.channel_id:
            text = edit_saved_text(result.order.ref, result.changed_fields)
            client.chat_postEphemeral(channel=meta.channel_id, user=user_id,
                                      **confirmation_message(text))

    def on_reopen_submit(ack, body, view):
        deps.require(body["user"]["id"], "edit_order")
        meta = OrderModalMetadata.loads(view["private_metadata"])
        order = get_order(deps.db, ref=meta.ref)
        ack(response_action="update", view=edit_order_modal(
            order, channel_id=meta.channel_id, hold_reasons=HOLD_REASONS))

    deps.order_command.add("edit", on_edit_command, usage=USAGE, summary="edit an order")
    app.action(OrderActions.EDIT)(on_edit_button)
    app.view(EditOrderIds.CALLBACK)(on_edit_submit)
    app.view(EditOrderIds.REOPEN)(on_reopen_submit)


def parse_edit(view: dict, meta: EditMetadata) -> OrderEdit:
    """The modal's state as an OrderEdit. Only shape is parsed here; store/ validates."""
    values = view["state"]["values"]

    def text(block_id: str) -> str | None:
        value = (values.get(block_id, {}).get(block_id) or {}).get("value")
        return value.strip() if isinstance(value, str) and value.strip() else None

    def selected(block_id: str) -> list[str]:
        state = values.get(block_id, {}).get(block_id) or {}
        if state.get("selected_option"):
            return [state["selected_option"]["value"]]
        return [o["value"] for o in state.get("selected_options") or []]

    picked = (values.get("requested_date", {}).get("requested_date") or {}).get("selected_date")
    removed = {int(n) for n in selected("lines.remove")}
    lines = [LineEdit(line_no=n, sku="", quantity=text(f"lines.{n}.quantity") or "",
                      unit_price=text(f"lines.{n}.unit_price") or "", remove=n in removed)
             for n in meta.line_nos]
    lines.append(LineEdit(line_no=None, sku=text("lines.new.sku") or "",
                          quantity=text("lines.new.quantity") or "",
                          unit_price=text("lines.new.unit_price")))
    hold = selected("hold")
    return OrderEdit(
        ship_to=AddressView(**{f: text(f"ship_to.{f}") for f in ADDRESS_FIELDS}),
        requested_date=date.fromisoformat(picked) if picked else None,
        shipping_instructions=text("shipping_instructions"),
        lines=tuple(lines),
        place_hold=(hold[0], text("hold_note")) if hold else None,
        release_hold_ids=tuple(int(i) for i in selected("release_holds")),
        transition_to=(selected("transition") or [None])[0],
    )

"""The order editor modal, its "not saved" answer, and the saved confirmation."""

from __future__ import annotations

from dataclasses import dataclass

from messages.actions import EditOrderIds
from messages.blocks import EditOrderBlocks
from messages.i18n import _
from messages.metadata import Metadata, OrderModalMetadata
from messages.orders import address_text, change_row
from messages.render import render
from messages.text import label, money, mrkdwn
from store.states import ALL_SHIPPED, PAYMENT_CHOICES

EDIT_LINES = 25  # 3 blocks a line; the rest of the modal takes ~22 of Slack's 100


@dataclass(frozen=True)
class EditMetadata(Metadata):
    """What the editor remembers between opening and submit: the version it showed."""

    ref: str
    version: int
    channel_id: str | None = None
    line_nos: tuple[int, ...] = ()


def edit_order_modal(order, *, channel_id: str | None, hold_reasons: list[str]) -> dict:
    lines = order.lines[:EDIT_LINES]
    metadata = EditMetadata(ref=order.ref, version=order.version, channel_id=channel_id,
                            line_nos=tuple(line.line_no for line in lines))
    return render(
        "edit_order_modal.json.j2",
        order=order,
        ids=EditOrderIds,
        blocks=EditOrderBlocks,
        metadata=metadata.dumps(),
        summary=(f"*{mrkdwn(order.customer_name, 200)}* · {label(order.status)} · "
                 f"{label(order.fulfilment_status)} · "
                 + _("payment %(status)s") % {"status": label(order.payment_status).lower()}
                 + " · " + _("total %(amount)s") % {
                     "amount": money(order.total_minor, order.currency)}),
        lines=lines,
        hidden_lines=len(order.lines) - len(lines),
        remove_options=[{"text": _("Line %(n)s") % {"n": line.line_no}
                         + f": {line.sku} × {line.quantity}",
                         "value": str(line.line_no)} for line in lines],
        transition_options=[{"text": label(status), "value": status}
                            for status in order.allowed_transitions],
        payment_options=[{"text": label(p), "value": p} for p in PAYMENT_CHOICES
                         if p != order.payment_status]
        if order.payment_status in PAYMENT_CHOICES else [],
        release_options=[{"text": f"{label(hold.reason)}: " + (hold.note or _("no note")),
                          "value": str(hold.id)} for hold in order.holds[:10]],
        hold_options=[{"text": label(reason), "value": reason} for reason in hold_reasons],
        # Shipped in full: the address as it went, not inputs (a missing postal code, which
        # Slack would demand, could not be saved either: the address can't change now).
        shipped_to=address_text(order.ship_to)
        if order.fulfilment_status in ALL_SHIPPED else None,
    )


def order_closed_modal(order) -> dict:
    """A completed or canceled order: say why it can't be edited instead of a form that fails."""
    return render("order_closed_modal.json.j2", order=order)


def stale_edit_modal(*, ref: str, message: str, channel_id: str | None) -> dict:
    metadata = OrderModalMetadata(ref=ref, channel_id=channel_id).dumps()
    return render("stale_edit_modal.json.j2", callback=EditOrderIds.REOPEN, metadata=metadata,
                  message=message)


def edit_saved_text(ref: str, changes) -> str:
    """mrkdwn for the confirmation: what changed, field by field."""
    if not changes:
        return _("Nothing changed on *%(ref)s*: the values you saved were already there.") % {
            "ref": mrkdwn(ref)}
    rows = [f"• {change_row(c, 200)}" for c in changes[:20]]
    more = ("\n" + _("…and %(n)s more") % {"n": len(changes) - 20}) if len(changes) > 20 else ""
    return _("Saved *%(ref)s*:") % {"ref": mrkdwn(ref)} + "\n" + "\n".join(rows) + more

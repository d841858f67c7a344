"""The return modal and the "return recorded" confirmation."""

from __future__ import annotations

from dataclasses import dataclass

from messages.actions import ReturnActions
from messages.blocks import ReturnBlocks
from messages.i18n import N_, _
from messages.metadata import Metadata
from messages.render import render
from messages.text import label, money, mrkdwn

POLICY_TEXT = {
    "pro_rata": N_("Refunds: the goods' price for refunds and claims; shipping pro rata to "
                   "the goods refunded. Replacements and exchanges refund nothing."),
    "whole_order": N_("Refunds: the goods' price for refunds and claims; shipping once the "
                      "whole order is refunded. Replacements and exchanges refund nothing."),
    "never": N_("Refunds: the goods' price for refunds and claims; shipping is not refunded. "
                "Replacements and exchanges refund nothing."),
}


@dataclass(frozen=True)
class ReturnMetadata(Metadata):
    """What the return modal remembers: the order and the line numbers shown."""

    ref: str
    line_nos: tuple[int, ...] = ()
    channel_id: str | None = None


def return_modal(form, *, channel_id: str | None, policy: str) -> dict:
    metadata = ReturnMetadata(ref=form.ref, line_nos=tuple(x.line_no for x in form.lines),
                              channel_id=channel_id)
    rows = [{"line_no": x.line_no, "returnable": x.returnable,
             "text": ("*" + _("Line %(n)s") % {"n": x.line_no}
                      + f"* · `{mrkdwn(x.sku, 64)}` {mrkdwn(x.name, 120)} · "
                      + _("%(price)s each · shipped %(shipped)s") % {
                          "price": money(x.unit_price_minor, form.currency),
                          "shipped": x.shipped}
                      + (_(", returned %(n)s") % {"n": x.returned} if x.returned else ""))}
            for x in form.lines]
    return render("return_modal.json.j2", form=form, rows=rows, ids=ReturnActions,
                  blocks=ReturnBlocks,
                  metadata=metadata.dumps(), policy_text=_(POLICY_TEXT[policy]),
                  summary=(f"*{mrkdwn(form.ref, 64)}* · {mrkdwn(form.customer_name, 200)}\n"
                           + _("Fill in the lines that come back; leave the others empty.")))


def return_recorded_text(result) -> str:
    ret, currency = result.ret, result.ret.currency
    lines = "\n".join(
        f"• Line {x.line_no} `{mrkdwn(x.sku, 64)}` × {x.quantity}: {label(x.outcome).lower()}"
        f"{f' → `{mrkdwn(x.exchange_sku, 64)}`' if x.exchange_sku else ''}"
        f"{f' · refund {money(x.refund_minor, currency)}' if x.refund_minor else ''}"
        for x in ret.lines[:20])
    refund = (f"Refund *{money(ret.total_refund_minor, currency)}* "
              f"({money(ret.refund_minor, currency)} goods + "
              f"{money(ret.shipping_refund_minor, currency)} shipping)")
    waits = (f"\n:hourglass: The refund waits for a manager's approval (#{ret.approval_id}); "
             "you'll get a DM with the decision." if ret.approval_id else "")
    goes_out = any(x.outcome in ("replace", "exchange") for x in ret.lines)
    ship = ""
    if goes_out and ret.approval_id:
        ship = ("\nThe replacement goods go to the warehouse once the refund is approved.")
    elif goes_out:
        ship = (f"\n:package: The replacement goods are on *{mrkdwn(result.order.ref)}*'s pick "
                "request; they ship with its *Ship* button as their own shipment.")
    notes = "".join(f"\n:information_source: {note}" for note in result.notes)
    return (f"Recorded *{mrkdwn(ret.rma)}* on *{mrkdwn(result.order.ref)}*:\n{lines}\n"
            f"{refund}.{waits}{ship}{notes}")

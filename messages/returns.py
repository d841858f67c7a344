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
        "• " + _("Line %(n)s") % {"n": x.line_no}
        + f" `{mrkdwn(x.sku, 64)}` × {x.quantity}: {label(x.outcome).lower()}"
        f"{f' → `{mrkdwn(x.exchange_sku, 64)}`' if x.exchange_sku else ''}"
        + (" · " + _("refund %(amount)s") % {"amount": money(x.refund_minor, currency)}
           if x.refund_minor else "")
        for x in ret.lines[:20])
    refund = _("Refund *%(total)s* (%(goods)s goods + %(shipping)s shipping)") % {
        "total": money(ret.total_refund_minor, currency),
        "goods": money(ret.refund_minor, currency),
        "shipping": money(ret.shipping_refund_minor, currency)}
    waits = ("\n:hourglass: " + _("The refund waits for a manager's approval (#%(id)s); you'll "
                                  "get a DM with the decision.") % {"id": ret.approval_id}
             if ret.approval_id else "")
    goes_out = any(x.outcome in ("replace", "exchange") for x in ret.lines)
    ship = ""
    if goes_out and ret.approval_id:
        ship = "\n" + _("The replacement goods go to the warehouse once the refund is approved.")
    elif goes_out:
        ship = "\n:package: " + _("The replacement goods are on *%(ref)s*'s pick request; they "
                                  "ship with its *Ship* button as their own shipment.") % {
            "ref": mrkdwn(result.order.ref)}
    notes = "".join(f"\n:information_source: {note}" for note in result.notes)
    return (_("Recorded *%(rma)s* on *%(ref)s*:") % {"rma": mrkdwn(ret.rma),
                                                     "ref": mrkdwn(result.order.ref)}
            + f"\n{lines}\n{refund}.{waits}{ship}{notes}")

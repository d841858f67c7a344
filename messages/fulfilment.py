"""Shipping messages: the ship modal, the warehouse's pick request, the cancel modal and the
rep's cancel DM, and the confirmations people see after each step."""

from __future__ import annotations

from dataclasses import dataclass

from messages.actions import CancelActions, FulfilmentActions
from messages.blocks import ReasonBlocks, ShipBlocks
from messages.i18n import _, count_text
from messages.metadata import Metadata, OrderModalMetadata
from messages.orders import actor, address_text, owed_row
from messages.render import render
from messages.text import clip, label, mrkdwn

TRACKING_HINT = ("UPS: 1Z + 16 letters/digits · FedEx: 12, 15, 20 or 22 digits · USPS: 20-22 "
                 "digits or XX123456789US · DHL: 10 digits or JJD… · Other: anything")


@dataclass(frozen=True)
class ShipMetadata(Metadata):
    """What the ship modal remembers (private_metadata): the order and the line keys shown."""

    ref: str
    keys: tuple[str, ...] = ()
    channel_id: str | None = None
    marks: tuple[str, ...] = ()  # each key's line as shown (store's line_mark), in key order


def ship_modal(form, *, channel_id: str | None) -> dict:
    metadata = ShipMetadata(ref=form.ref, keys=tuple(line.key for line in form.lines),
                            channel_id=channel_id, marks=tuple(line.mark for line in form.lines))
    return render("ship_modal.json.j2", form=form, ids=FulfilmentActions, blocks=ShipBlocks,
                  metadata=metadata.dumps(), tracking_hint=TRACKING_HINT,
                  summary=(f"*{mrkdwn(form.ref, 64)}* · {mrkdwn(form.customer_name, 200)} · "
                           f"{label(form.stage)}\nPartial shipments are fine: enter what "
                           "left today."))


def pick_note_ship_to(*, actor_id: str, address: list[str]) -> dict:
    """In the pick request's thread: its ship-to changed after it went out."""
    where = "\n".join(f"> {mrkdwn(line, 200)}" for line in address) or "> —"
    body = ":warning: " + _("Ship-to changed by {who}: check the label before it ships.").format(
        who=actor(actor_id)) + "\n" + where
    return {"text": _("Ship-to changed: check the label"),
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": clip(body)}}]}


def pick_request(pick) -> dict:
    buttons = []
    if pick.can_pick:
        buttons.append({"action_id": FulfilmentActions.PICKED, "text": _("Picked"),
                        "primary": True})
    if pick.can_pack:
        buttons.append({"action_id": FulfilmentActions.PACKED, "text": _("Packed"),
                        "primary": True})
    if pick.can_ship:
        buttons.append({"action_id": FulfilmentActions.SHIP, "text": _("Shipped…"),
                        "primary": not buttons})
    return render("pick_request.json.j2", pick=pick, buttons=buttons,
                  stage_text=label(pick.stage), ship_to_text=address_text(pick.ship_to),
                  lines_text=_pick_lines(pick.lines, pick.owed), hold_text=_pick_holds(pick))


def _pick_holds(pick) -> str:
    """What stops the warehouse: each unreleased hold (its reason and note), and that nothing
    is picked or shipped meanwhile. Empty when no hold stands between the warehouse and work
    it would have (not held, canceled, closed, or nothing left to ship)."""
    if not pick.holds or pick.canceled or not pick.units_left:
        return ""
    if pick.status != "open" and not pick.owed:
        return ""
    # At most 7 holds (one a reason) of 300-character notes: well inside a section's 3,000.
    rows = [":no_entry: *" + _("On hold:") + "* " + label(hold.reason)
            + (" — " + mrkdwn(hold.note, 300) if hold.note else "") for hold in pick.holds]
    return "\n".join(rows + ["*" + _("Don't pick or ship while the order is on hold.") + "*"])


def _pick_lines(lines, owed=(), budget: int = 2900) -> str:
    """One row a line, then the goods returns owe, as many as fit in a section (3000
    characters), then a count."""
    rows: list[str] = []
    every = [_pick_row(line) for line in lines] + [owed_row(item) for item in owed]
    for n, row in enumerate(every):
        if sum(len(r) + 1 for r in rows) + len(row) > budget - 40:
            rows.append(_("…and {n} more line(s)").format(n=len(every) - n))
            break
        rows.append(row)
    return "\n".join(rows) or "_" + _("No lines.") + "_"


def _pick_row(line) -> str:
    name = mrkdwn(line.name, 60) if line.name else "_" + _("unknown SKU") + "_"
    shipped = _("shipped {n}").format(n=line.shipped)
    if not line.to_ship:  # done: say what went, not "× 0"
        return f":white_check_mark: `{mrkdwn(line.sku, 64)}` {name} · {shipped}"
    where = f" · {mrkdwn(line.warehouse_code, 32)}" if line.warehouse_code else ""
    backordered = "*" + _("backordered {n}").format(n=line.backordered) + "*"
    extra = "".join([f" · {shipped}" if line.shipped else "",
                     f" · {backordered}" if line.backordered else ""])
    return f"`{mrkdwn(line.sku, 64)}` {name} × *{line.to_ship}*{where}{extra}"


def step_text(verb: str, result) -> str:
    """mrkdwn for "SO-1042 is marked picked." plus any notes the step left; `verb` is marked
    N_ where it is chosen and worded here."""
    text = f"*{mrkdwn(result.order.ref)}* {_(verb)}."
    return _with_notes(text, result.notes)


def shipped_text(result) -> str:
    number = result.order.shipments[-1].tracking_number if result.order.shipments else None
    link = f"<{result.tracking_url}|{mrkdwn(number)}>" if result.tracking_url else mrkdwn(
        number or _("no tracking number"))
    left = _("Everything has shipped.") if result.complete else _(
        "Now {status}; the rest can ship later.").format(
            status=label(result.order.fulfilment_status).lower())
    return _with_notes(_("Recorded {n} unit(s) shipped on *{ref}* ({link}).").format(
        n=count_text(result.units), ref=mrkdwn(result.order.ref), link=link) + f" {left}",
        result.notes)


def allocated_text(result) -> str:
    """Says what happened to the pick request as it happened: posted, kept current, or (no
    warehouse channel routed) none, which the notes explain."""
    reserved = sum(line.reserved for line in result.pick.lines) if result.pick else 0
    words = {"ref": mrkdwn(result.order.ref), "n": count_text(reserved)}
    if result.pick_request == "none":
        text = _("*{ref}*: {n} unit(s) reserved.").format(**words)
    elif result.pick_request == "already":
        text = _("*{ref}* is already with the warehouse and nothing more is free to reserve: "
                 "{n} unit(s) reserved; its pick request is kept current.").format(**words)
    elif result.pick_request == "kept current":
        text = _("*{ref}* is released to the warehouse: {n} unit(s) reserved; its pick "
                 "request is kept current.").format(**words)
    else:
        text = _("*{ref}* is released to the warehouse: {n} unit(s) reserved and a pick "
                 "request posted.").format(**words)
    return _with_notes(text, result.notes)


def canceled_text(result) -> str:
    # The DM goes out after this answer: it is only "told" once Slack took it, and a DM Slack
    # refuses is recorded on the order (its card and history say so).
    rep = " " + (_("{who} gets a DM; if it can't be delivered, the order's history says "
                   "so.").format(who=actor(result.rep_id)) if result.rep_id else
                 _("Nobody owns the account, so no rep was told."))
    return _("*{ref}* is canceled; {n} reserved unit(s) went back to stock.").format(
        ref=mrkdwn(result.order.ref), n=count_text(result.released)) + rep


def _with_notes(text: str, notes) -> str:
    return text + "".join(f"\n:information_source: {note}" for note in notes)


def cancel_modal(*, ref: str, channel_id: str | None) -> dict:
    metadata = OrderModalMetadata(ref=ref, channel_id=channel_id).dumps()
    return render("cancel_modal.json.j2", ids=CancelActions, blocks=ReasonBlocks, ref=ref,
                  metadata=metadata)


def cancel_notice(notice) -> dict:
    return render("cancel_notice.json.j2", notice=notice, actor_text=actor(notice.actor))

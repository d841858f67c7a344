"""Answers to questions asked in threads and DMs: one order, a compact list, "which one?",
nothing found, follow confirmations, and the notices a followed thread hears. Pure: views
in, Block Kit dicts out."""

from __future__ import annotations

from datetime import date, timedelta

from messages.actions import ThreadActions
from messages.i18n import N_, _, count_text, ngettext, number
from messages.render import render
from messages.text import day, label, money, mrkdwn
from store.views.questions import (
    BLOCKED,
    CANCELED,
    CANDIDATES,
    DELIVERED,
    FOLLOWED,
    HELP,
    ITEMS,
    LATE,
    NEEDS_ORDER,
    NO_MATCH,
    OPEN,
    ORDER,
    ORDERS,
    SHIPPED,
    UNFOLLOWED,
    Answer,
    DateRange,
    OrderAnswer,
)

PAGE_SIZE = 10  # orders a list answer shows (store.questions.answers.LIST_LIMIT)
FILTER_WORDS = {LATE: N_("late"), BLOCKED: N_("on hold or flagged"), OPEN: N_("open"),
                CANCELED: N_("canceled")}
SHIPPED_STAGES = ("in_transit", "delivered", "partially_shipped", "returned",
                  "partially_returned")
STAGE_ICONS = {"canceled": ":x:", "returned": ":leftwards_arrow_with_hook:",
               "partially_returned": ":leftwards_arrow_with_hook:",
               "delivered": ":white_check_mark:", "in_transit": ":truck:",
               "partially_shipped": ":package:", "draft": ":memo:", "on_hold": ":no_entry:",
               "blocked": ":warning:", "late": ":hourglass:", "completed": ":white_check_mark:",
               "preparing": ":package:", "awaiting_fulfilment": ":hourglass_flowing_sand:"}


def answer_message(answer: Answer) -> dict:
    """The reply to post in the question's thread: {"text": ..., "blocks": [...]}."""
    return _BUILDERS[answer.kind](answer)


def _order(answer: Answer) -> dict:
    order = answer.orders[0]
    return render("answer_order.json.j2", o=order, ids=ThreadActions,
                  title=_title(order), headline=headline(order, answer.question.wants),
                  fields=_fields(order), blockers=[_blocker(b) for b in order.blockers[:8]],
                  shipments=[_shipment(s, order.as_of) for s in order.shipments[-5:]],
                  details=_details(order), restricted=_restricted(order),
                  note=mrkdwn(answer.note, 500) if answer.note else None)


def _list(answer: Answer) -> dict:
    """A list shows where it is in the whole ("Showing 11–20 of 51") and pages both ways."""
    shown, first = len(answer.orders), answer.offset
    last = first + shown
    total = number(answer.total) + ('+' if answer.total_is_floor else '')
    more = None
    if first or answer.total > last or answer.total_is_floor:
        more = _("Showing {first}–{last} of {total}.").format(
            first=count_text(first + 1), last=count_text(last), total=total) \
            if shown else _("Nothing more.")
        more += " " + _("Add a date, a status or a customer to narrow it.")
    # The question rides in the button, escaped like any text it carries: it is read again
    # (store.questions.parse.clean_text unescapes it) when the button is pressed.
    question = mrkdwn(answer.question.text, 1900)
    pages = []
    if first:
        pages.append({"action_id": ThreadActions.PAGE_BACK, "text": _("Previous"),
                      "value": f"{max(0, first - PAGE_SIZE)}|{question}"})
    if shown and (answer.total > last or answer.total_is_floor):
        pages.append({"action_id": ThreadActions.PAGE, "text": _("Next"),
                      "value": f"{last}|{question}"})
    return render("answer_orders.json.j2", ids=ThreadActions, intro=_intro(answer), pages=pages,
                  fallback_text=_plain_intro(answer),
                  rows=[{"ref": o.ref, "text": row_text(o, items=ITEMS in answer.question.wants)}
                        for o in answer.orders],
                  button=_("This one") if answer.kind == CANDIDATES else _("Details"), more=more,
                  note=mrkdwn(answer.note, 500) if answer.note else None)


def _no_match(answer: Answer) -> dict:
    q = answer.question
    what = q.words or " ".join(k.text for k in q.keys) or q.text
    searched = ", ".join(_(s) for s in answer.searched) or _("orders")
    scope = " " + _("ordered {when}").format(when=dates_text(q.dates)) if q.dates else ""
    text = ":mag: " + _("Nothing found for `{what}`{scope}. I searched {searched}.").format(
        what=mrkdwn(what, 300), scope=scope, searched=searched)
    return render("answer_notice.json.j2", text=text,
                  fallback=_("Nothing found for {what}").format(what=what),
                  hint=_("Try an order ref (`SO-1042`), a PO or tracking number, or part of the "
                         "customer's name; add a date like `last week` or `since Monday`."))


def _needs_order(answer: Answer) -> dict:
    return render("answer_notice.json.j2", fallback=_("Which order?"),
                  text=":thinking_face: " + _("Which order do you mean? Give me a ref, PO, "
                                              "tracking number or customer name."),
                  hint=_(_HELP_HINT))


def _help(answer: Answer) -> dict:
    return render("answer_notice.json.j2", fallback=_("Ask me about orders"),
                  text=_("Ask me about orders in plain words, here or in a DM:") + "\n"
                  + "\n".join(f"• `{_(example)}`" for example in _EXAMPLES), hint=_(_HELP_HINT))


def followed_message(refs, *, in_dm: bool = False) -> dict:
    """The thread now follows `refs`; `in_dm`: a Follow pressed on a private card, answered in
    the user's DM, whose thread then carries the updates."""
    shown = ", ".join(f"*{mrkdwn(r, 64)}*" for r in refs)
    who = (_("You now follow {refs}.") if in_dm else _("This thread now follows {refs}."))
    text = ":bell: " + who.format(refs=shown) + " " + _(
        "I'll post in this thread when it ships, is delayed, flagged, resolved, returned or "
        "edited.")
    return render("answer_follow.json.j2", text=text,
                  fallback=_("Following {refs}").format(refs=", ".join(refs)),
                  refs=list(refs), ids=ThreadActions, following=True)


def unfollowed_message(refs) -> dict:
    if not refs:
        return render("answer_notice.json.j2", text=_("This thread wasn't following any order."),
                      fallback=_("Not following anything"), hint=None)
    shown = ", ".join(f"*{mrkdwn(r, 64)}*" for r in refs)
    return render("answer_follow.json.j2",
                  text=":no_bell: " + _("Stopped following {refs} here.").format(refs=shown),
                  fallback=_("Stopped following {refs}").format(refs=", ".join(refs)),
                  refs=list(refs), ids=ThreadActions, following=False)


def follow_notice(notice) -> dict:
    """A change posted into a thread that follows the order; `notice.words` are plain text."""
    return render("follow_notice.json.j2", notice=notice)


_BUILDERS = {ORDER: _order, ORDERS: _list, CANDIDATES: _list, NO_MATCH: _no_match,
             NEEDS_ORDER: _needs_order, HELP: _help,
             FOLLOWED: lambda answer: followed_message(answer.refs),
             UNFOLLOWED: lambda answer: unfollowed_message(answer.refs)}
_EXAMPLES = (N_("status of SO-1042?"), N_("where's the Acme order from last week"),
             N_("has PO 7781 shipped?"), N_("anything late for Globex?"),
             N_("tracking for 1Z999AA10123456784"), N_("what did Initech order yesterday"),
             N_("follow SO-1042"), N_("unfollow"))
_HELP_HINT = N_("Mention me in a channel or thread, or DM me. `follow SO-1042` posts changes to "
                "that order into the thread.")


def headline(o: OrderAnswer, wants=frozenset()) -> str:
    """Where the order is, in one sentence; a yes/no first when the question was one."""
    text = _stage_text(o)
    if SHIPPED in wants or DELIVERED in wants:
        done = o.stage == "delivered" if DELIVERED in wants else o.stage in SHIPPED_STAGES
        answer = _("Yes") if done else _("No")
        text = f"{answer} — {text[0].lower()}{text[1:]}"
    return f"{STAGE_ICONS.get(o.stage, '')} {text}".strip()


def _stage_text(o: OrderAnswer) -> str:  # noqa: C901 - one sentence per stage
    due = (_("due to ship {day}").format(day=day(o.due_date)) if o.due_date
           else _("no ship date set"))
    carrier = o.shipments[-1].carrier if o.shipments else None
    via = " " + _("via {carrier}").format(carrier=mrkdwn(carrier, 40)) if carrier else ""
    eta = f"; {arrival(o.expected_delivery, o.as_of)}" if o.expected_delivery else ""
    if o.stage == "canceled":
        return _("Canceled.")
    if o.stage in ("returned", "partially_returned"):
        return f"{label(o.stage)}."
    if o.stage == "delivered":
        return (_("Delivered {day}.").format(day=day(o.delivered_at)) if o.delivered_at
                else _("Delivered."))
    if o.stage == "in_transit":
        return _("Shipped {day}{via}{eta}.").format(day=day(o.shipped_at), via=via, eta=eta)
    if o.stage == "partially_shipped":
        return _("Partly shipped {day}{via}; the rest is {due}.").format(
            day=day(o.shipped_at), via=via, due=due)
    if o.stage == "draft":
        return _("Still a draft: not released to the warehouse yet.")
    if o.stage == "on_hold":
        return _("On hold, not shipping until it is released ({due}).").format(due=due)
    if o.stage == "blocked":
        return _("Held up by an open problem ({due}).").format(due=due)
    if o.stage == "late":
        days = (", " + ngettext("{n} day ago", "{n} days ago", o.days_late).format(n=o.days_late)
                if o.days_late else "")
        return _("Late: was due to ship {day}{days}; not shipped yet.").format(
            day=day(o.due_date), days=days)
    if o.stage == "completed":
        return _("Completed.")
    if o.stage == "preparing":
        return _("Being prepared ({step}), {due}.").format(
            step=label(o.fulfilment_status).lower(), due=due)
    return _("Not shipped yet, {due}.").format(due=due)


def row_text(o: OrderAnswer, *, items: bool = False) -> str:
    """One order on two lines, for lists; `items` adds a third with what was ordered (when
    the asker may see the lines)."""
    po = " · " + _("PO") + f" {mrkdwn(o.po_number, 64)}" if o.po_number else ""
    tracking = [f"<{s.tracking_url}|{mrkdwn(s.tracking_number, 64)}>"
                for s in o.shipments if s.tracking_url and s.tracking_number][:2]
    ordered = _("ordered {day}").format(day=day(o.ordered_at))
    text = (f"*{mrkdwn(o.ref, 64)}* · {mrkdwn(o.customer_name, 120)}{po} · {ordered}"
            f"\n{headline(o)} {_axes(o)}" + (f" · {' '.join(tracking)}" if tracking else ""))
    if items and o.details is not None:
        lines = o.details.lines
        shown = ", ".join(f"{x.quantity} × `{mrkdwn(x.sku, 64)}` {mrkdwn(x.name or '', 60)}"
                          .rstrip() for x in lines[:5])
        rest = o.details.line_count - min(5, len(lines))
        text += f"\n{shown}" + (" " + _("…and {n} more line(s)").format(n=rest)
                                if rest > 0 else "")
    return text[:2900]


def _axes(o: OrderAnswer) -> str:
    payment = _("payment {status}").format(status=label(o.payment_status).lower())
    return f"_{label(o.status)} · {label(o.fulfilment_status)} · {payment}_"


def _title(o: OrderAnswer) -> str:
    po = " · " + _("PO") + f" {mrkdwn(o.po_number, 64)}" if o.po_number else ""
    return f"*{mrkdwn(o.ref, 64)}* · {mrkdwn(o.customer_name, 200)}{po}"


def _fields(o: OrderAnswer) -> list[str]:
    fields = [(_("Status"), f"{label(o.status)} · {label(o.fulfilment_status)}"),
              (_("Payment"), label(o.payment_status)),
              (_("Ordered"), day(o.ordered_at)),
              (_("Ship by"), day(o.due_date) if o.due_date else "—")]
    if o.shipped_at:
        fields.append((_("Shipped"), day(o.shipped_at)))
    if o.delivered_at:
        fields.append((_("Delivered"), day(o.delivered_at)))
    elif o.expected_delivery:
        fields.append((_("Expected delivery"), arrival(o.expected_delivery, o.as_of,
                                                        field=True)))
    return [f"*{name}*\n{value}" for name, value in fields]


def _blocker(b) -> str:
    icon = ":no_entry: *" + _("On hold:") + "*" if b.is_hold else ":warning:"
    severity = f" ({label(b.severity).lower()})" if b.severity else ""
    # 200: eight blockers, in the longest language, must fit one section (3,000 characters)
    detail = f" — {mrkdwn(b.detail, 200)}" if b.detail else ""
    since = _("since {day}").format(day=day(b.since))
    return f"{icon} {label(b.kind)}{severity}{detail} · {since}"


def arrival(expected: date, as_of: date | None, *, field: bool = False) -> str:
    """An estimated delivery day, or, once it has passed without a delivery, that it was due
    then ("overdue" read as if the order were late). `field`: under its own "Expected
    delivery" label, without saying "expected" again."""
    if as_of is not None and expected < as_of:
        return _("delivery was due {day}, not confirmed yet").format(day=day(expected))
    if field:
        return _("{day} (est.)").format(day=day(expected))
    return _("expected {day} (est.)").format(day=day(expected))


def _shipment(s, as_of: date | None) -> str:
    service = f" {mrkdwn(s.service, 40)}" if s.service else ""
    number = mrkdwn(s.tracking_number, 64) if s.tracking_number else None
    tracking = (f" · <{s.tracking_url}|{number}>" if s.tracking_url and number
                else f" · {number}" if number else "")
    arrives = (", " + _("delivered {day}").format(day=day(s.delivered_at)) if s.delivered_at
               else f", {arrival(s.expected_delivery, as_of)}" if s.expected_delivery else "")
    shipped = _("shipped {day}").format(day=day(s.shipped_at))
    return f":truck: {mrkdwn(s.carrier, 32)}{service} · {shipped}{arrives}{tracking}"


def _details(o: OrderAnswer) -> dict | None:
    d = o.details
    if d is None:
        return None
    unknown = _("unknown SKU")
    lines = [f"`{mrkdwn(line.sku, 64)}` {mrkdwn(line.name or unknown, 60)} × "
             f"{line.quantity}{_shipped(line.quantity_shipped)}"
             f" · {money(line.line_total_minor, d.currency)}" for line in d.lines]
    if d.line_count > len(d.lines):
        lines.append(_("…and {n} more lines").format(n=d.line_count - len(d.lines)))
    ship_to = ", ".join(mrkdwn(part, 200) for part in d.ship_to) or "—"
    notes = f"\n:memo: {mrkdwn(d.shipping_instructions, 500)}" if d.shipping_instructions else ""
    total = _("Total {amount}").format(amount=money(d.total_minor, d.currency))
    return {"lines": "\n".join(lines) or "_" + _("No lines.") + "_",
            "summary": f"*{total}* · " + _("ship to {address}").format(address=ship_to) + notes}


def _shipped(quantity: int) -> str:
    return " (" + _("shipped {n}").format(n=quantity) + ")" if quantity else ""


def _restricted(o: OrderAnswer) -> str | None:
    if not o.restricted or o.sight == "customer":  # the customer hears nothing of our reps
        return None
    owner = (_("<@{owner}>'s account").format(owner=o.owner_id) if o.owner_id
             else _("not your account"))
    return ":lock: " + _("Status only: {customer} is {owner}. Prices, lines and addresses are "
                         "for the account's rep and the desk.").format(
        customer=mrkdwn(o.customer_name, 120), owner=owner)


def _intro(answer: Answer) -> str:
    q = answer.question
    names = (" " + _("and") + " ").join(mrkdwn(n, 120) for n in answer.customers[:5])
    filters = " ".join(_(FILTER_WORDS[f]) for f in q.filters)
    when = " " + _("ordered {when}").format(when=dates_text(q.dates)) if q.dates else ""
    if answer.fallback:
        if filters:
            nothing = _("Nothing {filters} for {names}{when}.")
        else:
            nothing = _("No orders for {names}{when}.")
        return nothing.format(filters=filters, names=names or _("them"), when=when) + " " + _(
            "The latest instead:")
    if answer.kind == CANDIDATES:
        if len(answer.customers) > 1:
            return ":thinking_face: " + _("`{question}` matches {names}. Which one?").format(
                question=mrkdwn(q.text, 200), names=names)
        return ":thinking_face: " + _("No exact match for `{question}`. Did you mean:").format(
            question=mrkdwn(q.text, 200))
    scope = " · ".join(filter(None, [names, filters, when.strip(),
                                     _("your accounts") if q.mine else None]))
    count = number(answer.total) + ('+' if answer.total_is_floor else '')
    orders = ngettext("{count} order", "{count} orders", answer.total).format(count=count)
    return f"*{orders}*" + (f" · {scope}" if scope else "")


def _plain_intro(answer: Answer) -> str:
    refs = ", ".join(o.ref for o in answer.orders[:10])
    return (_("Which one?") if answer.kind == CANDIDATES else _("Orders:")) + " " + refs


ONE_LOCAL_DAY = timedelta(hours=25)  # the longest day, a DST change's


def dates_text(dates: DateRange | None) -> str:
    if dates is None:
        return ""
    start, end = dates.start, dates.end
    # A moment inside the last day (a day before the end can fall outside it across a DST
    # change); the days are shown in the reader's zone, the asker's being the one they were read in.
    last = end - timedelta(seconds=1) if end else None
    if start and end and end - start <= ONE_LOCAL_DAY:
        span = day(start)
    elif start and last:
        span = f"{day(start)} – {day(last)}"
    else:
        span = (_("from {day}").format(day=day(start)) if start
                else _("until {day}").format(day=day(last)))
    return f"{mrkdwn(dates.phrase, 100)} ({span})"

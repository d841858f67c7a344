"""Order messages: the card, "did you mean" candidates, no-match help, all lines, history."""

from __future__ import annotations

import re
from collections.abc import Collection

from messages import i18n
from messages.actions import FulfilmentActions, MailActions, OrderActions, ReturnActions
from messages.elements import actions, button, context, header, md, section
from messages.findings import worded_title
from messages.i18n import N_, _, count_text, ngettext
from messages.render import render
from messages.text import day, label, money, mrkdwn, plain, sections_of, when

CARD_LINES = 15  # lines shown on the card itself; the rest behind a button
# The all-lines modal's sections: Slack's 100 blocks a view, less its closing context. Each
# holds as many lines as fit its 3,000 characters (10 of the longest, 40 of short ones).
MODAL_SECTIONS = 99
_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")


def order_card(order, *, shareable: bool = False, shared: bool = False,
               pressable: Collection[str] | None = None) -> dict:
    """The order card. `shareable` adds "Share in channel" (for the ephemeral lookup answer);
    `shared`: the card posted in a channel, which everyone sees, so it carries only what
    anyone may press (Edit, Ship and Return stay on the private cards of those who may).
    `pressable`: of Edit, Ship, Return and Email customer, the ones the reader's role may
    press (None: all); a rep was offered Edit and Return only to be refused.
    An order cut by store.workspace.visibility gets the status (or customer-safe) card.

    Built as dicts, not from a template: it answers every /order, and rendering a template
    to JSON text and parsing it back was a fifth of the request's CPU (docs/benchmarks.md)."""
    if order.sight in ("status", "customer"):
        return _status_card(order, shareable=shareable)
    o, cur = order, order.currency
    shown = o.lines[:CARD_LINES]
    blocks = [_card_header(o), {"type": "section", "fields": [
        md("*" + _("Customer") + "*\n" + mrkdwn(o.customer_name, 900) + " (`"
                + mrkdwn(o.customer_code, 100) + "`)"),
        md("*" + _("PO") + "*\n" + mrkdwn(o.po_number or "—", 200)),
        md("*" + _("Ordered") + "*\n" + when(o.ordered_at)),
        md("*" + _("Requested / promised") + "*\n" + day(o.requested_date) + " / "
                + day(o.promised_date)),
        md("*" + _("Status") + "*\n" + label(o.status) + " · "
                + label(o.fulfilment_status) + " · "
                + _("payment %(status)s") % {"status": label(o.payment_status).lower()}),
        md("*" + _("Total") + "*\n" + money(o.total_minor, cur)),
    ]}]
    for hold in o.holds[:3]:
        note = (" — " + mrkdwn(hold.note, 500)) if hold.note else ""
        blocks.append(context(":no_entry: *" + _("On hold:") + "* " + label(hold.reason)
                               + note + " (" + _("since %(day)s") % {"day": when(hold.placed_at)}
                               + ")"))
    # 15 long lines (64-character SKUs, 3-decimal amounts, shipped and backordered) are more
    # than one section's 3,000 characters: as many sections as they need (two at most).
    lines = [{"type": "section", "text": md(text)}
             for text in sections_of(line_rows(shown, cur))
             or ["_" + _("No lines.") + "_"]]
    if len(o.lines) > len(shown):
        lines[0]["accessory"] = button(_("All %(n)s lines") % {"n": len(o.lines)},
                                       OrderActions.ALL_LINES, o.ref)
    blocks += [
        {"type": "divider"},
        *lines,
        context(_("Subtotal %(amount)s") % {"amount": money(o.subtotal_minor, cur)} + " · "
                 + _("Shipping %(amount)s") % {"amount": money(o.shipping_minor, cur)} + " · *"
                 + _("Total %(amount)s") % {"amount": money(o.total_minor, cur)} + "*"),
        section("*" + _("Ship to") + "*\n" + address_text(o.ship_to)),
        section("*" + _("Shipments") + "*\n" + _shipments_text(o.shipments)),
    ]
    if o.owed:
        blocks.append(section("*" + _("Replacements to ship") + "*\n"
                               + "\n".join(owed_row(item) for item in o.owed[:10])))
    if o.shipping_instructions:
        blocks.append(context(":memo: " + mrkdwn(o.shipping_instructions, 2000)))
    if o.open_discrepancies:
        blocks.append(section(_discrepancies_text(o.open_discrepancies)))
    if o.recent_events:
        blocks.append({"type": "context",
                       "elements": [md(event_text(e)) for e in o.recent_events[:3]]})
    buttons = [button(b["text"], b["action_id"], o.ref, primary=b["primary"])
               for b in card_buttons(o, shareable=shareable, shared=shared,
                                     pressable=pressable)]
    blocks.append(actions(buttons, block_id="order_actions:" + o.ref))
    return {"text": _card_text(o), "blocks": blocks}


def _status_card(order, *, shareable: bool) -> dict:
    """STATUS for a rep (with what is held back, and whose it is); CUSTOMER for the customer
    (tracking, nothing internal, no buttons but Follow)."""
    o = order
    customer = o.sight == "customer"
    blocks = [_card_header(o), {"type": "section", "fields": [
        md("*" + _("Customer") + "*\n" + mrkdwn(o.customer_name, 900)),
        md("*" + _("Ordered") + "*\n" + when(o.ordered_at)),
        md("*" + _("Requested / promised") + "*\n" + day(o.requested_date) + " / "
                + day(o.promised_date)),
        md("*" + _("Status") + "*\n" + label(o.status) + " · "
                + label(o.fulfilment_status)),
    ]}]
    for hold in o.holds[:3]:
        blocks.append(context(":no_entry: *" + _("On hold:") + "* " + label(hold.reason)
                               + " (" + _("since %(day)s") % {"day": when(hold.placed_at)} + ")"))
    problems = sorted({label(d.type) for d in o.open_discrepancies})
    if problems:
        blocks.append(section(":warning: " + _("Open problems: {problems}").format(
            problems=", ".join(problems))))
    blocks.append(section("*" + _("Shipments") + "*\n"
                           + _shipments_text(o.shipments, tracking=customer)))
    if not customer:
        owner = actor(o.account_rep_id) if o.account_rep_id else _("the account's rep")
        blocks.append(context("_" + _(
            "Status only: prices, lines, address and notes are for {owner} and the order "
            "desk.").format(owner=owner) + "_"))
        buttons = [button(_("Flag"), OrderActions.FLAG, o.ref),
                   button(_("Follow"), OrderActions.FOLLOW, o.ref)]
        if shareable:
            buttons.append(button(_("Share in channel"), OrderActions.SHARE, o.ref,
                                  primary=True))
        blocks.append(actions(buttons, block_id="order_actions:" + o.ref))
    return {"text": _card_text(o), "blocks": blocks}


def _card_text(o) -> str:
    return mrkdwn(_("Order %(ref)s") % {"ref": o.ref} + " · " + o.customer_name, 300)


def _card_header(o) -> dict:
    return header(plain(o.ref + " · " + o.customer_name, 150))


# The card's buttons a role may not press (the rest anyone may: Flag, History, Follow, Share).
ROLE_BUTTONS = (OrderActions.EDIT, FulfilmentActions.SHIP, ReturnActions.START, MailActions.ORDER)


def card_buttons(order, *, shareable: bool = False, shared: bool = False,
                 pressable: Collection[str] | None = None) -> list[dict]:
    """Only what can apply now: Edit while the order is not closed, Ship while something is
    left to send (its own lines while open, replacements a return owes), Return once
    something has shipped, Email customer on an order that is not a draft or canceled."""
    closed = order.status in ("completed", "canceled")
    left = order.status == "open" and any(x.quantity_shipped < x.quantity for x in order.lines)
    shipped = order.status != "canceled" and any(x.quantity_shipped for x in order.lines)
    private = not shared
    draft_or_canceled = order.status in ("draft", "canceled")
    wanted = [(OrderActions.EDIT, N_("Edit"), private and not closed),
              (OrderActions.FLAG, N_("Flag"), True),
              (OrderActions.HISTORY, N_("History"), True),
              (OrderActions.FOLLOW, N_("Follow"), True),
              (FulfilmentActions.SHIP, N_("Ship"), private and (left or bool(order.owed))),
              (ReturnActions.START, N_("Return"), private and shipped),
              (MailActions.ORDER, N_("Email customer"), private and not draft_or_canceled),
              (OrderActions.SHARE, N_("Share in channel"), shareable)]
    return [{"action_id": action, "text": _(text), "primary": action == OrderActions.SHARE}
            for action, text, shown in wanted if shown and (
                pressable is None or action not in ROLE_BUTTONS or action in pressable)]


def actor(actor_id: str) -> str:
    """A Slack user as a mention; system actors (import, intake) as words."""
    return f"<@{actor_id}>" if _USER_ID.match(actor_id or "") else mrkdwn(actor_id, 40)


def event_text(event) -> str:
    summary = _edit_summary(event) or mrkdwn(event.summary, 300)
    return f"{when(event.at)} · {actor(event.actor_id)} {summary}"


# The fields an edit changes (store.orders.edit, lines, fixes), worded where they are shown.
CHANGED_FIELDS = (
    N_("payment"), N_("requested date"), N_("shipping instructions"), N_("hold"), N_("status"),
    N_("ship-to name"), N_("ship-to line 1"), N_("ship-to line 2"), N_("ship-to city"),
    N_("ship-to region"), N_("ship-to postal code"), N_("ship-to country"),
    N_("SKU"), N_("quantity"), N_("unit price"), N_("backordered"),
)


def change_field(change) -> str:
    """The changed field's name: the store's English, or worded from its line and name."""
    if i18n.language() == i18n.ENGLISH:
        return change.field
    if change.line_no is None:
        return _(change.field)
    if change.name:
        return _("line {n} {field}").format(n=change.line_no, field=_(change.name))
    return _("line {n}").format(n=change.line_no)


def _edit_summary(event) -> str | None:
    """An edit's history line in the reader's language, from its changes (as
    store.orders.operations.edit_summary words it in English); None for other events."""
    if i18n.language() == i18n.ENGLISH or event.kind != "edited" or not event.changes \
            or not event.summary.startswith(("changed ", "edited ")):
        return None
    if len(event.changes) == 1:
        return _("changed {change}").format(change=change_row(event.changes[0], 100))
    fields = list(dict.fromkeys(mrkdwn(change_field(c), 60) for c in event.changes))
    more = " " + _("and {n} more").format(n=len(fields) - 6) if len(fields) > 6 else ""
    return _("edited {fields}").format(fields=", ".join(fields[:6])) + more


def change_row(change, limit: int) -> str:
    """"line 1 unit price: €12.00 → €12.50": the store's English as it is, or in another
    language from what the change is (its line, field name and money)."""
    field, before, after = change_field(change), change.before, change.after
    if i18n.language() != i18n.ENGLISH:
        if change.currency and change.before_minor is not None:
            before = money(change.before_minor, change.currency)
        if change.currency and change.after_minor is not None:
            after = money(change.after_minor, change.currency)
    return (f"{mrkdwn(field, 60)}: {mrkdwn(before or '—', limit)}"
            f" → {mrkdwn(after or '—', limit)}")


def address_text(address) -> str:
    lines = [mrkdwn(line, 200) for line in address.lines()] if address else []
    return "\n".join(lines) or "_No address._"


def owed_row(item) -> str:
    """A replacement or exchange a return owes, on the pick request and the order card."""
    return (f":arrows_counterclockwise: `{mrkdwn(item.sku, 64)}` {mrkdwn(item.name, 60)} × "
            f"*{item.quantity}* · {item.outcome} for {mrkdwn(item.rma, 32)}")


def line_rows(lines, currency: str) -> list[str]:
    """One mrkdwn row a line (at most ~260 characters: SKU 64, name 60, two amounts)."""
    rows = []
    for line in lines:
        name = mrkdwn(line.product_name, 60) if line.product_name else "_" + _("unknown SKU") + "_"
        shipped = (" · " + _("shipped {n}").format(n=line.quantity_shipped)
                   if line.quantity_shipped else "")
        back = (" · " + _("backordered {n}").format(n=line.quantity_backordered)
                if line.quantity_backordered else "")
        rows.append(
            f"`{mrkdwn(line.sku, 64)}` {name} × {line.quantity} @ "
            f"{money(line.unit_price_minor, currency)} = *{money(line.line_total_minor, currency)}*"
            f"{shipped}{back}"
        )
    return rows


def _shipments_text(shipments, *, tracking: bool = True) -> str:
    if not shipments:
        return "_" + _("Not shipped yet.") + "_"
    rows = []
    for s in shipments[-5:]:
        number = mrkdwn(s.tracking_number or _("no tracking"), 64)
        link = f"<{s.tracking_url}|{number}>" if s.tracking_url else number
        service = f" {mrkdwn(s.service, 40)}" if s.service else ""
        delivered = (", " + _("delivered {day}").format(day=day(s.delivered_at))
                     if s.delivered_at else "")
        shown = f" · {link}" if tracking else ""
        rows.append(f"{mrkdwn(s.carrier, 20)}{service} · {day(s.shipped_at)}{delivered}{shown}")
    return "\n".join(rows)


def _discrepancies_text(items) -> str:
    rows = [f":warning: *{label(d.type)}* ({label(d.severity).lower()}, "
            f"{label(d.status).lower()}) — {mrkdwn(worded_title(d.words, d.title), 200)}"
            for d in items[:8]]
    if len(items) > 8:
        rows.append(_("…and {n} more").format(n=len(items) - 8))
    return "\n".join(rows)


def all_lines_modal(order) -> dict:
    """Every line of a long order, as many to a section as fit its 3,000 characters, within
    Slack's 100 blocks a view; past that (a thousand long lines or more) the last section says
    how many lines it leaves out."""
    sections = sections_of(line_rows(order.lines, order.currency), most=MODAL_SECTIONS,
                           more=lambda n: _("…and {n} more line(s)").format(n=n))
    return render("order_lines_modal.json.j2", order=order,
                  sections=sections or ["_" + _("No lines.") + "_"])


def candidates_message(result) -> dict:
    rows = [
        {
            "ref": c.ref,
            "text": (f"*{mrkdwn(c.ref, 64)}* · {mrkdwn(c.customer_name, 120)}"
                     f"{' · ' + _('PO') + ' ' + mrkdwn(c.po_number, 64) if c.po_number else ''}\n"
                     f"{day(c.ordered_at)} · {label(c.status)} · {label(c.fulfilment_status)} · "
                     f"{_total(c)}_{mrkdwn(matched_on(c.matched_on), 200)}_"),
        }
        for c in result.candidates
    ]
    exact = bool(result.candidates) and all(c.score >= 100 for c in result.candidates)
    shown = len(result.candidates)
    first, last = result.offset + 1, result.offset + shown
    total = max(result.total, last)
    words = {"n": total, "query": mrkdwn(result.query, 200)}
    heading = (ngettext("*%(n)s* order matches `%(query)s`", "*%(n)s* orders match `%(query)s`",
                        total) % words
               if exact else ngettext("No exact match for `%(query)s`; *%(n)s* close match",
                                      "No exact match for `%(query)s`; *%(n)s* close matches",
                                      total) % words)
    heading += (" " + _("(showing %(first)s–%(last)s):") % {"first": first, "last": last}
                if total > shown else ":")
    query = mrkdwn(result.query, 1900)  # read again (unescaped) when a page button is pressed
    pages = []
    if result.offset:
        pages.append({"action_id": OrderActions.PAGE_BACK, "text": _("Previous"),
                      "value": f"{max(0, result.offset - shown)}|{query}"})
    if total > last:
        pages.append({"action_id": OrderActions.PAGE,
                      "text": _("Next (%(n)s more)") % {"n": total - last},
                      "value": f"{last}|{query}"})
    # Dicts, not a template: the answer of every /order by name (as the card, see order_card).
    blocks = [section(heading)]
    opened = i18n.pgettext("button", "Open")
    for i, row in enumerate(rows, 1):
        blocks.append({**section(row["text"]),
                       "accessory": button(opened, f"{OrderActions.OPEN}:{i}", row["ref"])})
    if pages:
        blocks.append({"type": "actions", "elements": [
            button(p["text"], p["action_id"], p["value"]) for p in pages]})
    return {"response_type": "ephemeral",
            "text": mrkdwn(_("Orders matching %(query)s") % {"query": result.query}, 300),
            "blocks": blocks}


# What a lookup matched on, as the store words it ("customer name ~ 'acme'", "PO 4500012345",
# "order ref SO-1 + SKU X"): its leading words, in the reader's language.
_MATCH_WORDS = {"order ref": N_("order ref"), "customer name": N_("customer name"),
                "customer code": N_("customer code"), "tracking": N_("tracking"),
                "PO": N_("PO"), "SKU": N_("SKU")}
_MATCH_PART = re.compile(r"^(order ref|customer name|customer code|tracking|PO|SKU)\b")


def matched_on(phrase: str) -> str:
    return " + ".join(_MATCH_PART.sub(lambda m: _(_MATCH_WORDS[m.group(1)]), part)
                      for part in phrase.split(" + "))


def _total(c) -> str:
    """A candidate's total and a separator; nothing when the viewer may not see it."""
    return "" if c.total_minor is None else f"{money(c.total_minor, c.currency)} · "


def no_match_message(result) -> dict:
    searched = ", ".join(_(what) for what in result.searched) or _("orders")
    return render("order_no_match.json.j2", query=result.query, searched=searched)


# A history page's sections: Slack's 50 blocks a message, less its header, context and buttons.
HISTORY_SECTIONS = 46


def history_message(page) -> dict:
    return render("order_history.json.j2", page=page, ids=OrderActions,
                  rows=_event_sections(page.events))


def audit_message(page) -> dict:
    """`/orders audit`: the workspace's changes that are no one order's, newest first."""
    rows = _event_sections(page.events) or ["_" + _("No changes recorded yet.") + "_"]
    footer = _("Page %(page)s of %(pages)s") % {"page": page.page, "pages": page.pages} + \
        " · " + ngettext("%(num)s change, newest first", "%(num)s changes, newest first",
                         page.total) % {"num": count_text(page.total)}
    if page.page < page.pages:
        footer += " · " + _("older: %(command)s") % {
            "command": f"`/orders audit {page.page + 1}`"}
    title = _("Workspace changes")
    return {"response_type": "ephemeral", "text": title,
            "blocks": [header(title), *(section(text) for text in rows), context(footer)]}


def _event_sections(events) -> list[str]:
    """Each event with every change it made (an edit of 40 fields is 40 rows, in as many
    sections as they need: the history is where a manager looks for what changed). Only when
    a page's events need more sections than a message holds does an event end with how many
    of its changes are left out; every event keeps at least its own section."""
    rows, left = [], HISTORY_SECTIONS
    for n, event in enumerate(events):
        most = max(1, left - (len(events) - n - 1))
        texts = sections_of([event_text(event)] +
                            [f"    • {change_row(change, 300)}" for change in event.changes],
                            most=most, more=lambda k: _("…and %(n)s more") % {"n": k})
        rows += texts
        left -= len(texts)
    return rows

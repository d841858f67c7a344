"""The App Home tab, by role: pure Block Kit from store.views.home (no I/O).

Each list shows its first few items and its total; a long one offers the whole queue in a DM.
Only "my items" carry the triage buttons (a discrepancy's block id is unique per view, and it
may also be overdue or escalated).
"""

from __future__ import annotations

from collections.abc import Mapping

from messages import i18n
from messages.actions import HomeActions, TriageActions
from messages.elements import actions, button, context, header, section
from messages.findings import worded
from messages.i18n import N_, _, ngettext
from messages.orders import actor
from messages.render import render
from messages.text import label, money, mrkdwn, when
from messages.triage import headline, status_text
from store.views.home import AdminHome, HomeView, Listed, ManagerHome, ProcessorHome, SalesHome

MAX_BLOCKS = 100  # Slack's limit for a Home view
# What store.orders.home words itself: a list's "why" and the manager's figures.
STORE_WORDS = (N_("open problem"), N_("orders received"), N_("orders shipped"),
               N_("problems opened"), N_("problems resolved"))
ROLE_NAMES = {"sales": N_("Sales"), "processor": N_("Processor"), "manager": N_("Manager"),
              "admin": N_("Admin")}


def home_view(home: HomeView, *, snooze_options: list[tuple[str, str]], workers=(),
              can_enter_orders: bool = False, membership: Mapping[str, str] | None = None,
              ) -> dict:
    """`workers`: (user id, name) of the people who may work items, for each item's Assign…
    `membership`: channel id -> whether Orderdesk is in it (handlers.kit.membership_state),
    for the admin's routes; None when not checked (a refresh from the outbox)."""
    blocks: list[dict] = [
        header(f"Orderdesk · {_(ROLE_NAMES.get(home.role, label(home.role)))}"),
        actions([button(_("Refresh"), HomeActions.REFRESH, "refresh"),
                  *([button(_("New order"), HomeActions.NEW_ORDER, "new", primary=True)]
                    if can_enter_orders else [])]),
    ]
    if home.sales is not None:
        blocks += _sales(home.sales)
    if home.admin is not None:
        blocks += _admin(home.admin, membership)
    if home.manager is not None:
        blocks += _manager(home.manager)
    if home.processor is not None:
        blocks += _processor(home.processor, snooze_options, workers)
    assert len(blocks) <= MAX_BLOCKS, f"{len(blocks)} blocks in a Home view"
    return {"type": "home", "callback_id": "home", "blocks": blocks}


# -- pieces --------------------------------------------------------------------------------

def _title(name: str, listed: Listed) -> dict:
    """`name` as the reader reads it (translated by the caller)."""
    return section(f"*{name}* · {listed.total}")


def _more(listed: Listed, queue: str | None) -> list[dict]:
    """The total and, when the list is cut, the way to the rest."""
    if not listed.more:
        return []
    text = _("… and %(n)s more") % {"n": listed.more}
    if queue is None:
        return [context(text)]
    return [context(text), actions([
        button(_("Open the queue (%(n)s)") % {"n": listed.total}, f"{HomeActions.QUEUE}:{queue}",
                queue)])]


def _empty(listed: Listed, what: str) -> list[dict]:
    return [context("_" + _(what) + "_")] if not listed.total else []


def _why(order) -> str:
    """What puts an order on a list: the store's English, or worded from its kind and parts."""
    kind, parts = order.why_kind, order.why_parts
    if i18n.language() == i18n.ENGLISH or not kind:
        return _(order.why)
    if kind == "promised":
        return _("promised {day}").format(day=i18n.local_day(parts[0], "d MMM"))
    if kind == "payment":
        return _("payment {status}").format(status=label(parts[0]).lower())
    if kind == "backordered":
        return ngettext("{n} line backordered", "{n} lines backordered", parts[0]).format(
            n=parts[0])
    if kind == "held":
        return _("held: {reason}").format(reason=label(parts[0]).lower() if parts else _("hold"))
    if kind == "status":
        return " · ".join(label(part).lower() for part in parts)
    return _(order.why)


def _orders(name: str, listed: Listed, what: str) -> list[dict]:
    rows = [f"• *{mrkdwn(o.ref, 64)}* · {mrkdwn(o.customer_name, 200)}"
            + (f" · {money(o.total_minor, o.currency)}" if o.total_minor is not None else "")
            + f" · {mrkdwn(_why(o), 200)}"
            + ("" if o.sight == "full" else " _" + _("(status only)") + "_")
            for o in listed.items]
    return [_title(_(name), listed), *([section("\n".join(rows))] if rows else []),
            *_empty(listed, what), *_more(listed, None)]


def _items(name: str, listed: Listed, what: str, queue: str | None) -> list[dict]:
    rows = [f"{headline(d)}\n{status_text(d)}" for d in listed.items]
    return [_title(_(name), listed), *([section("\n\n".join(rows))] if rows else []),
            *_empty(listed, what), *_more(listed, queue)]


# -- by role -------------------------------------------------------------------------------

def _processor(p: ProcessorHome, snooze_options: list[tuple[str, str]],
               workers) -> list[dict]:
    blocks = [{"type": "divider"}, _title(_("My items"), p.mine)]
    for d in p.mine.items:
        blocks.append(section(f"{headline(d)}\n{status_text(d)}"))
        blocks.append(render("triage_buttons.json.j2", d=worded(d), ids=TriageActions,
                             suffix=f":{d.id}", snooze_options=snooze_options,
                             workers=[(u, n) for u, n in workers if u != d.owner_id][:100]))
    blocks += [*_empty(p.mine, N_("No items assigned to you.")), *_more(p.mine, "mine")]
    unassigned = sum(n for _type, n in p.unassigned_by_type)
    blocks.append(section("*" + _("Unassigned") + f"* · {unassigned}\n" + (
        "\n".join(f"• {label(t)}: {n}" for t, n in p.unassigned_by_type)
        or "_" + _("None.") + "_")))
    if unassigned:
        blocks.append(actions([button(_("Open the queue (%(n)s)") % {"n": unassigned},
                                        f"{HomeActions.QUEUE}:unassigned", "unassigned")]))
    blocks += _items(N_("Overdue"), p.overdue, N_("No overdue items."), None)
    blocks += _orders(N_("On hold (placed by you)"), p.holds,
                      N_("No orders on a hold you placed."))
    return blocks


def _sales(s: SalesHome) -> list[dict]:
    return [
        {"type": "divider"},
        *_orders(N_("Flagged"), s.flagged, N_("No flagged orders on your accounts.")),
        *_orders(N_("Late"), s.late, N_("No late orders on your accounts.")),
        *_orders(N_("Awaiting payment"), s.awaiting_payment,
                 N_("No orders awaiting payment.")),
        *_orders(N_("Backordered"), s.backordered, N_("No backordered orders.")),
        *_orders(N_("Orders you follow"), s.followed, N_("No followed orders.")),
    ]


def _manager(m: ManagerHome) -> list[dict]:
    rows = ["• " + _("%(kind)s on *%(ref)s*: %(amount)s · asked by %(who)s %(when)s") % {
        "kind": label(a.kind), "ref": mrkdwn(a.order_ref, 64),
        "amount": money(a.amount_minor, a.currency), "who": actor(a.requested_by),
        "when": when(a.requested_at)} for a in m.approvals.items]
    figures = [f"• {_(f.name)}: *{f.today}* (" + _("yesterday %(n)s") % {"n": f.previous}
               + f"{_delta(f.today, f.previous)})" for f in m.today]
    return [
        {"type": "divider"},
        _title(_("Approvals waiting"), m.approvals),
        *([section("\n".join(rows))] if rows else []),
        *_empty(m.approvals, N_("No approvals waiting.")), *_more(m.approvals, None),
        *_items(N_("Escalations"), m.escalations, N_("No escalations."), None),
        section("*" + _("Today so far") + "*\n" + "\n".join(figures)),
    ]


def _delta(today: int, previous: int) -> str:
    diff = today - previous
    return "" if not diff else f", {'+' if diff > 0 else ''}{diff}"


_MEMBERSHIP = {"member": ":white_check_mark: " + N_("I'm in it"),
               "not_member": ":warning: " + N_("I'm not in it: `/invite @Orderdesk` there"),
               "archived": ":warning: " + N_("archived: pick another"),
               "unseen": ":warning: " + N_("private and I'm not in it: `/invite @Orderdesk` "
                                           "there")}


def _membership(state: str) -> str:
    icon, _space, words = _MEMBERSHIP[state].partition(" ")
    return f"{icon} {_(words)}"


def _shown(listed: Listed) -> str:
    """"showing 10 of 240" when a list is cut."""
    return ("\n_" + _("showing %(n)s of %(total)s") % {"n": len(listed.items),
                                                       "total": listed.total} + "_"
            if listed.more else "")


def _admin(a: AdminHome, membership: Mapping[str, str] | None) -> list[dict]:
    roles = [f"• {actor(uid)}: {_(role)}{' (ORDERDESK_ADMINS)' if pinned else ''}"
             for uid, role, pinned in a.roles.items]
    routes = [f"• `{key}` → <#{channel}>"
              + (f" · {_membership(membership[channel])}" if membership and channel in membership
                 else "") for key, channel in a.routes]
    links = [f"• <#{c.channel_id}> ↔ *{mrkdwn(c.customer_code, 64)}* "
             f"{mrkdwn(c.customer_name, 200)}" for c in a.connections.items]
    c = a.clock
    clock_rows = [
        "• " + _("outbox: %(n)s waiting") % {"n": c.outbox_pending}
        + (" " + _("(oldest %(when)s)") % {"when": when(c.oldest_pending_at)}
           if c.oldest_pending_at else "")
        + ", " + _("%(dead)s dead, last sent %(when)s") % {"dead": c.outbox_dead,
                                                           "when": when(c.last_sent_at)},
        *("• " + _("%(period)s digest in %(channel)s: last posted %(when)s") % {
            "period": _(d.period), "channel": f"<#{d.channel_id}>",
            "when": when(d.last_posted_at)} + _failing(d) for d in c.digests[:20]),
    ]
    return [
        {"type": "divider"},
        section("*" + _("Roles") + "* · " + str(a.roles.total) + "\n"
                 + ("\n".join(roles) or "_" + _("Everyone has the default role.") + "_")
                 + _shown(a.roles)),
        section("*" + _("Routes") + "*\n"
                 + ("\n".join(routes) or "_" + _("No routes: `/orders route`.") + "_")),
        section("*" + _("Clock health") + "*\n" + "\n".join(clock_rows)
                 + ("\n" + _("… and %(n)s more digests") % {"n": len(c.digests) - 20}
                    if len(c.digests) > 20 else "")),
        *_dead(a.dead),
        section("*" + _("Shared channels") + f"* · {a.connections.total}\n"
                 + ("\n".join(links)
                    or "_" + _("None: `/orders connect <#channel> <customer>`.") + "_")
                 + _shown(a.connections)),
    ]


def _failing(d) -> str:
    """A digest that could not post: why, so an admin can fix it (invite Orderdesk, pick
    another channel) instead of waiting for a post that keeps failing."""
    if d.failed_at is None:
        return ""
    return " · :warning: " + _("failing: %(error)s (last try %(when)s)") % {
        "error": f"`{mrkdwn(d.error or '?', 100)}`", "when": when(d.failed_at)}


def _dead(dead: Listed) -> list[dict]:
    """Posts Slack refused for good, each with Retry; `/orders outbox` lists them all."""
    blocks = [section("*" + _("Undelivered posts") + f"* · {dead.total}"
                       + ("" if dead.total else "\n_" + _("None.") + "_"))]
    for d in dead.items:
        where = " " + _("to %(channel)s") % {"channel": f"<#{d.channel}>"} if d.channel else ""
        blocks.append({**section(f"#{d.id} {mrkdwn(label(d.kind), 80)}{where}: "
                                  f"`{mrkdwn(d.error, 200)}` · {when(d.created_at)}"),
                       "accessory": button(_("Retry"), f"{HomeActions.RETRY}:{d.id}",
                                            str(d.id))})
    if dead.more:
        blocks.append(context(_("showing %(n)s of %(total)s") % {
            "n": len(dead.items), "total": dead.total} + " — "
            + _("`/orders outbox` lists them all")))
    if dead.total > 1:
        blocks.append(actions([button(_("Retry all (%(n)s)") % {"n": dead.total},
                                        f"{HomeActions.RETRY}:all", "all")]))
    return blocks

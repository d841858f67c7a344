"""Triage messages: a discrepancy's parent message (kept current), its thread notes, the account
owner's DMs, batch summaries, escalations, the queue, replies to buttons, and routes."""

from __future__ import annotations

from datetime import datetime

from messages.actions import MailActions, TriageActions
from messages.common import undelivered_message
from messages.findings import note_detail, worded
from messages.i18n import ENGLISH, N_, _, count_text, in_language, language, ngettext
from messages.orders import actor
from messages.render import render
from messages.text import label, mrkdwn, when

SEVERITY_ICONS = {"low": ":white_circle:", "medium": ":large_yellow_circle:",
                  "high": ":large_orange_circle:", "critical": ":red_circle:"}
QUEUE_ITEMS = 15  # 2 blocks each + header and footer stays well under Slack's 50
OUTCOMES = {
    "assigned": N_("Assigned."), "resolved": N_("Resolved."), "snoozed": N_("Snoozed."),
    "escalated": N_("Escalated to the managers."), "fixed": N_("Fix applied and resolved."),
    "escalated_no_route": N_("Escalated, but no manager channel is routed: an admin can set "
                             "one with `/orders route manager #channel`."),
    "already_resolved": N_("Nothing to do: it is already resolved."),
    "already_assigned": N_("Nothing to do: it is already assigned to that person."),
    "already_snoozed": N_("Nothing to do: it is already snoozed until then."),
    "already_escalated": N_("Nothing to do: it was already escalated."),
}
DONE = N_("Done.")


# The snooze choices' words (store.triage.RULES), translated where they are shown.
SNOOZE_WORDS = (N_("1 hour"), N_("4 hours"), N_("Tomorrow 09:00"))


def headline(d) -> str:
    d = worded(d)
    icon = SEVERITY_ICONS.get(d.severity, ":white_circle:")
    line = (f"{icon} *{label(d.type)}* · {label(d.severity).lower()} · "
            f"*{mrkdwn(d.order_ref, 64)}* · {mrkdwn(d.customer_name, 200)}")
    # Where the policy cut the title it is only the kind, already named above.
    return f"{line}\n{mrkdwn(d.title, 500)}" if d.detail_shown else line


def status_text(d) -> str:
    d = worded(d)
    if d.status == "resolved":
        reason = mrkdwn(d.resolution_label or _("resolved"), 200)
        note = f" — {mrkdwn(d.resolution_note, 500)}" if d.resolution_note else ""
        return ":white_check_mark: " + _("Resolved by {who} {when}: {reason}").format(
            who=actor(d.resolved_by or "system"), when=when(d.resolved_at),
            reason=reason) + note
    parts = [label(d.status)]
    if d.owner_id:
        parts.append(_("owner {who}").format(who=actor(d.owner_id)))
    if d.snoozed_until and d.status == "snoozed":
        parts.append(_("snoozed until {when}").format(when=when(d.snoozed_until)))
    if d.escalated_at:
        parts.append(_("escalated {when}").format(when=when(d.escalated_at)))
    parts.append(_("opened {when} by {who}").format(when=when(d.opened_at),
                                                    who=actor(d.opened_by or "system")))
    if d.sla_due_at:
        due = when(d.sla_due_at)
        parts.append(":alarm_clock: " + _("*overdue* since {when}").format(when=due)
                     if d.overdue else _("due {when}").format(when=due))
    return " · ".join(parts)


def _context(d, snooze_options, workers=()) -> dict:
    """`workers`: (user id, name) of the people whose role may work items, for Assign…"""
    d = worded(d)
    return dict(d=d, ids=TriageActions, suffix=f":{d.id}", headline=headline(d),
                status=status_text(d), expected=mrkdwn(d.expected or "—", 900),
                found=mrkdwn(d.found or "—", 900), snooze_options=snooze_options,
                workers=[(uid, name) for uid, name in workers if uid != d.owner_id][:100])


def parent_message(d, *, snooze_options: list[tuple[str, str]], workers=()) -> dict:
    """The one message a discrepancy has in its channel; buttons only while it is open."""
    context = _context(d, snooze_options, workers)
    shown = context["d"]
    kind, severity = (shown.type, shown.severity) if language() == ENGLISH else \
        (label(shown.type), label(shown.severity).lower())
    return render("triage_parent.json.j2", **context, mail_ids=MailActions,
                  fallback=f"{kind} · {severity} · {shown.order_ref}: {shown.title}")


def thread_note(note) -> dict:
    """Who did what, by name: people are mentions (Slack shows their names), never raw ids;
    an SLA nudge mentions the owner, or everyone here when nobody owns the item."""
    e = note.event
    text = f"{actor(e.actor_id)} {_note_words(e, note.discrepancy)}"
    if e.kind == "triage.nudged":
        owner = note.discrepancy.owner_id
        text = ":alarm_clock: " + (
            _("{who} this is past its SLA target.").format(who=actor(owner)) if owner else
            _("{who} this is past its SLA target and nobody owns it: take it with "
              "*Assign to me*.").format(who="<!here>"))
    return render("triage_note.json.j2", text=text, fallback=text)


def _note_words(e, d) -> str:
    owner = next((c.after for c in e.changes if c.field == "owner"), None)
    if e.kind == "triage.assigned" and owner:
        return _("took it") if owner == e.actor_id else \
            _("assigned it to {who}").format(who=actor(owner))
    if e.kind == "triage.assigned":  # store.triage.hand_back
        left = next((c.before for c in e.changes if c.field == "owner"), "")
        return _("handed it back to the queue: {who} is no longer on the desk").format(
            who=actor(left))
    if e.summary in _FIXED_SUMMARIES:
        return _(e.summary)
    prefix, words = _DETAILED.get(e.kind, (None, None))
    if prefix and e.summary.startswith(prefix):  # e.g. "resolved: <reason> — <note>"
        detail = note_detail(e.kind, e.summary[len(prefix):], d)
        return _(words).format(detail=mrkdwn(detail, 2000))
    if e.kind == "triage.snoozed":
        until = next((c.after for c in e.changes if c.field == "snoozed_until"), None)
        if until:
            # In each reader's own zone (Slack's date token), as the item's status line.
            return _("snoozed until {when}").format(when=when(datetime.fromisoformat(until)))
    return mrkdwn(e.summary, 2000)


# The thread notes' words as store.triage records them (event summaries), translated here.
_FIXED_SUMMARIES = (N_("escalated to the managers"), N_("snooze ended"))
_DETAILED = {"triage.resolved": ("resolved: ", N_("resolved: {detail}")),
             "triage.updated": ("updated: ", N_("updated: {detail}"))}


def rep_dm(d, *, what: str) -> dict:
    d = worded(d)
    order = {"ref": mrkdwn(d.order_ref, 64), "customer": mrkdwn(d.customer_name, 200),
             "title": mrkdwn(d.title, 500)}
    if what == "resolved":
        body = ":white_check_mark: " + _(
            "Your account's order *{ref}* ({customer}) is sorted: {title}.").format(**order) + \
            f"\n{status_text(d)}"
    elif d.channel_id:
        body = ":warning: " + _("Your account's order *{ref}* ({customer}) was flagged in "
                                "{channel}: {title}").format(channel=f"<#{d.channel_id}>",
                                                             **order)
    else:
        body = ":warning: " + _("Your account's order *{ref}* ({customer}) was flagged (see "
                                "`/orders queue`): {title}").format(**order)
    return render("triage_notice.json.j2", body=body, fallback=f"{d.order_ref}: {d.title}",
                  button=None, ids=TriageActions)


def batch_summary(*, count: int, channel_id: str | None, queue_filter: str = "",
                  at_once: bool = False) -> dict:
    """The summary of a batch, with a button to exactly those items in the queue (each with
    its buttons there). `at_once`: they all arrived together (an import of a backlog)."""
    where = " " + _("to keep {channel} quiet").format(channel=f"<#{channel_id}>") \
        if channel_id else ""
    if at_once:
        body = ngettext(
            "*{n}* new discrepancy arrived at once (an import) and was batched{where}; new "
            "work still gets its own message. It is in the queue with its buttons:",
            "*{n}* new discrepancies arrived at once (an import) and were batched{where}; new "
            "work still gets its own message. Each one is in the queue with its buttons:",
            count)
    else:
        body = ngettext(
            "*{n}* more new discrepancy this hour was batched{where}. It is in the queue with "
            "its buttons:",
            "*{n}* more new discrepancies this hour were batched{where}. Each one is in the "
            "queue with its buttons:", count)
    fallback = ngettext("{n} discrepancy batched", "{n} discrepancies batched", count)
    return render("triage_notice.json.j2", body=":package: " + body.format(n=count, where=where),
                  fallback=fallback.format(n=count), button=_("Open these in the queue"),
                  ids=TriageActions, button_value=f"{queue_filter}|0")


def dm_batch_summary(*, count: int) -> dict:
    body = ngettext("*{n}* more of your accounts' orders was flagged this hour. See it with "
                    "`/orders queue`.",
                    "*{n}* more of your accounts' orders were flagged this hour. See them with "
                    "`/orders queue`.", count)
    return render("triage_notice.json.j2", body=":package: " + body.format(n=count),
                  fallback=_("{n} more flagged").format(n=count), button=None,
                  ids=TriageActions)


def departure_message(*, user_id: str, role_before: str | None, handed_back: int,
                      accounts: list[str], account_count: int) -> dict:
    """The managers' post when Slack deactivates someone (store.triage.person_deactivated):
    what Orderdesk undid, and the accounts still naming them, whose notices now go to a DM
    nobody reads (Slack accepts posts to a deactivated person)."""
    who = f"<@{user_id}>"
    lines = [":bust_in_silhouette: " + _("*{who}* was deactivated in Slack.").format(who=who)]
    if role_before:
        lines.append(_("Their role went from {before} to {after}.").format(
            before=_(role_before), after=_("sales")))
    if handed_back:
        lines.append(ngettext("Their {n} open item went back to the queue.",
                              "Their {n} open items went back to the queue.",
                              handed_back).format(n=count_text(handed_back)))
    if account_count:
        codes = ", ".join(f"`{mrkdwn(code, 64)}`" for code in accounts)
        more = account_count - len(accounts)
        if more > 0:
            codes += " " + _("and {n} more").format(n=count_text(more))
        lines.append(ngettext(
            "{n} customer still names them as its rep: {codes}. Its problems and notices go "
            "to a DM nobody reads until a customer import gives it another `sales_rep`.",
            "{n} customers still name them as their rep: {codes}. Their problems and notices "
            "go to a DM nobody reads until a customer import gives them another `sales_rep`.",
            account_count).format(n=count_text(account_count), codes=codes))
    fallback = _("{who} was deactivated in Slack").format(who=who)
    return render("triage_notice.json.j2", body="\n".join(lines), fallback=fallback,
                  button=None, ids=TriageActions)


def escalation_message(d, *, by: str, snooze_options, workers=()) -> dict:
    """The managers' post, with the item's buttons (assign, resolve, fix, snooze) while open."""
    d = worded(d)
    where = " " + _("Thread in {channel}.").format(channel=f"<#{d.channel_id}>") \
        if d.channel_id else ""
    body = ":rotating_light: " + _("Escalated by {who}.").format(who=actor(by)) + \
        f"{where}\n{headline(d)}"
    return render("triage_escalation.json.j2", body=body,
                  fallback=_("Escalated: {ref} {title}").format(ref=d.order_ref, title=d.title),
                  **_context(d, snooze_options, workers))


def action_reply(result) -> dict:
    text = _(OUTCOMES.get(result.outcome, DONE))
    d = worded(result.discrepancy)
    body = f"{text} *{mrkdwn(d.order_ref, 64)}* · {label(d.type)}: {mrkdwn(d.title, 300)}"
    return render("notice.json.j2", text=f"{text} {mrkdwn(d.order_ref, 64)}", icon=(
        ":information_source:" if result.outcome.startswith("already") else ":white_check_mark:"),
        body=body, hint=None)


def queue_message(page, *, snooze_options: list[tuple[str, str]], workers=(),
                  may_work: bool = True) -> dict:
    """`may_work`: the reader's role may act on items (assign, resolve, snooze...); without
    it the items come without buttons that would only refuse them."""
    items = [_context(d, snooze_options, workers) for d in page.items[:QUEUE_ITEMS]]
    shown = len(items)
    more = page.total - page.offset - shown
    title = ngettext("*{n}* open discrepancy{filter}, oldest first",
                     "*{n}* open discrepancies{filter}, oldest first", page.total).format(
        n=count_text(page.total), filter=_filter_words(page.filter))
    if page.total:
        title += " " + _("(showing {first}–{last} of {total})").format(
            first=count_text(page.offset + 1), last=count_text(page.offset + shown),
            total=count_text(page.total))
    back = max(0, page.offset - QUEUE_ITEMS)
    return render("triage_queue.json.j2", title=title, items=items, ids=TriageActions,
                  may_work=may_work,
                  more=max(0, more), more_shown=count_text(max(0, more)),
                  next_value=f"{page.filter}|{page.offset + shown}",
                  back_value=f"{page.filter}|{back}" if page.offset > 0 else None)


def _filter_words(flt: str) -> str:
    if flt.startswith("batch:"):
        channel, bucket = (flt.split(":") + ["", ""])[1:3]
        if len(bucket) == 8:
            return " " + _("batched in {channel} at {hour}").format(
                channel=f"<#{channel}>", hour=f"{bucket[6:8]}:00 UTC")
        return " " + _("batched in {channel} at that hour").format(channel=f"<#{channel}>")
    return f" · {mrkdwn(flt, 40)}" if flt else ""


def routes_message(routes, keys: tuple[str, ...], *, names: dict | None = None) -> dict:
    """Each key and where it goes; a type with no route of its own follows `default`.
    `names`: channel id -> name, so each reads as #name."""
    names = names or {}
    by_key = {r.key: r for r in routes}
    special = ("default", "manager", "warehouse")
    rows = []
    for key in keys:
        if key in by_key:
            channel = by_key[key].channel_id
            label = f"|{mrkdwn(names[channel], 80)}" if channel in names else ""
            rows.append(f"`{key}` → <#{channel}{label}>{in_language(by_key[key].language)}")
        elif key in special:
            rows.append(f"`{key}` → _not set_")
        else:
            rows.append(f"`{key}` → _as default_")
    body = "*Triage routes*\n" + "\n".join(rows)
    hint = ("Without a `default` route, unrouted items only show in `/orders queue`. "
            "Change a route with `/orders route <type|default|manager|warehouse|inbound_mail> "
            "#channel [lang es|en|auto]`.")
    return render("notice.json.j2", text="Triage routes", icon=":twisted_rightwards_arrows:",
                  body=body, hint=hint)


def connections_message(connections) -> dict:
    """Channels linked to a customer account (`/orders connect list`)."""
    rows = [f"<#{c.channel_id}> → *{mrkdwn(c.customer_name, 120)}* (`{mrkdwn(c.customer_code, 40)}`)"
            for c in connections[:50]]
    body = "*Linked channels*\n" + ("\n".join(rows) or "_None yet._")
    hint = ("Link a channel you share with a customer: `/orders connect #channel CODE`; "
            "unlink it with `/orders disconnect #channel`.")
    return render("notice.json.j2", text="Linked channels", icon=":link:", body=body,
                  hint=hint)


def dead_letters_message(letters, total: int) -> dict:
    """Posts Slack refused for good (`/orders outbox`), newest first, with how to resend."""
    rows = [f"`#{d.id}` {mrkdwn(d.kind, 60)}"
            f"{' to <#' + d.channel + '>' if d.channel and d.channel[:1] in 'CGD' else ''}"
            f"{' to <@' + d.channel + '>' if d.channel and d.channel[:1] in 'UW' else ''}"
            f" · {when(d.created_at)} · _{mrkdwn(d.error, 200)}_" for d in letters]
    return undelivered_message(
        rows, total, what=f"post{'s' * (total != 1)} Slack refused for good",
        nothing="None: every post went out.", fallback="Undelivered posts",
        hint="Invite me where I'm missing (`/invite @Orderdesk`), then "
             "`/orders outbox retry <number>` or `/orders outbox retry all`.")


def flagged_text(result) -> str:
    """The answer to /order flag and the Flag modal: flagged, or flagged already."""
    d = result.discrepancy
    names = {"ref": mrkdwn(d.order_ref, 64), "channel": f"<#{d.channel_id}>",
             "status": label(d.status).lower(), "title": mrkdwn(d.title, 300)}
    if not result.created:
        return (_("You already flagged *%(ref)s* for that in %(channel)s; it is %(status)s.")
                if d.channel_id else
                _("You already flagged *%(ref)s* for that; it is %(status)s.")) % names
    return (_("Flagged *%(ref)s* in %(channel)s: %(title)s") if d.channel_id
            else _("Flagged *%(ref)s*: %(title)s")) % names

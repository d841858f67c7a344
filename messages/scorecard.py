"""The processor scorecard: each person's work against the period before. Pure: a
ScorecardView in, Block Kit out."""

from __future__ import annotations

from messages.digest import delta, hours, hours_delta, pct, period_label, pt
from messages.i18n import _, ngettext, number
from messages.render import render
from messages.text import mrkdwn, when

PEOPLE_PER_SECTION = 8


def scorecard_message(view, *, ephemeral: bool = False) -> dict:
    """The team's scorecard, or (one row, `ephemeral`) one person's own."""
    own = ephemeral and len(view.rows) == 1
    title = _("Your scorecard") if own else _("Processor scorecard")
    heading = f"{title} · {period_label(view.period)}" + (
        " " + _("(so far)") if view.partial else "")
    rows = [_line(row) for row in view.rows]
    chunks = ["\n".join(rows[i:i + PEOPLE_PER_SECTION])
              for i in range(0, len(rows), PEOPLE_PER_SECTION)]
    return render(
        "scorecard_message.json.j2", ephemeral=ephemeral, heading=heading,
        fallback=ngettext("{heading}: {n} person", "{heading}: {n} people", len(view.rows))
        .format(heading=heading, n=len(view.rows)),
        context=_("{zone} · compared with {previous} · built {when}").format(
            zone=mrkdwn(view.timezone), previous=period_label(view.period.previous()),
            when=when(view.built_at)),
        fields=_fields(view.rows[0]) if own else [],
        chunks=[] if own else (chunks or ["_" + _("Nobody on the desk yet.") + "_"]))


def _who(figures) -> str:
    return f"*{mrkdwn(figures.name, 80)}*" if figures.name else f"<@{mrkdwn(figures.user_id)}>"


def _line(row) -> str:
    cur, prev = row.current, row.previous
    return f"{_who(cur)} — " + _(
        "entered {entered} {entered_change} · edits {edits} · resolved {resolved} "
        "{resolved_change}, median {median} · re-flagged {reflagged} ({error_rate}) · "
        "approvals requested {approvals}").format(
        entered=number(cur.orders_entered),
        entered_change=delta(cur.orders_entered, prev.orders_entered), edits=number(cur.edits),
        resolved=number(cur.resolved), resolved_change=delta(cur.resolved, prev.resolved),
        median=hours(cur.resolve_median_hours), reflagged=number(cur.reflagged),
        error_rate=pct(cur.error_rate), approvals=number(cur.approvals_requested))


def _fields(row) -> list[str]:
    cur, prev = row.current, row.previous

    def field(name, value, change):
        return f"*{name}*\n{value}  {change}".rstrip()

    return [
        field(_("Orders entered"), number(cur.orders_entered),
              delta(cur.orders_entered, prev.orders_entered)),
        field(_("Edits"), number(cur.edits), delta(cur.edits, prev.edits)),
        field(_("Discrepancies resolved"), number(cur.resolved),
              delta(cur.resolved, prev.resolved)),
        field(_("Median time to resolve"), hours(cur.resolve_median_hours),
              hours_delta(cur.resolve_median_hours, prev.resolve_median_hours)),
        field(_("Re-flagged after resolving"),
              f"{number(cur.reflagged)} ({pct(cur.error_rate)})",
              pt(cur.error_rate, prev.error_rate)),
        field(_("Approvals requested"), number(cur.approvals_requested),
              delta(cur.approvals_requested, prev.approvals_requested)),
    ]


__all__ = ["scorecard_message"]

"""The processor scorecard: each person's work against the period before. Pure: a
ScorecardView in, Block Kit out."""

from __future__ import annotations

from messages.digest import delta, hours, hours_delta, pct, pt
from messages.render import render
from messages.text import mrkdwn, when

PEOPLE_PER_SECTION = 8


def scorecard_message(view, *, ephemeral: bool = False) -> dict:
    """The team's scorecard, or (one row, `ephemeral`) one person's own."""
    own = ephemeral and len(view.rows) == 1
    title = "Your scorecard" if own else "Processor scorecard"
    heading = f"{title} · {view.period.label()}" + (" (so far)" if view.partial else "")
    rows = [_line(row) for row in view.rows]
    chunks = ["\n".join(rows[i:i + PEOPLE_PER_SECTION])
              for i in range(0, len(rows), PEOPLE_PER_SECTION)]
    return render(
        "scorecard_message.json.j2", ephemeral=ephemeral, heading=heading,
        fallback=f"{heading}: {len(view.rows)} people",
        context=(f"{mrkdwn(view.timezone)} · compared with {view.period.previous().label()} · "
                 f"built {when(view.built_at)}"),
        fields=_fields(view.rows[0]) if own else [],
        chunks=[] if own else (chunks or ["_Nobody on the desk yet._"]))


def _who(figures) -> str:
    return f"*{mrkdwn(figures.name, 80)}*" if figures.name else f"<@{mrkdwn(figures.user_id)}>"


def _line(row) -> str:
    cur, prev = row.current, row.previous
    return (f"{_who(cur)} — entered {cur.orders_entered:,} "
            f"{delta(cur.orders_entered, prev.orders_entered)} · edits {cur.edits:,} · "
            f"resolved {cur.resolved:,} {delta(cur.resolved, prev.resolved)}, median "
            f"{hours(cur.resolve_median_hours)} · re-flagged {cur.reflagged:,} "
            f"({pct(cur.error_rate)}) · approvals requested {cur.approvals_requested:,}")


def _fields(row) -> list[str]:
    cur, prev = row.current, row.previous

    def field(name, value, change):
        return f"*{name}*\n{value}  {change}".rstrip()

    return [
        field("Orders entered", f"{cur.orders_entered:,}",
              delta(cur.orders_entered, prev.orders_entered)),
        field("Edits", f"{cur.edits:,}", delta(cur.edits, prev.edits)),
        field("Discrepancies resolved", f"{cur.resolved:,}", delta(cur.resolved, prev.resolved)),
        field("Median time to resolve", hours(cur.resolve_median_hours),
              hours_delta(cur.resolve_median_hours, prev.resolve_median_hours)),
        field("Re-flagged after resolving", f"{cur.reflagged:,} ({pct(cur.error_rate)})",
              pt(cur.error_rate, prev.error_rate)),
        field("Approvals requested", f"{cur.approvals_requested:,}",
              delta(cur.approvals_requested, prev.approvals_requested)),
    ]


__all__ = ["scorecard_message"]

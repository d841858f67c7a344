"""Digest and report messages: the figures with their change, drill-down lists, subscriptions.

Pure: views in, Block Kit dicts out. Text that carries user data (customer names, channel
ids typed by people) is escaped here; the templates only place it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from messages.actions import DigestActions
from messages.i18n import in_language
from messages.metadata import Metadata
from messages.render import render
from messages.text import count, day, label, money, mrkdwn, sections_of, when
from store.periods import CUSTOM, Period

ROWS_PER_SECTION = 10
KIND_TITLES = {"daily": "Daily digest", "weekly": "Weekly digest", "monthly": "Monthly digest",
               CUSTOM: "Report"}
DRILLS = (("late", "Late"), ("past_due", "Past due"), ("short", "Not in full"),
          ("imperfect", "Not perfect"), ("returned", "Returns"), ("backlog", "Backlog"))
DRILL_TITLES = {"late": "Due in the period, not shipped on time",
                "past_due": "Past due at the end of the period",
                "short": "Shipped, not every unit yet",
                "imperfect": "Not perfect orders", "returned": "Orders with a return opened",
                "backlog": "Backlog at the end of the period"}
REASONS = {"late": "late", "not_in_full": "not in full",
           "problem_shipment": "damaged or bad documents", "returned": "returned",
           "unshipped": "not shipped", "past_due": "past due"}


@dataclass(frozen=True)
class DrillRef(Metadata):
    """A drill-down button's value: which list, over which period, read in which zone. Short
    keys: digests posted in channels carry them."""

    KEYS = {"kind": "k", "period_kind": "p", "start": "s", "end": "e", "timezone": "z"}

    kind: str
    period_kind: str
    start: str
    end: str
    timezone: str

    @property
    def period(self) -> Period:
        return Period(self.period_kind, date.fromisoformat(self.start),
                      date.fromisoformat(self.end))


def digest_message(view, *, ephemeral: bool = False, title: str | None = None) -> dict:
    """The digest (posted by the clock) or an on-demand report (`ephemeral`)."""
    cur, prev = view.current, view.previous
    title = title or KIND_TITLES.get(view.period.kind, "Report")
    heading = f"{title} · {view.period.label()}" + (" (so far)" if view.partial else "")
    return render(
        "digest_message.json.j2", ephemeral=ephemeral, heading=heading,
        fallback=f"{heading}: {count(cur.orders_received, 'order')} received, "
                 f"{cur.orders_shipped:,} shipped",
        context=(f"{mrkdwn(view.timezone)} · compared with {view.period.previous().label()} · "
                 f"built {when(view.built_at)}"),
        empty=cur.is_empty, volume=volume_fields(view),
        delivery=delivery_fields(view), service=service_fields(cur, prev),
        triage=triage_text(view), customers=customers_text(view.top_customers),
        buttons=drill_buttons(view),
    )


def volume_fields(view) -> list[str]:
    """Counts over the period (flows) change per day when the two periods differ in length
    (a 28-day February against a 31-day January); the backlog is a level, compared as is."""
    cur, prev = view.current, view.previous
    flow = _flow_delta(len(view.period.days), len(view.period.previous().days))
    return [
        _field("Orders received", _count(cur.orders_received),
               flow(cur.orders_received, prev.orders_received)),
        _field("Lines received", _count(cur.lines_received),
               flow(cur.lines_received, prev.lines_received)),
        _field("Value received", _values(cur.value_received),
               _value_delta(cur.value_received, prev.value_received, flow)),
        _field("Orders shipped", _count(cur.orders_shipped),
               flow(cur.orders_shipped, prev.orders_shipped)),
        _field("Returns opened", _count(cur.orders_returned),
               flow(cur.orders_returned, prev.orders_returned)),
        _field("Backlog at the end", _count(cur.backlog), delta(cur.backlog, prev.backlog)),
    ]


def _flow_delta(days: int, days_before: int):
    """delta(), or when the periods differ in length, the change of the daily average."""
    if days == days_before or not days or not days_before:
        return delta

    def per_day(now: int, before: int, before_text: str | None = None) -> str:
        shown = before_text if before_text is not None else f"{before:,}"
        if not before:
            return f"(before {shown} in {days_before} days)"
        change = (now / days - before / days_before) / (before / days_before) * 100
        if abs(change) < 0.05:
            return f"(= per day; {shown} in {days_before} days)"
        return (f"({'▲' if change > 0 else '▼'} {abs(change):.1f}% per day vs {shown} in "
                f"{days_before} days)")

    return per_day


def delivery_fields(view) -> list[str]:
    """Orders due in the period: on time, in full on time, how the rest stand; and the orders
    past due at the end, by days past their due date."""
    cur, prev = view.current, view.previous
    ages = " · ".join(f"{b.label} {b.count:,}" for b in view.past_due_by_age)
    return [
        _field("On time", pct(cur.on_time_rate), pt(cur.on_time_rate, prev.on_time_rate)),
        _field("In full on time (OTIF)", pct(cur.otif_rate),
               pt(cur.otif_rate, prev.otif_rate)),
        _field("Due", _count(cur.orders_due), delta(cur.orders_due, prev.orders_due))
        + f"\n{cur.due_on_time:,} on time · {cur.due_shipped_late:,} shipped late · "
          f"{cur.due_not_shipped:,} not shipped",
        _field("Past due at the end", _count(cur.past_due), delta(cur.past_due, prev.past_due))
        + (f"\n{ages}" if cur.past_due else ""),
    ]


def service_fields(cur, prev) -> list[str]:
    rates = (("Order fill rate", "order_fill_rate"), ("Line fill rate", "line_fill_rate"),
             ("Complete in first shipment", "first_shipment_fill_rate"),
             ("Perfect orders", "perfect_order_rate"),
             ("Backorder rate", "backorder_rate"),
             ("Returned within 30 days", "return_rate"),
             ("… of which approved", "return_approved_rate"),
             ("… received back", "return_received_rate"))
    fields = [_field(name, pct(getattr(cur, attr)), pt(getattr(cur, attr),
                                                         getattr(prev, attr)))
              for name, attr in rates]
    fields.append(_field("Cycle time, median", hours(cur.cycle_median_hours),
                         hours_delta(cur.cycle_median_hours, prev.cycle_median_hours)))
    fields.append(_field("Cycle time, 90th percentile", hours(cur.cycle_p90_hours),
                         hours_delta(cur.cycle_p90_hours, prev.cycle_p90_hours)))
    return fields


def triage_text(view) -> str:
    cur, prev = view.current, view.previous
    flow = _flow_delta(len(view.period.days), len(view.period.previous().days))
    lines = [f"*Discrepancies* opened {cur.discrepancies_opened:,} "
             f"{flow(cur.discrepancies_opened, prev.discrepancies_opened)} · resolved "
             f"{cur.discrepancies_resolved:,} "
             f"{flow(cur.discrepancies_resolved, prev.discrepancies_resolved)} · median time "
             f"to resolve {hours(cur.resolve_median_hours)} "
             f"{hours_delta(cur.resolve_median_hours, prev.resolve_median_hours)}"]
    for row in view.discrepancy_types[:8]:
        lines.append(f"• {mrkdwn(label(row.type))}: opened {row.opened} "
                     f"(before {row.previous_opened}), resolved {row.resolved} "
                     f"(before {row.previous_resolved})")
    ages = " · ".join(f"{b.label} {b.count}" for b in view.open_by_age)
    lines.append(f"Open at the end: {ages}")
    return "\n".join(lines)


def customers_text(customers) -> str:
    if not customers:
        return "_No orders received._"
    return "\n".join(
        f"{n}. {mrkdwn(c.name, 120)} (`{mrkdwn(c.code, 40)}`) — {count(c.orders, 'order')} "
        f"(before {c.previous_orders:,}) · {_values(c.value)}"
        for n, c in enumerate(customers, start=1))


def drill_buttons(view) -> list[dict]:
    cur = view.current
    counts = {"late": cur.orders_due - cur.due_on_time, "past_due": cur.past_due,
              "short": cur.orders_shipped - cur.shipped_complete,
              "imperfect": cur.orders_shipped - cur.shipped_perfect,
              "returned": cur.orders_returned, "backlog": cur.backlog}
    return [{"action_id": f"{DigestActions.DRILL}:{kind}", "text": f"{name} ({counts[kind]:,})",
             "value": DrillRef(kind, view.period.kind, view.period.start.isoformat(),
                               view.period.end.isoformat(), view.timezone).dumps()}
            for kind, name in DRILLS if counts[kind] > 0]


def drill_message(view) -> dict:
    """The orders behind one figure, as an ephemeral list."""
    title = f"{DRILL_TITLES.get(view.kind, view.kind)} · {view.period.label()}"
    shown = len(view.orders)
    summary = (count(view.total, "order") + (f", the first {shown} shown" if shown < view.total
                                           else "")) if view.total else "No orders."
    rows = [_drill_row(o) for o in view.orders]
    chunks = ["\n".join(rows[i:i + ROWS_PER_SECTION])
              for i in range(0, len(rows), ROWS_PER_SECTION)]
    return render("digest_drill.json.j2", title=title, summary=summary, chunks=chunks)


def _drill_row(order) -> str:
    parts = [f"`{mrkdwn(order.ref, 64)}` {mrkdwn(order.customer_name, 80)}",
             f"ordered {day(order.ordered_at)}"]
    if order.due_date:
        parts.append(f"due {day(order.due_date)}")
    if order.first_shipped_at:
        parts.append(f"shipped {day(order.first_shipped_at)}")
    if order.rma:
        parts.append(mrkdwn(order.rma, 32))
    reasons = ", ".join(REASONS.get(r, r) for r in order.reasons)
    return " · ".join(parts) + (f" — _{reasons}_" if reasons else "")


EXPORT_NAMES = {"csv": "the CSV files", "xlsx": "the workbook"}


def working_message(period, *, export: str | None = None) -> dict:
    """The instant answer to a report command while the figures are counted: says where the
    answer will go (here, or a file in the asker's DMs)."""
    follow = (f"{EXPORT_NAMES[export]} will be in your DMs in a moment" if export
              else "the figures follow in a moment")
    text = f"Counting {period.label()}… {follow}."
    return render("notice.json.j2", text=text, icon=":hourglass_flowing_sand:",
                  body=mrkdwn(text), hint=None)


SUBSCRIPTIONS_PAGE = 50  # rows per `/orders digest list` page: a few sections, far below 50 blocks


def subscriptions_message(subscriptions, *, page: int = 1) -> dict:
    """One page of the subscriptions, split into sections Slack accepts (3,000 characters
    each); the footer names the next page's command."""
    pages = max(1, -(-len(subscriptions) // SUBSCRIPTIONS_PAGE))
    page = min(max(1, page), pages)
    shown = subscriptions[(page - 1) * SUBSCRIPTIONS_PAGE:page * SUBSCRIPTIONS_PAGE]
    rows = [f"`#{s.id}` *{s.period}*{' scorecard' if s.report == 'scorecard' else ''} in "
            f"<#{mrkdwn(s.channel_id, 32)}> at {mrkdwn(s.at_time)} "
            f"{mrkdwn(s.timezone, 64)}{in_language(s.language)} · last posted "
            f"{when(s.last_posted_at) if s.last_posted_at else 'never'}" for s in shown]
    title = "*Digest subscriptions*" + (f" (page {page} of {pages})" if pages > 1 else "")
    if not rows:
        rows = ["No digest subscriptions yet. `/orders digest subscribe weekly #channel` "
                "starts one."]
    more = (f"`/orders digest list {page + 1}` shows the next {SUBSCRIPTIONS_PAGE}; "
            if page < pages else "")
    return render("digest_subscriptions.json.j2", sections=sections_of(rows, first=title),
                  more=more)


# --- formatting ---


def _field(name: str, value: str, change: str) -> str:
    return f"*{name}*\n{value}  {change}".rstrip()


def _count(n: int) -> str:
    return f"{n:,}"


def delta(now: int, before: int, before_text: str | None = None) -> str:
    shown = before_text if before_text is not None else f"{before:,}"
    if now == before:
        return "(= before)"
    if not before:
        return f"(before {shown})"
    change = (now - before) / before * 100
    return f"({'▲' if change > 0 else '▼'} {abs(change):.1f}% vs {shown})"


def _values(values) -> str:
    return " + ".join(money(v.minor, v.currency) for v in values) or "0"


def _value_delta(now, before, change=None) -> str:
    if len({v.currency for v in (*now, *before)}) > 1:  # no percentage across currencies
        return f"(before {_values(before)})"
    return (change or delta)(now[0].minor if now else 0, before[0].minor if before else 0,
                             _values(before))


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def pt(now: float | None, before: float | None) -> str:
    """The change in points between the two rates as shown (one decimal), so the reader's
    own subtraction agrees with it."""
    if now is None or before is None:
        return f"(before {pct(before)})"
    points = round(now * 100, 1) - round(before * 100, 1)
    if abs(points) < 0.05:
        return f"(= {pct(before)})"
    return f"({'▲' if points > 0 else '▼'} {abs(points):.1f} pt vs {pct(before)})"


def hours(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f} h" if value < 72 else f"{value / 24:.1f} days"


def hours_delta(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return f"(before {hours(before)})"
    if abs(now - before) < 0.05:
        return f"(= {hours(before)})"
    return f"({'▲' if now > before else '▼'} {abs(now - before):.1f} h vs {hours(before)})"


__all__ = ["DrillRef", "delta", "digest_message", "drill_message", "hours", "hours_delta",
           "pct", "pt", "subscriptions_message", "working_message"]

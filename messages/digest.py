"""Digest and report messages: the figures with their change, drill-down lists, subscriptions.

Pure: views in, Block Kit dicts out. Text that carries user data (customer names, channel
ids typed by people) is escaped here; the templates only place it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from messages import i18n
from messages.actions import DigestActions
from messages.i18n import N_, _, in_language, ngettext
from messages.metadata import Metadata
from messages.render import render
from messages.text import count, day, label, money, mrkdwn, sections_of, when
from store.periods import CUSTOM, Period, local_date

KIND_TITLES = {"daily": N_("Daily digest"), "weekly": N_("Weekly digest"),
               "monthly": N_("Monthly digest"), CUSTOM: N_("Report")}
DRILLS = (("late", N_("Late")), ("past_due", N_("Past due")), ("short", N_("Not in full")),
          ("imperfect", N_("Not perfect")), ("returned", N_("Returns")),
          ("backlog", N_("Backlog")))
# The age buckets' words (store.metrics), translated where they are shown.
AGES = (N_("under 1 day"), N_("1–3 days"), N_("3–7 days"), N_("7 days or more"),
        N_("4–7 days"), N_("8–30 days"), N_("over 30 days"))
DRILL_TITLES = {"late": "Due in the period, not shipped on time",
                "past_due": "Past due at the end of the period",
                "short": "Shipped, not every unit yet",
                "imperfect": "Not perfect orders", "returned": "Orders with a return opened",
                "backlog": "Backlog at the end of the period"}
REASONS = {"late": "late", "not_in_full": "not in full",
           "problem_shipment": "damaged or bad documents", "returned": "returned",
           "unshipped": "not shipped", "past_due": "past due"}
NOT_SHIPPED_THEN = "not shipped by the period's end"


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
    title = _(title or KIND_TITLES.get(view.period.kind, "Report"))
    heading = f"{title} · {period_label(view.period)}" + (
        " " + _("(so far)") if view.partial else "")
    return render(
        "digest_message.json.j2", ephemeral=ephemeral, heading=heading,
        fallback=_("{heading}: {received} received, {shipped} shipped").format(
            heading=heading, received=_orders(cur.orders_received),
            shipped=_count(cur.orders_shipped)),
        context=_("{zone} · compared with {previous} · built {when}").format(
            zone=mrkdwn(view.timezone), previous=period_label(view.period.previous()),
            when=when(view.built_at)),
        empty=cur.is_empty, volume=volume_fields(view),
        delivery=delivery_fields(view), service=service_fields(cur, prev),
        triage=triage_text(view), customers=customers_text(view.top_customers),
        buttons=drill_buttons(view),
    )


def period_label(period) -> str:
    """The period as the reader says it: store.periods' label in English (as before)."""
    if i18n.language() == i18n.ENGLISH:
        return period.label()
    first, last = period.start, period.last_day
    if period.kind == "daily":
        return i18n.local_day(first, i18n.SHORT_DAY)
    if period.kind == "monthly":
        return i18n.local_day(first, "LLLL y")
    if first == last:
        span = i18n.local_day(first, "d MMM y")
    elif (first.year, first.month) == (last.year, last.month):
        span = f"{first.day}–{i18n.local_day(last, 'd MMM y')}"
    elif first.year == last.year:
        span = f"{i18n.local_day(first, 'd MMM')} – {i18n.local_day(last, 'd MMM y')}"
    else:
        span = f"{i18n.local_day(first, 'd MMM y')} – {i18n.local_day(last, 'd MMM y')}"
    if period.kind == "weekly":
        week = first.isocalendar()
        return _("Week {week} {year}, {span}").format(week=week.week, year=week.year, span=span)
    return span


def chart_title(period) -> str:
    """The title of the digest's chart (posted in its thread)."""
    return _("Orders and discrepancy rate · {period}").format(period=period_label(period))


def volume_fields(view) -> list[str]:
    """Counts over the period (flows) change per day when the two periods differ in length
    (a 28-day February against a 31-day January); the backlog is a level, compared as is."""
    cur, prev = view.current, view.previous
    flow = _flow_delta(len(view.period.days), len(view.period.previous().days))
    return [
        _field(_("Orders received"), _count(cur.orders_received),
               flow(cur.orders_received, prev.orders_received)),
        _field(_("Lines received"), _count(cur.lines_received),
               flow(cur.lines_received, prev.lines_received)),
        _field(_("Value received"), _values(cur.value_received),
               _value_delta(cur.value_received, prev.value_received, flow)),
        _field(_("Orders shipped"), _count(cur.orders_shipped),
               flow(cur.orders_shipped, prev.orders_shipped)),
        _field(_("Returns opened"), _count(cur.orders_returned),
               flow(cur.orders_returned, prev.orders_returned)),
        _field(_("Backlog at the end"), _count(cur.backlog), delta(cur.backlog, prev.backlog)),
    ]


def _flow_delta(days: int, days_before: int):
    """delta(), or when the periods differ in length, the change of the daily average."""
    if days == days_before or not days or not days_before:
        return delta

    def per_day(now: int, before: int, before_text: str | None = None) -> str:
        shown = before_text if before_text is not None else _count(before)
        if not before:
            return _("(before {shown} in {days} days)").format(shown=shown, days=days_before)
        change = (now / days - before / days_before) / (before / days_before) * 100
        if abs(change) < 0.05:
            return _("(= per day; {shown} in {days} days)").format(shown=shown,
                                                                   days=days_before)
        return _("({arrow} {change}% per day vs {shown} in {days} days)").format(
            arrow=_arrow(change), change=i18n.number(abs(change), 1, group=False), shown=shown,
            days=days_before)

    return per_day


def delivery_fields(view) -> list[str]:
    """Orders due in the period: on time, in full on time, how the rest stand; and the orders
    past due at the end, by days past their due date."""
    cur, prev = view.current, view.previous
    ages = " · ".join(f"{_(b.label)} {_count(b.count)}" for b in view.past_due_by_age)
    return [
        _field(_("On time"), pct(cur.on_time_rate), pt(cur.on_time_rate, prev.on_time_rate)),
        _field(_("In full on time (OTIF)"), pct(cur.otif_rate),
               pt(cur.otif_rate, prev.otif_rate)),
        _field(_("Due"), _count(cur.orders_due), delta(cur.orders_due, prev.orders_due))
        + "\n" + _("{on_time} on time · {late} shipped late · {not_shipped} not shipped").format(
            on_time=_count(cur.due_on_time), late=_count(cur.due_shipped_late),
            not_shipped=_count(cur.due_not_shipped)),
        _field(_("Past due at the end"), _count(cur.past_due),
               delta(cur.past_due, prev.past_due))
        + (f"\n{ages}" if cur.past_due else ""),
    ]


def service_fields(cur, prev) -> list[str]:
    rates = ((N_("Order fill rate"), "order_fill_rate"),
             (N_("Line fill rate"), "line_fill_rate"),
             (N_("Complete in first shipment"), "first_shipment_fill_rate"),
             (N_("Perfect orders"), "perfect_order_rate"),
             (N_("Backorder rate"), "backorder_rate"),
             (N_("Returned within 30 days"), "return_rate"),
             (N_("… of which approved"), "return_approved_rate"),
             (N_("… received back"), "return_received_rate"))
    fields = [_field(_(name), pct(getattr(cur, attr)), pt(getattr(cur, attr),
                                                            getattr(prev, attr)))
              for name, attr in rates]
    fields.append(_field(_("Cycle time, median"), hours(cur.cycle_median_hours),
                         hours_delta(cur.cycle_median_hours, prev.cycle_median_hours)))
    fields.append(_field(_("Cycle time, 90th percentile"), hours(cur.cycle_p90_hours),
                         hours_delta(cur.cycle_p90_hours, prev.cycle_p90_hours)))
    return fields


def triage_text(view) -> str:
    cur, prev = view.current, view.previous
    flow = _flow_delta(len(view.period.days), len(view.period.previous().days))
    lines = [_("*Discrepancies* opened {opened} {opened_change} · resolved {resolved} "
               "{resolved_change} · median time to resolve {median} {median_change}").format(
        opened=_count(cur.discrepancies_opened),
        opened_change=flow(cur.discrepancies_opened, prev.discrepancies_opened),
        resolved=_count(cur.discrepancies_resolved),
        resolved_change=flow(cur.discrepancies_resolved, prev.discrepancies_resolved),
        median=hours(cur.resolve_median_hours),
        median_change=hours_delta(cur.resolve_median_hours, prev.resolve_median_hours))]
    for row in view.discrepancy_types[:8]:
        lines.append("• " + _("{type}: opened {opened} (before {opened_before}), resolved "
                              "{resolved} (before {resolved_before})").format(
            type=mrkdwn(label(row.type)), opened=row.opened, opened_before=row.previous_opened,
            resolved=row.resolved, resolved_before=row.previous_resolved))
    ages = " · ".join(f"{_(b.label)} {b.count}" for b in view.open_by_age)
    lines.append(_("Open at the end: {ages}").format(ages=ages))
    return "\n".join(lines)


def customers_text(customers) -> str:
    if not customers:
        return "_" + _("No orders received.") + "_"
    return "\n".join(
        f"{n}. {mrkdwn(c.name, 120)} (`{mrkdwn(c.code, 40)}`) — " + _(
            "{orders} (before {before}) · {value}").format(
            orders=_orders(c.orders), before=_count(c.previous_orders), value=_values(c.value))
        for n, c in enumerate(customers, start=1))


def drill_buttons(view) -> list[dict]:
    cur = view.current
    counts = {"late": cur.orders_due - cur.due_on_time, "past_due": cur.past_due,
              "short": cur.orders_shipped - cur.shipped_complete,
              "imperfect": cur.orders_shipped - cur.shipped_perfect,
              "returned": cur.orders_returned, "backlog": cur.backlog}
    return [{"action_id": f"{DigestActions.DRILL}:{kind}",
             "text": f"{_(name)} ({_count(counts[kind])})",
             "value": DrillRef(kind, view.period.kind, view.period.start.isoformat(),
                               view.period.end.isoformat(), view.timezone).dumps()}
            for kind, name in DRILLS if counts[kind] > 0]


def drill_message(view) -> dict:
    """The orders behind one figure, as an ephemeral list."""
    title = f"{DRILL_TITLES.get(view.kind, view.kind)} · {view.period.label()}"
    shown = len(view.orders)
    summary = (count(view.total, "order") + (f", the first {shown} shown" if shown < view.total
                                           else "")) if view.total else "No orders."
    # As many rows to a section as fit its 3,000 characters: ten with long refs, names, an RMA
    # and every reason were more (Slack refused the list). Twenty rows at most (DRILL_LIMIT).
    chunks = sections_of([_drill_row(o, view.timezone) for o in view.orders])
    return render("digest_drill.json.j2", title=title, summary=summary, chunks=chunks)


def _drill_row(order, timezone: str) -> str:
    """One order of a drill list, its days read in the report's zone, as its figure counted
    them (a UTC day put a UTC+14 order shipped on its due day among the late ones)."""
    def on(moment) -> str:
        return day(local_date(moment, timezone))

    parts = [f"`{mrkdwn(order.ref, 64)}` {mrkdwn(order.customer_name, 80)}",
             f"ordered {on(order.ordered_at)}"]
    if order.due_date:
        parts.append(f"due {day(order.due_date)}")
    if order.first_shipped_at:
        parts.append(f"shipped {on(order.first_shipped_at)}")
    if order.rma:
        parts.append(mrkdwn(order.rma, 32))
    # In the backlog, an order that shipped after the period was not shipped at its end.
    shipped_since = order.first_shipped_at is not None
    reasons = ", ".join(NOT_SHIPPED_THEN if r == "unshipped" and shipped_since
                        else REASONS.get(r, r) for r in order.reasons)
    return " · ".join(parts) + (f" — _{reasons}_" if reasons else "")


def working_message(period, *, export: str | None = None) -> dict:
    """The instant answer to a report command while the figures are counted: says where the
    answer will go (here, or a file in the asker's DMs)."""
    names = {"period": period_label(period)}
    text = (_("Counting %(period)s… the CSV files will be in your DMs in a moment.")
            if export == "csv" else
            _("Counting %(period)s… the workbook will be in your DMs in a moment.")
            if export == "xlsx" else
            _("Counting %(period)s… the figures follow in a moment.")) % names
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
    return i18n.number(n)


def _orders(n: int) -> str:
    """"1 order", "1,204 orders" in the reader's language."""
    return ngettext("{n} order", "{n} orders", n).format(n=_count(n))


def _arrow(change: float) -> str:
    return "▲" if change > 0 else "▼"


def delta(now: int, before: int, before_text: str | None = None) -> str:
    shown = before_text if before_text is not None else _count(before)
    if now == before:
        return _("(= before)")
    if not before:
        return _("(before {shown})").format(shown=shown)
    change = (now - before) / before * 100
    return _("({arrow} {change}% vs {shown})").format(
        arrow=_arrow(change), change=i18n.number(abs(change), 1, group=False), shown=shown)


def _values(values) -> str:
    return " + ".join(money(v.minor, v.currency) for v in values) or "0"


def _value_delta(now, before, change=None) -> str:
    if len({v.currency for v in (*now, *before)}) > 1:  # no percentage across currencies
        return _("(before {shown})").format(shown=_values(before))
    return (change or delta)(now[0].minor if now else 0, before[0].minor if before else 0,
                             _values(before))


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{i18n.number(_points(rate), 1, group=False)}%"


def _points(rate: float) -> float:
    """A rate in percent to one decimal, never rounded onto 100 or 0 when it isn't: 1,999 of
    2,000 on time read "100.0%", as if none was late."""
    shown = round(rate * 100, 1)
    if rate < 1 and shown >= 100:
        return 99.9
    if rate > 0 and shown <= 0:
        return 0.1
    return shown


def pt(now: float | None, before: float | None) -> str:
    """The change in points between the two rates as shown (one decimal), so the reader's
    own subtraction agrees with it."""
    if now is None or before is None:
        return _("(before {shown})").format(shown=pct(before))
    points = _points(now) - _points(before)
    if abs(points) < 0.05:
        return f"(= {pct(before)})"
    return _("({arrow} {points} pt vs {shown})").format(
        arrow=_arrow(points), points=i18n.number(abs(points), 1, group=False), shown=pct(before))


def hours(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 72:
        return _("{n} h").format(n=i18n.number(value, 1, group=False))
    return _("{n} days").format(n=i18n.number(value / 24, 1, group=False))


def hours_delta(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return _("(before {shown})").format(shown=hours(before))
    if abs(now - before) < 0.05:
        return f"(= {hours(before)})"
    return _("({arrow} {n} h vs {shown})").format(
        arrow=_arrow(now - before), n=i18n.number(abs(now - before), 1, group=False),
        shown=hours(before))


__all__ = ["DrillRef", "delta", "digest_message", "drill_message", "hours", "hours_delta",
           "pct", "pt", "subscriptions_message", "working_message"]

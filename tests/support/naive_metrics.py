"""A second, deliberately naive implementation of every digest figure (no tests here).

It loads every row into plain Python objects and applies the README's definitions one order
at a time, with zoneinfo for local days: no SQL aggregates, nothing imported from
store.metrics or store.periods, so a mistake shared with the product is unlikely. Slow and
obvious on purpose; tests/store/metrics/test_against_naive.py compares it with the product.

    desk = load_desk(db)
    figures = naive_digest(desk, start_day, end_day, previous_start_day, "Europe/Berlin", now)
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from store.models import Customer, Discrepancy, Order, Return, Shipment

RETURN_STAGES = (("requested", "awaiting_approval", "approved", "received", "closed", "rejected"),
                 ("approved", "received", "closed"), ("received", "closed"))
PAST_DUE_DAYS = (3, 7, 30, None)  # up to 3 days past the due date, up to 7, 30, more
AGES = (("under 1 day", 1), ("1–3 days", 3), ("3–7 days", 7), ("7 days or more", None))


@dataclass
class NaiveLine:
    id: int
    quantity: int
    price: int
    backordered: int


@dataclass
class NaiveShipment:
    at: datetime
    replacement: bool
    damaged: bool
    documents_ok: bool
    units: dict[int, int]  # order line id -> units


@dataclass
class NaiveOrder:
    id: int
    customer: int
    status: str
    ordered_at: datetime
    currency: str
    due: date | None
    lines: list[NaiveLine] = field(default_factory=list)
    shipments: list[NaiveShipment] = field(default_factory=list)
    returns: list[tuple[datetime, str]] = field(default_factory=list)  # opened, status

    @property
    def own_shipments(self) -> list[NaiveShipment]:
        return [s for s in self.shipments if not s.replacement]

    @property
    def first_shipped(self) -> datetime | None:
        own = self.own_shipments
        return min(s.at for s in own) if own else None

    def line_done(self, line: NaiveLine) -> datetime | None:
        """The first moment the line's units shipped (own shipments) reach its quantity."""
        for moment in sorted({s.at for s in self.own_shipments}):
            if sum(s.units.get(line.id, 0) for s in self.own_shipments
                   if s.at <= moment) >= line.quantity:
                return moment
        return None

    @property
    def complete_at(self) -> datetime | None:
        done = [self.line_done(line) for line in self.lines]
        return max(done) if done and None not in done else None


@dataclass
class NaiveDesk:
    orders: list[NaiveOrder]
    customers: dict[int, tuple[str, str, datetime]]  # id -> code, name, created_at
    discrepancies: list[tuple[str, datetime, datetime | None]]  # type, opened, resolved
    flagged: set[int] = field(default_factory=set)  # orders with a discrepancy


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def load_desk(db) -> NaiveDesk:
    with db.read() as s:
        orders = {}
        for o in s.scalars(select(Order)):
            due = o.promised_date or o.requested_date
            orders[o.id] = NaiveOrder(o.id, o.customer_id, str(o.status.value), _utc(o.ordered_at),
                                      o.currency, due,
                                      [NaiveLine(x.id, x.quantity, x.unit_price_minor,
                                                 x.quantity_backordered) for x in o.lines])
        for x in s.scalars(select(Shipment)):
            units: dict[int, int] = defaultdict(int)
            for item in x.lines:
                if item.order_line_id is not None:
                    units[item.order_line_id] += item.quantity
            orders[x.order_id].shipments.append(NaiveShipment(
                _utc(x.shipped_at), x.return_id is not None, bool(x.damaged),
                bool(x.documents_ok), dict(units)))
        for r in s.scalars(select(Return)):
            orders[r.order_id].returns.append((_utc(r.created_at), str(r.status.value)))
        customers = {c.id: (c.code, c.name, _utc(c.created_at))
                     for c in s.scalars(select(Customer))}
        rows = list(s.scalars(select(Discrepancy)))
        problems = [(str(d.type.value), _utc(d.opened_at),
                     _utc(d.resolved_at) if d.resolved_at else None) for d in rows]
    return NaiveDesk(list(orders.values()), customers, problems, {d.order_id for d in rows})


def midnight(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def nearest_rank(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[math.ceil(share * len(ordered)) - 1], 4)


def hours(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 3600


def received(order: NaiveOrder, start: datetime, end: datetime) -> bool:
    return order.status != "draft" and start <= order.ordered_at < end


def in_backlog(order: NaiveOrder, moment: datetime) -> bool:
    if order.ordered_at >= moment or order.status in ("draft", "canceled"):
        return False
    first = order.first_shipped
    return order.status == "open" if first is None else first >= moment


def returned_within(order: NaiveOrder, statuses: tuple[str, ...]) -> bool:
    """A return opened within 30 days of the first shipment, in one of `statuses`."""
    first = order.first_shipped
    return any(first <= opened < first + timedelta(days=30) and status in statuses
               for opened, status in order.returns)


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def in_full_on_time(order: NaiveOrder, timezone: str) -> bool:
    done = order.complete_at
    return done is not None and (order.due is None or local_day(done, timezone) <= order.due)


def due_in(order: NaiveOrder, first_day: date, end_day: date) -> bool:
    """Due in the period and still owed: not draft or canceled, not closed unshipped."""
    return (order.due is not None and first_day <= order.due < end_day
            and order.status not in ("draft", "canceled")
            and (order.status == "open" or order.first_shipped is not None))


def past_due(order: NaiveOrder, day: date, timezone: str) -> bool:
    moment = midnight(day, timezone)
    if (order.due is None or order.due >= day or order.ordered_at >= moment
            or order.status in ("draft", "canceled")):
        return False
    done = order.complete_at
    return done >= moment if done is not None else order.status == "open"


def past_due_day(end_day: date, timezone: str, now: datetime) -> date:
    """Past due is counted at the period's end, or, while it runs, at the start of today."""
    return min(end_day, local_day(now, timezone))


def period_figures(desk: NaiveDesk, first_day: date, end_day: date, timezone: str,
                   now: datetime) -> dict:
    start, end = midnight(first_day, timezone), midnight(end_day, timezone)
    got = [o for o in desk.orders if received(o, start, end)]
    shipped = [o for o in desk.orders
               if o.first_shipped is not None and start <= o.first_shipped < end]
    due = [o for o in desk.orders if due_in(o, first_day, end_day)]

    def by_due_date(moment: datetime | None, order: NaiveOrder) -> bool:
        return moment is not None and local_day(moment, timezone) <= order.due

    value: dict[str, int] = defaultdict(int)
    for o in got:
        for line in o.lines:
            value[o.currency] += line.quantity * line.price
    perfect = [o for o in shipped if in_full_on_time(o, timezone)
               and not any(s.damaged or not s.documents_ok for s in o.own_shipments)]
    opened = [d for d in desk.discrepancies if start <= d[1] < end]
    resolved = [d for d in desk.discrepancies if d[2] is not None and start <= d[2] < end]
    return {
        "orders_received": len(got),
        "lines_received": sum(len(o.lines) for o in got),
        "value_received": tuple(sorted(value.items())),
        "orders_backordered": sum(any(x.backordered > 0 for x in o.lines) for o in got),
        "orders_shipped": len(shipped),
        "shipped_complete": sum(o.complete_at is not None for o in shipped),
        "shipped_first_complete": sum(o.complete_at is not None
                                      and o.complete_at == o.first_shipped for o in shipped),
        "shipped_perfect": len(perfect),
        "lines_shipped": sum(len(o.lines) for o in shipped),
        "lines_filled": sum(o.line_done(x) is not None for o in shipped for x in o.lines),
        "orders_due": len(due),
        "due_on_time": sum(by_due_date(o.first_shipped, o) for o in due),
        "due_shipped_late": sum(o.first_shipped is not None
                                and not by_due_date(o.first_shipped, o) for o in due),
        "due_in_full_on_time": sum(by_due_date(o.complete_at, o) for o in due),
        "past_due": sum(past_due(o, past_due_day(end_day, timezone, now), timezone)
                        for o in desk.orders),
        "cycle_median_hours": nearest_rank([hours(o.first_shipped, o.ordered_at)
                                            for o in shipped], 0.5),
        "cycle_p90_hours": nearest_rank([hours(o.first_shipped, o.ordered_at)
                                         for o in shipped], 0.9),
        "orders_returned": sum(any(start <= r < end for r, _ in o.returns)
                               for o in desk.orders),
        "shipped_returned": sum(returned_within(o, RETURN_STAGES[0]) for o in shipped),
        "shipped_return_approved": sum(returned_within(o, RETURN_STAGES[1]) for o in shipped),
        "shipped_return_received": sum(returned_within(o, RETURN_STAGES[2]) for o in shipped),
        "backlog": sum(in_backlog(o, end) for o in desk.orders),
        "discrepancies_opened": len(opened),
        "discrepancies_resolved": len(resolved),
        "resolve_median_hours": nearest_rank([hours(d[2], d[1]) for d in resolved], 0.5),
        "opened_by_type": Counter(d[0] for d in opened),
        "resolved_by_type": Counter(d[0] for d in resolved),
    }


def naive_digest(desk: NaiveDesk, first_day: date, end_day: date, previous_first_day: date,
                 timezone: str, now: datetime) -> dict:
    """Every figure of the local days [first_day, end_day) and of the period before it
    (from previous_first_day to first_day)."""
    start, end = midnight(first_day, timezone), midnight(end_day, timezone)
    before = midnight(previous_first_day, timezone)
    current, previous = (period_figures(desk, first_day, end_day, timezone, now),
                         period_figures(desk, previous_first_day, first_day, timezone, now))
    days = []
    day = first_day
    while day < end_day:
        lo, hi = midnight(day, timezone), midnight(day + timedelta(days=1), timezone)
        days.append((day, sum(received(o, lo, hi) for o in desk.orders),
                     sum(lo <= d[1] < hi for d in desk.discrepancies),
                     sum(received(o, lo, hi) and o.id in desk.flagged for o in desk.orders)))
        day += timedelta(days=1)
    moment = min(end, now)
    ages = [0] * len(AGES)
    for _, opened, resolved in desk.discrepancies:
        if opened < moment and (resolved is None or resolved >= moment):
            age = moment - opened
            ages[next(i for i, (_, n) in enumerate(AGES)
                      if n is None or age < timedelta(days=n))] += 1
    late: list[int] = [0] * len(PAST_DUE_DAYS)
    at_day = past_due_day(end_day, timezone, now)
    for o in desk.orders:
        if past_due(o, at_day, timezone):
            days_late = (at_day - o.due).days
            late[next(i for i, n in enumerate(PAST_DUE_DAYS) if n is None or days_late <= n)] += 1
    return {"current": current, "previous": previous, "days": days, "open_by_age": ages,
            "past_due_by_age": late, "top_customers": _top(desk, (start, end), (before, start))}


def _top(desk: NaiveDesk, current: tuple, previous: tuple, limit: int = 5) -> list[tuple]:
    counts = Counter(o.customer for o in desk.orders if received(o, *current))
    ranked = sorted(counts, key=lambda c: (-counts[c], desk.customers[c][2], c))[:limit]
    found = []
    for cid in ranked:
        value: dict[str, int] = defaultdict(int)
        for o in desk.orders:
            if o.customer == cid and received(o, *current) and o.lines:
                value[o.currency] += sum(x.quantity * x.price for x in o.lines)
        found.append((desk.customers[cid][0], counts[cid], tuple(sorted(value.items())),
                      sum(o.customer == cid and received(o, *previous) for o in desk.orders)))
    return found

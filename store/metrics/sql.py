"""SQL building blocks for the metrics, one spelling per database where the two differ.

The shapes differ on purpose (measured in bench/digest_bench.py): SQLite has no hash
aggregation, so GROUP BY over an unsorted key sorts every row, while index probes are cheap;
PostgreSQL runs a correlated subquery once per row, while hash joins are cheap. So the
shipped-order cohort (the drill-down lists and the CSV; the digest's counts read the per-order
facts tables instead) is a per-row probe on SQLite and a GROUP BY plus anti-join on
PostgreSQL; both give the same orders and the same first-shipment times.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import (
    Date,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from store.models import Order, Shipment

ZERO = literal_column("0")  # a literal, not a parameter: SQLite matches partial indexes on it
NOT_COUNTED = ("draft",)  # drafts were never received
NOT_OWED = ("draft", "canceled")  # orders nobody waits for (backlog)


def ordinal(flag):
    """A boolean condition as 1/0, to SUM."""
    return case((flag, 1), else_=0)


def hours_between(dialect: str, later, earlier):
    if dialect == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 24.0
    return func.extract("epoch", later - earlier) / 3600.0


def local_day(dialect: str, moment, offsets):
    """The calendar day of a UTC timestamp in the report zone, at the offset in force at that
    instant: `offsets` is store.periods.utc_offsets() over the span the timestamps fall in
    (before its first entry the first offset applies)."""
    def at(offset: int):
        if dialect == "sqlite":
            return func.date(moment, f"{offset:+d} minutes")
        return cast(func.timezone("UTC", moment) + timedelta(minutes=offset), Date)

    if len(offsets) == 1:
        return at(offsets[0][1])
    later = list(zip(offsets[1:], offsets, strict=False))
    return case(*((moment < since, at(before)) for (since, _), (_, before) in later),
                else_=at(offsets[-1][1]))


def due_date():
    return func.coalesce(Order.promised_date, Order.requested_date)


def backordered_line(line):
    return line.quantity_backordered > ZERO


def problem_shipment(shipment):
    """Damaged, or its documents were wrong: a replacement shipment does not count."""
    return and_(shipment.return_id.is_(None),
                or_(shipment.damaged == true(), shipment.documents_ok == false()))


def first_shipments(dialect: str, start: datetime, end: datetime | None):
    """(order_id, first_at) of orders whose first non-replacement shipment left in
    [start, end); end None means "or later". Replacement shipments (return_id set) never
    count as an order's shipment."""
    if dialect == "sqlite":
        return _first_shipments_probed(start, end)
    return _first_shipments_grouped(start, end)


def _first_shipments_probed(start, end):
    s, e = aliased(Shipment, name="s"), aliased(Shipment, name="e")
    earlier = exists().where(
        e.order_id == s.order_id, e.return_id.is_(None),
        or_(e.shipped_at < s.shipped_at, and_(e.shipped_at == s.shipped_at, e.id < s.id)))
    where = [s.return_id.is_(None), s.shipped_at >= start, ~earlier]
    if end is not None:
        where.append(s.shipped_at < end)
    return (select(s.order_id.label("order_id"), s.shipped_at.label("first_at"))
            .where(*where).subquery("first_ship"))


def _first_shipments_grouped(start, end):
    s, e = aliased(Shipment, name="s"), aliased(Shipment, name="e")
    where = [s.return_id.is_(None), s.shipped_at >= start]
    if end is not None:
        where.append(s.shipped_at < end)
    grouped = (select(s.order_id.label("order_id"), func.min(s.shipped_at).label("first_at"))
               .where(*where).group_by(s.order_id).subquery("shipped_in"))
    earlier = exists().where(e.order_id == grouped.c.order_id, e.return_id.is_(None),
                             e.shipped_at < start)
    # A CTE: PostgreSQL then computes the cohort once although the line counts read it too.
    return select(grouped.c.order_id, grouped.c.first_at).where(~earlier).cte("first_ship")


def nearest_rank(ranked, column, share_num: int, share_den: int):
    """The nearest-rank percentile: the value at rank ceil(n * p) of the ascending order,
    as an aggregate over rows carrying `rn` (row number) and `n` (row count)."""
    rank = (ranked.c.n * share_num + (share_den - 1)) // share_den
    return func.max(case((ranked.c.rn == rank, column)))

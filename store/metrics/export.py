"""A report's orders as CSV: every order received or first shipped in the period, one row
each, with the per-order facts the figures count (README, "Digests and metrics").

    export = orders_csv(db, period=p, timezone="UTC") -> CsvExport(filename, content, rows)

Rows stream from the database into the file; the facts are computed in SQL with the same
expressions as the figures, so the CSV adds up to the digest.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, exists, func, or_, select, union
from sqlalchemy.orm import aliased

from store.db import Database
from store.metrics.digest import tune_for_reports
from store.metrics.queries import received_in
from store.metrics.sql import (
    backordered_line,
    due_date,
    first_shipments,
    hours_between,
    local_day,
    ordinal,
    problem_shipment,
)
from store.models import Customer, Order, OrderLine, Return, Shipment
from store.money import currency_exponent
from store.periods import Period, utc_offsets, zone

HEADER = ("ref", "customer_code", "customer_name", "status", "fulfilment_status",
          "ordered_at_utc", "currency", "lines", "value", "backordered_lines",
          "first_shipped_at_utc", "due_date", "received_in_period", "shipped_in_period",
          "on_time", "problem_shipment", "perfect", "cycle_hours", "returned_in_period")
CHUNK = 2000


@dataclass(frozen=True)
class CsvExport:
    filename: str
    content: bytes
    rows: int


def orders_csv(db: Database, *, period: Period, timezone: str) -> CsvExport:
    zone(timezone)
    start, end = period.utc_bounds(timezone)
    query = _query(db.dialect, start, end, utc_offsets(start, end, timezone))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    rows = 0
    with db.read() as session:
        tune_for_reports(session, db.dialect)
        for row in session.execute(query.execution_options(yield_per=CHUNK)):
            writer.writerow(_cells(row, start, end))
            rows += 1
    name = f"orders-{period.kind}-{period.start.isoformat()}-to-{period.last_day.isoformat()}.csv"
    return CsvExport(filename=name, content=out.getvalue().encode("utf-8"), rows=rows)


def _query(dialect: str, start, end, offsets):
    cohort = first_shipments(dialect, start, end)
    ids = union(select(Order.id.label("order_id")).where(received_in(start, end)),
                select(cohort.c.order_id)).subquery("in_report")
    line, short, ship, bad = (aliased(OrderLine, name="l"), aliased(OrderLine, name="x"),
                              aliased(Shipment, name="s"), aliased(Shipment, name="y"))
    first_at = (select(func.min(ship.shipped_at))
                .where(ship.order_id == Order.id, ship.return_id.is_(None)).scalar_subquery())
    facts = select(
        Order.id, Order.ref, Customer.code, Customer.name, Order.status, Order.fulfilment_status,
        Order.ordered_at, Order.currency, due_date().label("due"),
        select(func.count()).where(line.order_id == Order.id).scalar_subquery().label("lines"),
        select(func.coalesce(func.sum(line.quantity * line.unit_price_minor), 0))
        .where(line.order_id == Order.id).scalar_subquery().label("value"),
        select(func.count()).where(short.order_id == Order.id, backordered_line(short))
        .scalar_subquery().label("short_lines"),
        ordinal(exists().where(bad.order_id == Order.id, problem_shipment(bad))).label("problem"),
        ordinal(exists().where(Return.order_id == Order.id, Return.created_at >= start,
                               Return.created_at < end)).label("returned"),
        first_at.label("first_at"),
    ).select_from(ids.join(Order, Order.id == ids.c.order_id)
                  .join(Customer, Customer.id == Order.customer_id)).subquery("facts")
    shipped_day = local_day(dialect, facts.c.first_at, offsets)
    on_time = or_(facts.c.due.is_(None), shipped_day <= facts.c.due)
    return select(
        facts, ordinal(and_(facts.c.first_at.is_not(None), on_time)).label("on_time"),
        hours_between(dialect, facts.c.first_at, facts.c.ordered_at).label("cycle"),
    ).order_by(facts.c.ordered_at, facts.c.id)


def _cells(row, start, end) -> list:
    received = start <= row.ordered_at < end and str(row.status) != "draft"
    shipped = row.first_at is not None and start <= row.first_at < end
    perfect = shipped and row.on_time and not row.short_lines and not row.problem
    return [
        row.ref, row.code, row.name, _value(row.status), _value(row.fulfilment_status),
        row.ordered_at.isoformat(), row.currency, row.lines, _amount(row.value, row.currency),
        row.short_lines, row.first_at.isoformat() if row.first_at else "",
        row.due.isoformat() if row.due else "", _yes(received), _yes(shipped),
        _yes(row.on_time) if row.first_at else "", _yes(row.problem), _yes(perfect) if shipped
        else "", f"{float(row.cycle):.2f}" if row.cycle is not None else "", _yes(row.returned),
    ]


def _value(value) -> str:
    return str(getattr(value, "value", value))


def _yes(flag) -> str:
    return "yes" if flag else "no"


def _amount(minor, currency: str) -> str:
    exponent = currency_exponent(currency)
    value = Decimal(int(minor)).scaleb(-exponent)
    return str(value.quantize(Decimal(1).scaleb(-exponent)))

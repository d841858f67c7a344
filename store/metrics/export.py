"""A report's data, one row per order and one per discrepancy, from which every digest figure
of the period can be counted again (README, "Digests and metrics", says how).

    order_rows(db, period=p, timezone="UTC")       -> Table(header, rows: typed values)
    discrepancy_rows(db, period=p, timezone="UTC") -> Table
    orders_csv(db, ...), discrepancies_csv(db, ...) -> CsvExport(filename, content, rows)

The orders are every order received, first shipped, or given a return in the period, and
every order in the backlog at its end. The SQL reads each order's raw facts (times, counts,
flags); which figure an order counts in is decided here, per row, in Python, with the zone
read at each timestamp's own offset: a second spelling of the definitions that the test of
the export checks against the digest's SQL. Cells that a spreadsheet would run as formulas
are defused (store.control_chars.spreadsheet_cell).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, exists, func, or_, select, true, union
from sqlalchemy.orm import aliased

from store import clock
from store.control_chars import spreadsheet_cell
from store.db import Database
from store.metrics.digest import tune_for_reports
from store.metrics.queries import AGE_BUCKETS, received_in
from store.metrics.sql import (
    NOT_OWED,
    backordered_line,
    due_date,
    first_shipments,
    problem_shipment,
)
from store.models import (
    Customer,
    Discrepancy,
    Order,
    OrderLine,
    OrderReceivedFacts,
    OrderShipFacts,
    Return,
    Shipment,
)
from store.money import currency_exponent
from store.periods import Period, zone

ORDER_HEADER = (
    "ref", "customer_code", "customer_name", "customer_since_utc", "status", "fulfilment_status",
    "ordered_at_utc", "ordered_on", "currency", "lines", "value", "backordered_lines",
    "first_shipped_at_utc", "due_date", "received_in_period", "shipped_in_period", "on_time",
    "problem_shipment", "perfect", "cycle_hours", "returned_in_period", "backlog_at_start",
    "backlog_at_end")
DISCREPANCY_HEADER = (
    "id", "order_ref", "type", "severity", "status", "opened_at_utc", "opened_on",
    "resolved_at_utc", "opened_in_period", "resolved_in_period", "hours_to_resolve",
    "open_at_end", "age_at_end")
CHUNK = 2000
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Table:
    name: str  # orders, discrepancies
    header: tuple[str, ...]
    rows: Iterator[tuple]  # typed: str, int, Decimal, float, bool, date, datetime, None


@dataclass(frozen=True)
class CsvExport:
    filename: str
    content: bytes
    rows: int


def export_name(what: str, period: Period, extension: str) -> str:
    return (f"{what}-{period.kind}-{period.start.isoformat()}-to-"
            f"{period.last_day.isoformat()}.{extension}")


def orders_csv(db: Database, *, period: Period, timezone: str) -> CsvExport:
    return _csv(order_rows(db, period=period, timezone=timezone), period)


def discrepancies_csv(db: Database, *, period: Period, timezone: str,
                      now: datetime | None = None) -> CsvExport:
    return _csv(discrepancy_rows(db, period=period, timezone=timezone, now=now), period)


def _csv(table: Table, period: Period) -> CsvExport:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    count = 0
    for row in table.rows:
        writer.writerow([_text(value) for value in row])
        count += 1
    return CsvExport(filename=export_name(table.name, period, "csv"),
                     content=out.getvalue().encode("utf-8"), rows=count)


def _text(value) -> str:
    """A CSV cell: yes/no, ISO dates and times, numbers as written, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(spreadsheet_cell(value))


# --- orders ---


def order_rows(db: Database, *, period: Period, timezone: str) -> Table:
    zone(timezone)
    start, end = period.utc_bounds(timezone)
    return Table("orders", ORDER_HEADER, _order_rows(db, start, end, timezone))


def _order_rows(db: Database, start: datetime, end: datetime, timezone: str) -> Iterator[tuple]:
    place = zone(timezone)
    with db.read() as session:
        tune_for_reports(session, db.dialect)
        query = _orders_query(db.dialect, start, end)
        for row in session.execute(query.execution_options(yield_per=CHUNK)):
            yield _order_row(row, start, end, place)


def _orders_query(dialect: str, start: datetime, end: datetime):
    r, f = OrderReceivedFacts, OrderShipFacts
    cohort = first_shipments(dialect, start, end)
    ids = union(
        select(Order.id.label("order_id")).where(received_in(start, end)),
        select(cohort.c.order_id),
        select(Return.order_id).where(Return.created_at >= start, Return.created_at < end),
        select(r.order_id).where(r.awaiting_shipment == true(), r.ordered_at < end),
        select(f.order_id).where(f.first_shipped_at >= end, f.ordered_at < end, f.owed == true()),
    ).subquery("in_report")
    line, short, ship, bad = (aliased(OrderLine, name="l"), aliased(OrderLine, name="x"),
                              aliased(Shipment, name="s"), aliased(Shipment, name="y"))
    return select(
        Order.id, Order.ref, Customer.code, Customer.name, Customer.created_at.label("since"),
        Order.status, Order.fulfilment_status, Order.ordered_at, Order.currency,
        due_date().label("due"),
        select(func.count()).where(line.order_id == Order.id).scalar_subquery().label("lines"),
        select(func.coalesce(func.sum(line.quantity * line.unit_price_minor), 0))
        .where(line.order_id == Order.id).scalar_subquery().label("value"),
        select(func.count()).where(short.order_id == Order.id, backordered_line(short))
        .scalar_subquery().label("short_lines"),
        exists().where(bad.order_id == Order.id, problem_shipment(bad)).label("problem"),
        exists().where(Return.order_id == Order.id, Return.created_at >= start,
                       Return.created_at < end).label("returned"),
        select(func.min(ship.shipped_at)).where(ship.order_id == Order.id,
                                                ship.return_id.is_(None))
        .scalar_subquery().label("first_at"),
    ).select_from(ids.join(Order, Order.id == ids.c.order_id)
                  .join(Customer, Customer.id == Order.customer_id)
                  ).order_by(Order.ordered_at, Order.id)


def _order_row(row, start: datetime, end: datetime, place) -> tuple:
    status = _value(row.status)
    first_at = row.first_at
    received = start <= row.ordered_at < end and status != "draft"
    shipped = first_at is not None and start <= first_at < end
    on_time = None if first_at is None else (
        row.due is None or first_at.astimezone(place).date() <= row.due)
    perfect = (on_time and not row.short_lines and not row.problem) if shipped else None
    cycle = (first_at - row.ordered_at) / HOUR if first_at is not None else None
    return (
        row.ref, row.code, row.name, row.since, status, _value(row.fulfilment_status),
        row.ordered_at, row.ordered_at.astimezone(place).date(), row.currency, row.lines,
        _amount(row.value, row.currency), row.short_lines, first_at, row.due, received,
        shipped, on_time, bool(row.problem), perfect, cycle, bool(row.returned),
        _in_backlog(row, status, start), _in_backlog(row, status, end))


def _in_backlog(row, status: str, moment: datetime) -> bool:
    """Received before `moment` and not shipped by then (README): open and never shipped, or
    first shipped at or after it; drafts and canceled orders never."""
    if row.ordered_at >= moment or status in NOT_OWED:
        return False
    if row.first_at is None:
        return status == "open"
    return row.first_at >= moment


def _value(value) -> str:
    return str(getattr(value, "value", value))


def _amount(minor, currency: str) -> Decimal:
    exponent = currency_exponent(currency)
    return Decimal(int(minor)).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))


# --- discrepancies ---


def discrepancy_rows(db: Database, *, period: Period, timezone: str,
                     now: datetime | None = None) -> Table:
    """Every discrepancy opened or resolved in the period, or open at its end; ages are
    taken at the end (or `now`, for a period still running), as the digest does."""
    zone(timezone)
    start, end = period.utc_bounds(timezone)
    moment = min(end, now or clock.now())
    return Table("discrepancies", DISCREPANCY_HEADER,
                 _discrepancy_rows(db, start, end, moment, timezone))


def _discrepancy_rows(db: Database, start: datetime, end: datetime, moment: datetime,
                      timezone: str) -> Iterator[tuple]:
    place = zone(timezone)
    d = Discrepancy
    query = (select(d.id, Order.ref, d.type, d.severity, d.status, d.opened_at, d.resolved_at)
             .join(Order, Order.id == d.order_id)
             .where(or_(and_(d.opened_at >= start, d.opened_at < end),
                        and_(d.resolved_at >= start, d.resolved_at < end),
                        and_(d.opened_at < end,
                             or_(d.resolved_at.is_(None), d.resolved_at >= end))))
             .order_by(d.opened_at, d.id))
    with db.read() as session:
        for row in session.execute(query.execution_options(yield_per=CHUNK)):
            resolved = row.resolved_at is not None and start <= row.resolved_at < end
            open_at_end = row.opened_at < moment and (row.resolved_at is None
                                                      or row.resolved_at >= moment)
            yield (row.id, row.ref, _value(row.type), _value(row.severity), _value(row.status),
                   row.opened_at, row.opened_at.astimezone(place).date(), row.resolved_at,
                   start <= row.opened_at < end, resolved,
                   (row.resolved_at - row.opened_at) / HOUR if resolved else None,
                   open_at_end, _age(moment - row.opened_at) if open_at_end else None)


def _age(age: timedelta) -> str:
    return next(label for label, days in AGE_BUCKETS
                if days is None or age < timedelta(days=days))

"""A report's data, one row per order and one per discrepancy, from which every digest figure
of the period can be counted again (README, "Digests and metrics", says how).

    order_rows(db, period=p, timezone="UTC")       -> Table(header, rows: typed values)
    discrepancy_rows(db, period=p, timezone="UTC") -> Table
    orders_csv(db, ...), discrepancies_csv(db, ...) -> CsvExport(filename, content, rows)

The orders are every order received, first shipped, given a return or due in the period,
and every order in the backlog or past due at its start or end. The SQL reads each order's
raw facts (times, counts, flags); which figure an order counts in is decided here, per row,
in Python, with the zone read at each timestamp's own offset: a second spelling of the
definitions that the test of the export checks against the digest's SQL. CSV cells that a
spreadsheet would run as formulas are defused (store.control_chars.spreadsheet_cell).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, func, or_, select, true, union
from sqlalchemy.orm import aliased, outerjoin

from store import clock
from store.control_chars import spreadsheet_cell
from store.db import Database
from store.metrics.digest import tune_for_reports
from store.metrics.queries import AGE_BUCKETS, APPROVED, RECEIVED, RETURN_WINDOW, received_in
from store.metrics.sql import (
    NOT_OWED,
    backordered_line,
    due_date,
    first_shipments,
    hours_between,
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
from store.periods import Period, past_due_point, zone

ORDER_HEADER = (
    "ref", "customer_code", "customer_name", "customer_since_utc", "status", "fulfilment_status",
    "ordered_at_utc", "ordered_on", "currency", "lines", "value", "backordered_lines",
    "lines_shipped_in_full", "first_shipped_at_utc", "completed_at_utc", "due_date",
    "received_in_period", "shipped_in_period", "complete", "complete_in_first_shipment",
    "in_full_on_time", "problem_shipment", "perfect", "cycle_hours", "return_within_30_days",
    "flagged", "due_in_period",
    "due_on_time", "due_shipped_late", "otif", "returned_in_period", "backlog_at_start",
    "backlog_at_end", "past_due_at_start", "past_due_at_end", "days_past_due_at_end")
DISCREPANCY_HEADER = (
    "id", "order_ref", "type", "severity", "status", "opened_at_utc", "opened_on",
    "resolved_at_utc", "opened_in_period", "resolved_in_period", "hours_to_resolve",
    "open_at_end", "age_at_end")
CHUNK = 2000
RETURN_STAGES = (("requested", None), ("approved", APPROVED), ("received", RECEIVED))
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
    return Table("orders", ORDER_HEADER, _order_rows(db, period, timezone))


@dataclass(frozen=True)
class _Frame:
    """The period as the rows are judged: its UTC bounds, days and zone."""

    start: datetime
    end: datetime
    first_day: date
    end_day: date
    place: ZoneInfo
    past_due_at: datetime  # where "past due at the end" is counted (periods.past_due_point)
    past_due_day: date

    def deadline(self, due: date) -> datetime:
        """The end of the due date, local time, as a UTC instant."""
        return datetime.combine(due + timedelta(days=1), time(0), self.place).astimezone(UTC)

    def day(self, moment: datetime) -> date:
        return moment.astimezone(self.place).date()


def _order_rows(db: Database, period: Period, timezone: str) -> Iterator[tuple]:
    start, end = period.utc_bounds(timezone)
    frame = _Frame(start, end, period.start, period.end, zone(timezone),
                   *past_due_point(period, timezone, clock.now()))
    with db.read() as session:
        tune_for_reports(session, db.dialect)
        query = _orders_query(db.dialect, period, start, end)
        for row in session.execute(query.execution_options(yield_per=CHUNK)):
            yield _order_row(row, frame)


def _orders_query(dialect: str, period: Period, start: datetime, end: datetime):
    r, f = OrderReceivedFacts, OrderShipFacts
    cohort = first_shipments(dialect, start, end)
    owed_later = or_(and_(r.is_open == true(), or_(f.complete_at.is_(None),
                                                   f.complete_at >= start)),
                     f.complete_at >= start)
    ids = union(
        select(Order.id.label("order_id")).where(received_in(start, end)),
        select(cohort.c.order_id),
        select(Return.order_id).where(Return.created_at >= start, Return.created_at < end),
        select(r.order_id).where(r.awaiting_shipment == true(), r.ordered_at < end),
        select(f.order_id).where(f.first_shipped_at >= end, f.ordered_at < end, f.owed == true()),
        select(r.order_id).where(r.due_date >= period.start, r.due_date <= period.last_day),
        select(r.order_id).select_from(outerjoin(r, f, f.order_id == r.order_id))
        .where(r.due_date < period.end, r.owed == true(), owed_later),
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
        # When the last unit shipped, and the lines shipped in full: the facts' figures,
        # checked against a recomputation by tests/store/facts.
        f.complete_at, func.coalesce(f.full_lines, 0).label("full_lines"),
        *(_returned_within(dialect, f, stage).label(name) for name, stage in RETURN_STAGES),
        exists().where(Discrepancy.order_id == Order.id).label("flagged"),
    ).select_from(ids.join(Order, Order.id == ids.c.order_id)
                  .join(Customer, Customer.id == Order.customer_id)
                  .outerjoin(f, f.order_id == Order.id)).order_by(Order.ordered_at, Order.id)


def _returned_within(dialect: str, f, statuses):
    """A return opened within RETURN_WINDOW of the order's first shipment, in `statuses`."""
    found = exists().where(
        Return.order_id == f.order_id, Return.created_at >= f.first_shipped_at,
        hours_between(dialect, Return.created_at, f.first_shipped_at)
        < RETURN_WINDOW.total_seconds() / 3600)
    return found if statuses is None else found.where(Return.status.in_(statuses))


def _stage(row) -> str | None:
    """How far the order's return within the window got: received, approved, requested."""
    return next((name for name, _ in reversed(RETURN_STAGES) if getattr(row, name)), None)


def _order_row(row, frame: _Frame) -> tuple:
    status, first_at, done_at, due = _value(row.status), row.first_at, row.complete_at, row.due
    start, end = frame.start, frame.end
    received = start <= row.ordered_at < end and status != "draft"
    shipped = first_at is not None and start <= first_at < end
    in_full_on_time = done_at is not None and (due is None or frame.day(done_at) <= due)
    # Due: owed, and not closed without a shipment (nothing left to ship on time).
    owed = status not in NOT_OWED and (status == "open" or first_at is not None)
    due_here = owed and due is not None and frame.first_day <= due < frame.end_day
    on_time = due_here and first_at is not None and first_at < frame.deadline(due)
    past_due_end = _past_due(row, status, frame.past_due_at, frame.past_due_day)
    return (
        row.ref, row.code, row.name, row.since, status, _value(row.fulfilment_status),
        row.ordered_at, frame.day(row.ordered_at), row.currency, row.lines,
        _amount(row.value, row.currency), row.short_lines, row.full_lines, first_at, done_at,
        due, received, shipped, done_at is not None if shipped else None,
        done_at == first_at if shipped else None, in_full_on_time if shipped else None,
        bool(row.problem), (in_full_on_time and not row.problem) if shipped else None,
        (first_at - row.ordered_at) / HOUR if first_at is not None else None,
        _stage(row) if shipped else None, bool(row.flagged), due_here,
        on_time if due_here else None,
        (first_at is not None and not on_time) if due_here else None,
        (done_at is not None and done_at < frame.deadline(due)) if due_here else None,
        bool(row.returned), _in_backlog(row, status, start), _in_backlog(row, status, end),
        _past_due(row, status, start, frame.first_day), past_due_end,
        (frame.past_due_day - due).days if past_due_end else None)


def _past_due(row, status: str, moment: datetime, day: date) -> bool:
    """Past its due date at `moment` (the start of local `day`) and not complete then."""
    if row.due is None or row.due >= day or row.ordered_at >= moment or status in NOT_OWED:
        return False
    if row.complete_at is not None and row.complete_at >= moment:
        return True
    return status == "open" and row.complete_at is None


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

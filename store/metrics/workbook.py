"""A report as an Excel workbook: the digest's figures with their definitions, and the rows
behind them ready for a PivotTable.

    export = report_xlsx(db, period=p, timezone="UTC", now=now) -> CsvExport(filename, ...)

Sheets: Summary (every figure, this period and the one before, and what it counts), Days
(the chart's numbers), Orders and Discrepancies (the export's rows, store.metrics.export).
Cells are typed: counts and money are numbers (money in major units, formatted per
currency), rates are fractions formatted as percentages, dates and times are dates (UTC, as
the column names say), flags are TRUE/FALSE. Text is always a text cell, never a formula:
a value starting with "=" is written as text and marked so Excel keeps it text when edited.
Written in openpyxl's streaming mode, so a month of a large desk fits in memory.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from store import clock
from store.db import Database
from store.metrics.digest import build_digest
from store.metrics.export import (
    CsvExport,
    Table,
    discrepancy_rows,
    export_name,
    order_rows,
)
from store.money import currency_exponent
from store.periods import Period

COUNT, PERCENT, HOURS, DAY, MOMENT = "#,##0", "0.0%", "0.0", "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
BOLD = Font(bold=True)
# (label, attribute of PeriodFigures, format, definition): README, "Digests and metrics".
FIGURES = (
    ("Orders received", "orders_received", COUNT,
     "orders with ordered_at in the period, drafts excluded (canceled orders count)"),
    ("Lines received", "lines_received", COUNT, "the lines of those orders"),
    ("Orders shipped", "orders_shipped", COUNT,
     "orders whose first shipment (replacements aside) left in the period"),
    ("Backlog at the end", "backlog", COUNT,
     "orders received before the end not shipped by then (open and unshipped, or first "
     "shipped at or after the end); the previous period's: the same at its end"),
    ("Orders due", "orders_due", COUNT,
     "orders whose due date (promised, else requested) is in the period; not drafts, "
     "canceled, or completed without a shipment"),
    ("On time", "on_time_rate", PERCENT,
     "of the orders due, the share whose first shipment left by the end of the due date"),
    ("In full on time (OTIF)", "otif_rate", PERCENT,
     "of the orders due, the share whose last unit shipped by the end of the due date"),
    ("Due, shipped late", "due_shipped_late", COUNT,
     "orders due whose first shipment left after the due date"),
    ("Due, not shipped", "due_not_shipped", COUNT, "orders due with no shipment yet"),
    ("Past due at the end", "past_due", COUNT,
     "orders due before the end and not complete then (open with units unshipped, or "
     "completed at or after the end)"),
    ("Order fill rate (as published)", "order_fill_rate", PERCENT,
     "of the orders shipped, the share with every unit shipped now; rises as the rest ships"),
    ("Line fill rate (as published)", "line_fill_rate", PERCENT,
     "of the shipped orders' lines, the share with every unit shipped now"),
    ("Complete in first shipment", "first_shipment_fill_rate", PERCENT,
     "of the orders shipped, the share whose first shipment carried every unit"),
    ("Perfect orders", "perfect_order_rate", PERCENT,
     "of the orders shipped, the share in full on time, undamaged and correctly documented"),
    ("Backorder rate", "backorder_rate", PERCENT,
     "of the orders received, the share with a line backordered now"),
    ("Returns opened", "orders_returned", COUNT, "orders with a return opened in the period"),
    ("Returned within 30 days", "return_rate", PERCENT,
     "of the orders shipped, the share with a return opened within 30 days of shipping"),
    ("… of which approved", "return_approved_rate", PERCENT,
     "… whose return was approved (or received, or closed)"),
    ("… received back", "return_received_rate", PERCENT,
     "… whose return was received back (or closed)"),
    ("Cycle time, median (h)", "cycle_median_hours", HOURS,
     "nearest-rank median of first shipment − ordered_at over the orders shipped"),
    ("Cycle time, 90th percentile (h)", "cycle_p90_hours", HOURS,
     "nearest-rank 90th percentile of the same"),
    ("Discrepancies opened", "discrepancies_opened", COUNT, "opened_at in the period"),
    ("Discrepancies resolved", "discrepancies_resolved", COUNT, "resolved_at in the period"),
    ("Median time to resolve (h)", "resolve_median_hours", HOURS,
     "nearest-rank median of resolved_at − opened_at over those resolved in the period"),
)
MONEY_COLUMNS = {"value"}


def report_xlsx(db: Database, *, period: Period, timezone: str,
                now: datetime | None = None) -> CsvExport:
    now = now or clock.now()
    view = build_digest(db, period=period, timezone=timezone, now=now)
    book = Workbook(write_only=True)
    _summary(book.create_sheet("Summary"), view)
    _days(book.create_sheet("Days"), view)
    rows = _table(book.create_sheet("Orders"),
                  order_rows(db, period=period, timezone=timezone))
    _table(book.create_sheet("Discrepancies"),
           discrepancy_rows(db, period=period, timezone=timezone, now=now))
    out = io.BytesIO()
    book.save(out)
    return CsvExport(filename=export_name("report", period, "xlsx"), content=out.getvalue(),
                     rows=rows)


def _summary(sheet, view) -> None:
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["D"].width = 90
    cur, prev = view.current, view.previous
    sheet.append([_bold(sheet, f"Orders report · {view.period.label()}")])
    sheet.append([_text(sheet, f"Local days in {view.timezone}; compared with "
                               f"{view.period.previous().label()}; built "
                               f"{_naive(view.built_at):%Y-%m-%d %H:%M} UTC")])
    sheet.append([])
    sheet.append([_bold(sheet, h) for h in ("Figure", "This period", "Previous period",
                                             "Definition")])
    for label, attr, fmt, definition in FIGURES:
        sheet.append([_text(sheet, label), _number(sheet, getattr(cur, attr), fmt),
                      _number(sheet, getattr(prev, attr), fmt), _text(sheet, definition)])
    for currency in sorted({m.currency for m in (*cur.value_received, *prev.value_received)}):
        sheet.append([_text(sheet, f"Value received, {currency}"),
                      _money(sheet, cur.value_received, currency),
                      _money(sheet, prev.value_received, currency),
                      _text(sheet, "Σ quantity × unit price of the orders received (goods)")])
    sheet.append([])
    sheet.append([_bold(sheet, "Past due at the end, days past the due date"),
                  _bold(sheet, "Orders")])
    for bucket in view.past_due_by_age:
        sheet.append([_text(sheet, bucket.label), _number(sheet, bucket.count, COUNT)])
    sheet.append([])
    sheet.append([_bold(sheet, "Discrepancies open at the end, by age"), _bold(sheet, "Count")])
    for bucket in view.open_by_age:
        sheet.append([_text(sheet, bucket.label), _number(sheet, bucket.count, COUNT)])
    sheet.append([])
    sheet.append([_bold(sheet, h) for h in ("Top customer", "Orders", "Orders before",
                                             "Code")])
    for c in view.top_customers:
        sheet.append([_text(sheet, c.name), _number(sheet, c.orders, COUNT),
                      _number(sheet, c.previous_orders, COUNT), _text(sheet, c.code)])


def _days(sheet, view) -> None:
    # The last two columns reconcile: flagged ÷ orders received is the share (the header said
    # "discrepancies per order" over a share of flagged orders, which its own columns didn't give).
    sheet.append([_bold(sheet, h) for h in ("Day", "Orders received", "Discrepancies opened",
                                             "Orders received that were flagged",
                                             "Share of orders flagged")])
    for point in view.days:
        sheet.append([_cell(sheet, point.day, DAY), _number(sheet, point.orders, COUNT),
                      _number(sheet, point.discrepancies, COUNT),
                      _number(sheet, point.flagged, COUNT),
                      _number(sheet, point.discrepancy_rate, PERCENT)])


def _table(sheet, table: Table) -> int:
    """The rows under a bold header, filter buttons on it and the header frozen."""
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, name) for name in table.header])
    money = [i for i, name in enumerate(table.header) if name in MONEY_COLUMNS]
    currency = table.header.index("currency") if "currency" in table.header else None
    count = 0
    for row in table.rows:
        cells = [_typed(sheet, value) for value in row]
        for i in money:
            cells[i].number_format = _money_format(row[currency])
        sheet.append(cells)
        count += 1
    last = get_column_letter(len(table.header))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    return count


def _typed(sheet, value) -> WriteOnlyCell:
    if isinstance(value, str):
        return _text(sheet, value)
    if isinstance(value, datetime):
        return _cell(sheet, _naive(value), MOMENT)
    if isinstance(value, date):
        return _cell(sheet, value, DAY)
    if isinstance(value, float):
        return _cell(sheet, value, "0.00")
    return _cell(sheet, value, None)


def _cell(sheet, value, fmt: str | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if fmt:
        cell.number_format = fmt
    return cell


def _text(sheet, value: str) -> WriteOnlyCell:
    """Always a text cell: openpyxl would store "=…" as a formula. quotePrefix keeps Excel
    from turning it into one when the cell is edited. Control characters XML cannot hold
    (ESC in a customer's name) are dropped: openpyxl refused the cell, and with it the whole
    report of every period that customer is in."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    if value[:1] in ("=", "+", "-", "@"):
        cell.quotePrefix = True
    return cell


def _bold(sheet, value: str) -> WriteOnlyCell:
    cell = _text(sheet, value)
    cell.font = BOLD
    return cell


def _number(sheet, value, fmt: str) -> WriteOnlyCell:
    return _cell(sheet, value, fmt)  # None stays an empty cell: the rate has no orders


def _money(sheet, values, currency: str) -> WriteOnlyCell:
    minor = sum(m.minor for m in values if m.currency == currency)
    amount = Decimal(minor).scaleb(-currency_exponent(currency))
    return _cell(sheet, amount, _money_format(currency))


def _money_format(currency: str) -> str:
    exponent = currency_exponent(currency)
    return "#,##0" + ("." + "0" * exponent if exponent else "")


def _naive(moment: datetime) -> datetime:
    """Excel has no time zones: UTC, without the zone (the columns say UTC)."""
    return moment.astimezone(UTC).replace(tzinfo=None)

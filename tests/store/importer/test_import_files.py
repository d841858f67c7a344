"""Import file formats: CSV dialects and encodings, XLSX, forgiving headers, clear errors."""

from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from store.importer import UnknownImportKind, UnreadableFile, import_file
from store.importer.fields import FieldError, amount, whole_number
from store.models import Order, OrderLine
from tests.support.imports import ORDER_HEADER, load_reference, order_row, write_csv


@pytest.fixture
def loaded(db):
    load_reference(db)
    return db


def imported(db) -> list[tuple]:
    with db.read() as s:
        return s.execute(select(Order.ref, Order.ordered_at, OrderLine.quantity,
                                OrderLine.unit_price_minor).join(OrderLine)
                         .order_by(Order.ref, OrderLine.line_no)).all()


def test_xlsx_with_typed_cells_imports_like_csv(loaded, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Order Ref", "CUSTOMER_CODE", "Order Date", "SKU", "Quantity", "Unit Price",
                  "Currency", "Comment"])
    sheet.append(["SO-X1", "ACME", datetime(2024, 5, 4, 9, 30), "WID-1001-BL", 3, 12.5, "USD",
                  "extra column"])
    sheet.append(["SO-X1", "ACME", datetime(2024, 5, 4, 9, 30), "GIZ-2002-RD", 2.0, 99, "USD",
                  None])
    sheet.append(["SO-X2", "ACME", "2024-05-05", "WID-1001-BL", "abc", 1, "USD", None])
    book.save(tmp_path / "orders.xlsx")
    report = import_file(loaded, kind="orders", path=tmp_path / "orders.xlsx")
    assert imported(loaded) == [("SO-X1", datetime(2024, 5, 4, 9, 30, tzinfo=UTC), 3, 1250),
                                ("SO-X1", datetime(2024, 5, 4, 9, 30, tzinfo=UTC), 2, 9900)]
    assert [(r.row, r.column) for r in report.rejections] == [(4, "quantity")]


def test_header_case_spaces_and_extra_columns_do_not_matter(loaded, tmp_path):
    header = [f"  {name.upper()} " for name in ORDER_HEADER] + ["Internal Id"]
    path = write_csv(tmp_path / "o.csv", header, [order_row("SO-H1") + ["x-1"]])
    report = import_file(loaded, kind="orders", path=path)
    assert report.rows_imported == 1


def test_semicolon_csv_with_byte_order_mark(loaded, tmp_path):
    path = write_csv(tmp_path / "o.csv", ORDER_HEADER, [order_row("SO-B1", notes="a; b")],
                     delimiter=";", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = import_file(loaded, kind="orders", path=path)
    assert (report.rows_imported, report.rows_rejected) == (1, 0)
    with loaded.read() as s:
        assert s.scalar(select(Order.notes)) == "a; b"


def test_tab_separated_file(loaded, tmp_path):
    path = write_csv(tmp_path / "o.tsv", ORDER_HEADER, [order_row("SO-T1")], delimiter="\t")
    assert import_file(loaded, kind="orders", path=path).rows_imported == 1


def test_row_numbers_count_file_lines_when_a_cell_spans_lines(loaded, tmp_path):
    path = write_csv(tmp_path / "o.csv", ORDER_HEADER, [
        order_row("SO-M1", notes="first line\nsecond line"),
        order_row("SO-M2", quantity="-1"),
    ])
    report = import_file(loaded, kind="orders", path=path)
    assert [(r.row, r.column) for r in report.rejections] == [(4, "quantity")]


def test_blank_lines_are_skipped_not_rejected(loaded, tmp_path):
    path = tmp_path / "o.csv"
    path.write_text(",".join(ORDER_HEADER) + "\n\n" + ",".join(order_row("SO-E1")) + "\n,,,\n")
    report = import_file(loaded, kind="orders", path=path)
    assert (report.rows_total, report.rows_imported, report.rows_rejected) == (1, 1, 0)


def test_a_file_that_is_not_utf8_is_refused_with_advice(loaded, tmp_path):
    path = write_csv(tmp_path / "o.csv", ORDER_HEADER, [order_row("SO-L1", notes="Müller")],
                     encoding="latin-1")
    with pytest.raises(UnreadableFile, match="not UTF-8.*CSV UTF-8"):
        import_file(loaded, kind="orders", path=path)


def test_unsupported_extension_and_unknown_kind_are_refused(loaded, tmp_path):
    (tmp_path / "orders.json").write_text("{}")
    with pytest.raises(UnreadableFile, match="use .csv or .xlsx"):
        import_file(loaded, kind="orders", path=tmp_path / "orders.json")
    with pytest.raises(UnknownImportKind, match="catalog, customers, orders"):
        import_file(loaded, kind="invoices", path=tmp_path / "orders.json")


def test_empty_price_takes_the_catalog_price_only_when_there_is_one(loaded, tmp_path):
    path = write_csv(tmp_path / "o.csv", ORDER_HEADER, [
        order_row("SO-P1", price=""), order_row("SO-P2", sku="NOPE-1", price=""),
    ])
    report = import_file(loaded, kind="orders", path=path)
    assert report.rows_imported == 1
    assert [(r.row, r.column) for r in report.rejections] == [(3, "unit_price")]
    assert "SKU 'NOPE-1' is not in the catalog; write the price" in report.rejections[0].reason


def test_too_long_and_malformed_values_are_rejected_before_the_database_sees_them(
        loaded, tmp_path):
    path = write_csv(tmp_path / "o.csv", ORDER_HEADER, [
        order_row("SO-V1", ship_country="USA"), order_row("SO-V2", ship_name="x" * 201),
        order_row("SO-V3", sales_rep="jane"), order_row("S" * 65),
    ])
    report = import_file(loaded, kind="orders", path=path)
    assert [(r.row, r.column) for r in report.rejections] == [
        (2, "ship_country"), (3, "ship_name"), (4, "sales_rep"), (5, "order_ref")]
    assert report.rows_imported == 0


@pytest.mark.parametrize("typed", ["1_0", "1_000"])
def test_a_quantity_with_an_underscore_is_refused_not_read_as_digit_grouping(typed):
    """Decimal and int() read '1_0' as 10; in a file it is a typo to show, not a quantity."""
    with pytest.raises(FieldError, match="is not a whole number"):
        whole_number(typed, "quantity", minimum=1)


@pytest.mark.parametrize("typed", ["1e2", "1E-2", "4.5E+09"])
def test_an_amount_in_exponent_notation_is_refused_not_read_as_a_price(typed):
    """Decimal reads '1e2' as 100: the New order modal and the import took $100.00 a unit."""
    with pytest.raises(FieldError, match="write digits and a dot only"):
        amount(typed, "unit_price")


def test_a_column_named_twice_stops_the_file_naming_both(db, tmp_path):
    """The first of two quantity columns silently won (the second said 5)."""
    path = write_csv(tmp_path / "orders.csv", ["order_ref", "customer_code", "order_date", "sku",
                                               "quantity", "Quantity "],
                     [["SO-D1", "ACME", "2026-11-02", "WID-1042-BL", "1", "5"]])
    with pytest.raises(UnreadableFile, match="column quantity twice .columns 5 and 6"):
        import_file(db, kind="orders", path=path)

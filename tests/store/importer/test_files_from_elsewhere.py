"""Files as other systems export them: Excel formulas' saved values, European thousands dots,
decomposed Unicode, Latin-1, another currency than the customer's credit limit, and a
restock by catalog import (each failed before: see the tests' docstrings)."""
from datetime import datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from store.importer import import_file
from store.models import Discrepancy, Order, OrderLine, Product
from tests.support.imports import ORDER_HEADER, load_reference, order_row, write_csv


@pytest.fixture
def loaded(db):
    load_reference(db)
    return db


def lines(db):
    with db.read() as s:
        return s.execute(select(Order.ref, OrderLine.sku, OrderLine.quantity,
                                OrderLine.unit_price_minor).join(OrderLine)
                         .order_by(Order.ref, OrderLine.line_no)).all()


def _excel_saved(book, path, exact):
    """Save, then write the cached values with the 17 digits Excel stores for a formula."""
    import zipfile
    book.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    for short, long in exact.items():
        xml = xml.replace(f"<v>{short}</v>", f"<f>{long[1]}</f><v>{long[0]}</v>")
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)


def test_xlsx_price_computed_by_formula(loaded, tmp_path):
    """Excel saves =B2*1.1 (B2 = 3) as 3.3000000000000003; it shows 3.30."""
    book = Workbook()
    sheet = book.active
    sheet.append(["order_ref", "customer_code", "order_date", "sku", "quantity", "unit_price",
                  "currency"])
    sheet.append(["SO-F1", "ACME", datetime(2024, 5, 4), "WID-1001-BL", 3, 3 * 1.1, "USD"])
    _excel_saved(book, tmp_path / "o.xlsx", {"3.3": ("3.3000000000000003", "3*1.1")})
    report = import_file(loaded, kind="orders", path=tmp_path / "o.xlsx")
    assert report.rows_rejected == 0, report.rejections
    assert lines(loaded) == [("SO-F1", "WID-1001-BL", 3, 330)]


def test_xlsx_quantity_computed_by_formula(loaded, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["order_ref", "customer_code", "order_date", "sku", "quantity", "unit_price",
                  "currency"])
    sheet.append(["SO-F2", "ACME", datetime(2024, 5, 4), "WID-1001-BL", 0.1 * 3 * 10, 12.5, "USD"])
    _excel_saved(book, tmp_path / "o.xlsx", {"3": ("3.0000000000000004", "0.1*3*10")})
    report = import_file(loaded, kind="orders", path=tmp_path / "o.xlsx")
    assert report.rows_rejected == 0, report.rejections


def test_catalog_price_with_thousands_dot_is_not_silently_divided(loaded, tmp_path):
    """A European export of 1500 EUR without decimals reads '1.500'."""
    path = tmp_path / "c.csv"
    path.write_text("sku;name;unit_price;currency\nBIG-1;Big machine;1.500;EUR\n", encoding="utf-8")
    report = import_file(loaded, kind="catalog", path=path)
    with loaded.read() as s:
        price = s.scalar(select(Product.unit_price_minor).where(Product.sku == "BIG-1"))
    assert report.rows_rejected == 1 and price is None, (price, report.rejections)
    assert "ambiguous" in report.rejections[0].reason


def test_credit_limit_compares_same_currency(loaded, tmp_path):
    """ACME: limit 50,000.00 USD. An order in JPY of 5,100,000 yen (~34,000 USD)."""
    path = write_csv(tmp_path / "o.csv", ORDER_HEADER, [
        order_row("SO-J1", sku="VLV-4004-10", quantity="3400", price="1500", currency="JPY")])
    report = import_file(loaded, kind="orders", path=path)
    assert report.rows_imported == 1, report.rejections
    with loaded.read() as s:
        found = s.execute(select(Discrepancy.type, Discrepancy.title)).all()
    assert not [f for f in found if f[0].value == "credit_limit"], found


def test_customer_code_in_nfd_finds_the_customer(loaded, tmp_path):
    import unicodedata
    cust = tmp_path / "c.csv"
    cust.write_text("customer_code,name,currency\nMÜLLER-2,Müller,EUR\n", encoding="utf-8")
    assert import_file(loaded, kind="customers", path=cust).rows_imported == 1
    code = unicodedata.normalize("NFD", "MÜLLER-2")
    path = write_csv(tmp_path / "o.csv", ORDER_HEADER, [
        order_row("SO-N1", customer_code=code, currency="EUR", sku="BRK-3003-SS", price="3.75")])
    report = import_file(loaded, kind="orders", path=path)
    assert report.rows_imported == 1, report.rejections


def test_latin1_message(loaded, tmp_path):
    from store.importer import UnreadableFile
    path = tmp_path / "o.csv"
    rows = [order_row(f"SO-L{i}") for i in range(3)] + [order_row("SO-L9", notes="Müller")]
    write_csv(path, ORDER_HEADER, rows, encoding="latin-1")
    with pytest.raises(UnreadableFile) as err:
        import_file(loaded, kind="orders", path=path)
    assert "chunk" not in str(err.value) and "line 5" in str(err.value)
    assert "Müller" in str(err.value)


def test_restock_by_catalog_import_settles_the_stock_item(loaded, tmp_path):
    path = write_csv(tmp_path / "o.csv", ORDER_HEADER, [
        order_row("SO-S1", quantity="200", payment_status="captured")])
    assert import_file(loaded, kind="orders", path=path).rows_imported == 1

    def open_types():
        with loaded.read() as s:
            return sorted(d.type.value for d in s.scalars(select(Discrepancy))
                          if d.status.value != "resolved")
    assert "insufficient_stock" in open_types()
    cat = tmp_path / "catalog.csv"
    cat.write_text("sku,name,unit_price,currency,on_hand,warehouse\n"
                   "WID-1001-BL,Widget 1001 Blue,12.50,USD,300,EAST\n")
    report = import_file(loaded, kind="catalog", path=cat)
    assert report.rows_imported == 1
    assert "insufficient_stock" not in open_types()


def test_a_sku_spelt_another_way_is_the_catalogs_sku(loaded, tmp_path):
    """'wid-1001-bl' and 'WID1001BL' opened "not in the catalog" though /stock and the order
    editor find them; a spelling two catalog SKUs share stays as typed (an unknown SKU)."""
    with loaded.write() as s:
        s.add_all([Product(sku="AB-1", name="Ab one", unit_price_minor=100, currency="USD"),
                   Product(sku="AB1", name="Ab one again", unit_price_minor=100,
                           currency="USD")])
    path = write_csv(tmp_path / "o.csv", ORDER_HEADER, [
        order_row("SO-K1", sku="wid-1001-bl"), order_row("SO-K2", sku="WID1001BL"),
        order_row("SO-K3", sku="ab 1", price="1.00")])
    report = import_file(loaded, kind="orders", path=path)
    assert report.rows_imported == 3, report.rejections
    assert [(ref, sku) for ref, sku, _q, _p in lines(loaded)] == [
        ("SO-K1", "WID-1001-BL"), ("SO-K2", "WID-1001-BL"), ("SO-K3", "ab 1")]
    with loaded.read() as s:
        unknown = s.execute(select(Order.ref).join(Discrepancy).where(
            Discrepancy.type == "unknown_sku")).scalars().all()
        linked = s.scalars(select(OrderLine.product_id).join(Order).where(
            Order.ref.in_(["SO-K1", "SO-K2"]))).all()
    assert unknown == ["SO-K3"] and None not in linked

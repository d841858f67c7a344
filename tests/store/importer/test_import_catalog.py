"""Importing the catalog: products by SKU, stock by SKU and warehouse."""

from sqlalchemy import select

from store.importer import import_file
from store.models import Product, StockLevel, Warehouse
from tests.support.imports import FIXTURES, write_csv

CATALOG = FIXTURES / "catalog.csv"
HEADER = ["sku", "name", "unit_price", "currency", "on_hand", "warehouse"]


def stock(db) -> list[tuple]:
    with db.read() as s:
        return s.execute(select(Product.sku, Warehouse.code, StockLevel.on_hand)
                         .join(StockLevel, StockLevel.product_id == Product.id)
                         .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
                         .order_by(Product.sku, Warehouse.code)).all()


def products(db) -> list[tuple]:
    with db.read() as s:
        return s.execute(select(Product.sku, Product.name, Product.unit_price_minor,
                                Product.currency).order_by(Product.sku)).all()


def test_each_bad_row_is_rejected_with_its_column(db):
    report = import_file(db, kind="catalog", path=CATALOG)
    assert [(r.row, r.column) for r in report.rejections] == [
        (7, "sku"), (8, "unit_price"), (9, "on_hand"), (10, "on_hand"), (11, "unit_price")]
    reasons = [r.reason for r in report.rejections]
    assert "sku is empty" in reasons[0]
    assert "unit_price 'abc' is not a number" in reasons[1]
    assert "on_hand '-3' is negative; use a whole number of 0 or more" in reasons[2]
    assert "on_hand '2.5' is not a whole number" in reasons[3]
    assert "unit_price '-1.00' is negative" in reasons[4]
    assert (report.rows_total, report.rows_imported, report.rows_rejected) == (10, 5, 5)


def test_products_warehouses_and_stock_levels_are_created(db):
    import_file(db, kind="catalog", path=CATALOG)
    assert products(db) == [
        ("BRK-3003-SS", "Bracket 3003 Stainless", 375, "EUR"),
        ("GIZ-2002-RD", "Gizmo 2002 Red", 9900, "USD"),
        ("VLV-4004-10", "Valve 4004 10mm", 1500, "JPY"),
        ("WID-1001-BL", "Widget 1001 Blue", 1250, "USD"),
    ]
    assert stock(db) == [("BRK-3003-SS", "EU", 500), ("GIZ-2002-RD", "EAST", 0),
                         ("VLV-4004-10", "EU", 25), ("WID-1001-BL", "EAST", 100),
                         ("WID-1001-BL", "WEST", 40)]


def test_reimport_is_unchanged_and_changes_update_in_place(db, tmp_path):
    import_file(db, kind="catalog", path=CATALOG)
    again = import_file(db, kind="catalog", path=CATALOG)
    assert (again.rows_imported, again.rows_unchanged) == (0, 5)
    update = write_csv(tmp_path / "c.csv", HEADER, [
        ["WID-1001-BL", "Widget 1001 Blue", "13.00", "USD", "100", "EAST"],
        ["WID-1001-BL", "Widget 1001 Blue", "13.00", "USD", "35", "west"],
    ])
    report = import_file(db, kind="catalog", path=update)
    assert (report.rows_imported, report.rows_unchanged) == (2, 0)
    assert ("WID-1001-BL", "Widget 1001 Blue", 1300, "USD") in products(db)
    assert ("WID-1001-BL", "WEST", 35) in stock(db)
    with db.read() as s:
        assert s.scalar(select(StockLevel.id).where(StockLevel.on_hand == 35)) is not None
        assert len(list(s.scalars(select(Warehouse)))) == 3


def test_one_sku_must_keep_one_price_and_one_row_per_warehouse(db, tmp_path):
    path = write_csv(tmp_path / "c.csv", HEADER, [
        ["FAN-1-BK", "Fan", "10.00", "USD", "5", "EAST"],
        ["FAN-1-BK", "Fan", "11.00", "USD", "5", "WEST"],
        ["FAN-1-BK", "Fan", "10.00", "USD", "6", "EAST"],
        ["FAN-2-BK", "Fan two", "10.00", "USD", "", ""],
        ["FAN-3-BK", "Fan three", "10.00", "USD", "4", ""],
    ])
    report = import_file(db, kind="catalog", path=path)
    assert [(r.row, r.column) for r in report.rejections] == [
        (3, None), (4, "warehouse"), (6, "warehouse")]
    assert "different name, unit_price or currency on row 2" in report.rejections[0].reason
    assert [sku for sku, *_ in products(db)] == ["FAN-1-BK", "FAN-2-BK"]
    assert stock(db) == [("FAN-1-BK", "EAST", 5)]

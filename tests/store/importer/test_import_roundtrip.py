"""Seeded data exported in the import contract imports back unchanged (on either database)."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from store.db import Database, make_engine
from store.importer import import_file
from store.importer.export import export_catalog, export_customers, export_orders
from store.models import Base, Customer, Order, OrderLine, StockLevel
from store.seed.demo import seed_demo

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def content(db) -> dict:
    with db.read() as s:
        return {
            "orders": s.execute(select(
                Order.ref, Customer.code, Order.po_number, Order.ordered_at,
                Order.requested_date, Order.payment_status, Order.ship_name,
                Order.ship_postal_code, Order.notes, Order.sales_rep_id)
                .join(Customer).order_by(Order.ref)).all(),
            "lines": s.execute(select(Order.ref, OrderLine.line_no, OrderLine.sku,
                                      OrderLine.quantity, OrderLine.unit_price_minor,
                                      OrderLine.product_id.is_(None))
                               .join(Order).order_by(Order.ref, OrderLine.line_no)).all(),
            "customers": s.execute(select(Customer.code, Customer.name, Customer.credit_limit_minor,
                                          Customer.sales_rep_id).order_by(Customer.code)).all(),
            "stock": s.scalar(select(func.sum(StockLevel.on_hand))),
        }


def test_seeded_orders_survive_export_and_import(db, tmp_path):
    source = Database(make_engine(f"sqlite:///{tmp_path / 'source.sqlite3'}"))
    Base.metadata.create_all(source.engine)
    seed_demo(source, orders=400, seed=11, now=NOW)
    files = {kind: tmp_path / f"{kind}.csv" for kind in ("catalog", "customers", "orders")}
    export_catalog(source, files["catalog"])
    export_customers(source, files["customers"])
    lines = export_orders(source, files["orders"])

    reports = {kind: import_file(db, kind=kind, path=path) for kind, path in files.items()}
    assert all(r.rows_rejected == 0 for r in reports.values()), [
        r.rejections[:3] for r in reports.values()]
    assert reports["orders"].rows_imported == lines
    assert content(db) == content(source)
    assert import_file(db, kind="orders", path=files["orders"]).rows_unchanged == lines

"""Helpers shared by the import tests (no tests here)."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from store.importer import import_file
from store.models import Event, ImportRun, Order, OrderLine

FIXTURES = Path(__file__).parent / "fixtures"
ORDER_HEADER = [
    "order_ref", "customer_code", "po_number", "order_date", "requested_date", "sku",
    "quantity", "unit_price", "currency", "ship_name", "ship_line1", "ship_line2", "ship_city",
    "ship_region", "ship_postal_code", "ship_country", "payment_status", "sales_rep", "notes",
]


def load_reference(db) -> None:
    """The fixture catalog and customers (their bad rows are rejected, the rest go in)."""
    import_file(db, kind="catalog", path=FIXTURES / "catalog.csv")
    import_file(db, kind="customers", path=FIXTURES / "customers.csv")


def write_csv(path: Path, header: list[str], rows: list[list], *, delimiter=",",
              encoding="utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def order_row(ref, sku="WID-1001-BL", quantity="1", price="12.50", **extra) -> list[str]:
    values = {"order_ref": ref, "customer_code": "ACME", "order_date": "2024-05-04",
              "sku": sku, "quantity": quantity, "unit_price": price, "currency": "USD", **extra}
    return [str(values.get(name, "")) for name in ORDER_HEADER]


def orders_snapshot(db) -> list[tuple]:
    """Every order with its lines and events, comparable across runs."""
    with db.read() as s:
        orders = s.execute(select(
            Order.ref, Order.customer_id, Order.po_number, Order.ordered_at, Order.currency,
            Order.payment_status, Order.ship_city, Order.version_id).order_by(Order.ref)).all()
        lines = s.execute(select(Order.ref, OrderLine.line_no, OrderLine.sku,
                                 OrderLine.product_id, OrderLine.quantity,
                                 OrderLine.unit_price_minor)
                          .join(Order, Order.id == OrderLine.order_id)
                          .order_by(Order.ref, OrderLine.line_no)).all()
        events = s.execute(select(Event.order_id, Event.kind, Event.actor_id)
                           .order_by(Event.id)).all()
    return [tuple(orders), tuple(lines), tuple(events)]


def import_runs(db) -> list[ImportRun]:
    with db.read() as s:
        return list(s.scalars(select(ImportRun).order_by(ImportRun.id)))

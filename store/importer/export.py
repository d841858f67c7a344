"""Write catalog, customers and orders as CSV in exactly the import contract, so a database
can be copied into another through `import_file` (and the importer can be benchmarked on
real-looking files). Streams in id order, a chunk at a time, so memory stays flat. Text a
spreadsheet would run as a formula is defused with an apostrophe (store.control_chars), which
the importer removes again."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import and_, select

from store.control_chars import spreadsheet_cell
from store.db import Database
from store.enums import AddressKind
from store.importer import catalog, customers, orders
from store.models import Customer, CustomerAddress, Order, OrderLine, Product, StockLevel, Warehouse
from store.money import format_minor

CHUNK = 5000


def export_catalog(db: Database, path: Path) -> int:
    query = (select(Product.id, Product.sku, Product.name, Product.unit_price_minor,
                    Product.currency, StockLevel.on_hand, Warehouse.code)
             .outerjoin(StockLevel, StockLevel.product_id == Product.id)
             .outerjoin(Warehouse, Warehouse.id == StockLevel.warehouse_id)
             .order_by(Product.id, Warehouse.code))
    with db.read() as session:
        rows = ([r.sku, r.name, format_minor(r.unit_price_minor, r.currency), r.currency,
                 "" if r.on_hand is None else r.on_hand, r.code or ""]
                for r in session.execute(query))
        return _write(path, catalog.COLUMNS, rows)


def export_customers(db: Database, path: Path) -> int:
    a = CustomerAddress
    query = (select(Customer, a.line1, a.line2, a.city, a.region, a.postal_code, a.country)
             .outerjoin(a, and_(a.customer_id == Customer.id, a.kind == AddressKind.SHIPPING,
                                a.is_default.is_(True)))
             .order_by(Customer.id))
    seen: set[int] = set()
    with db.read() as session:
        def rows():
            for c, *address in session.execute(query):
                if c.id in seen:
                    continue  # more than one default address: the first one counts
                seen.add(c.id)
                limit = "" if c.credit_limit_minor is None else format_minor(
                    c.credit_limit_minor, c.currency)
                yield [c.code, c.name, c.email or "", c.phone or "", limit, c.currency,
                       c.sales_rep_id or "", *[v or "" for v in address]]
        return _write(path, customers.COLUMNS, rows())


def export_orders(db: Database, path: Path) -> int:
    return _write(path, orders.COLUMNS, _order_rows(db))


def _order_rows(db: Database) -> Iterator[list]:
    o, line = Order, OrderLine
    after = 0
    while True:
        with db.read() as session:
            chunk = session.execute(
                select(o, Customer.code).join(Customer, Customer.id == o.customer_id)
                .where(o.id > after).order_by(o.id).limit(CHUNK)
            ).all()
            if not chunk:
                return
            ids = [order.id for order, _ in chunk]
            lines: dict[int, list] = {}
            for ln in session.scalars(select(line).where(line.order_id.in_(ids))
                                      .order_by(line.order_id, line.line_no)):
                lines.setdefault(ln.order_id, []).append(ln)
        for order, code in chunk:
            for ln in lines.get(order.id, []):
                yield _order_line_row(order, code, ln)
        after = ids[-1]


def _order_line_row(order: Order, code: str, ln: OrderLine) -> list:
    def s(value):
        return "" if value is None else value
    return [
        order.ref, code, s(order.po_number), order.ordered_at.isoformat(),
        s(order.requested_date and order.requested_date.isoformat()), ln.sku, ln.quantity,
        format_minor(ln.unit_price_minor, order.currency), order.currency,
        s(order.ship_name), s(order.ship_line1), s(order.ship_line2), s(order.ship_city),
        s(order.ship_region), s(order.ship_postal_code), s(order.ship_country),
        order.payment_status.value, s(order.sales_rep_id), s(order.notes),
    ]


def _write(path: Path, header: list[str], rows) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([spreadsheet_cell(value) for value in row])
            count += 1
    return count

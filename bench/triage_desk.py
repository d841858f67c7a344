"""A small triage desk and a file of problem orders: the triage tests' desk, and the one
bench/checks_bench.py and bench/reliability_report.py run against.

Catalog: WID-1001-BL $12.50 (100 in stock), GIZ-2002-RD $45.00 (3 in stock), BRK-3003-SS
$6.50 (ACME pays $6.00), OLD-0003-BK discontinued. Customers: ACME (rep U0SALES1, no credit
limit), GLOBEX (rep U0SALES2, $100.00 limit). `problem_rows` has one order per problem type,
each with exactly that one problem, and two clean orders.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

from store import clock
from store.enums import AddressKind
from store.importer import ORDER_COLUMNS, import_file
from store.models import (
    Customer,
    CustomerAddress,
    CustomerPrice,
    Product,
    StockLevel,
    Warehouse,
)

PRODUCTS = (("WID-1001-BL", "Widget Blue", 1250, True, 100),
            ("GIZ-2002-RD", "Gizmo Red", 4500, True, 3),
            ("BRK-3003-SS", "Bracket", 650, True, 500),
            ("OLD-0003-BK", "Old Widget", 900, False, 50))
REPS = {"ACME": "U0SALES1", "GLOBEX": "U0SALES2"}
# problem type -> order refs carrying exactly that problem
EXPECTED = {
    "unknown_sku": "SO-9001", "price_mismatch": "SO-9002", "insufficient_stock": "SO-9003",
    "bad_address": "SO-9004", "payment_error": "SO-9005", "duplicate_order": "SO-9007",
    "credit_limit": "SO-9008", "late": "SO-9009",
}


def triage_desk(db) -> dict:
    with db.write() as s:
        wh = Warehouse(code="EAST", name="East DC")
        s.add(wh)
        products = {sku: Product(sku=sku, name=name, unit_price_minor=price, currency="USD",
                                 active=active) for sku, name, price, active, _ in PRODUCTS}
        s.add_all(products.values())
        acme = _customer("ACME", "Acme Corporation", None)
        globex = _customer("GLOBEX", "Globex Ltd", 10_000)
        s.add_all([acme, globex])
        s.flush()
        for sku, _n, _p, _a, stock in PRODUCTS:
            s.add(StockLevel(product_id=products[sku].id, warehouse_id=wh.id, on_hand=stock))
        s.add(CustomerPrice(customer_id=acme.id, product_id=products["BRK-3003-SS"].id,
                            unit_price_minor=600))
        return {"ACME": acme.id, "GLOBEX": globex.id,
                **{sku: p.id for sku, p in products.items()}}


def _customer(code: str, name: str, limit: int | None) -> Customer:
    c = Customer(code=code, name=name, currency="USD", credit_limit_minor=limit,
                 sales_rep_id=REPS[code])
    c.addresses.append(CustomerAddress(
        kind=AddressKind.SHIPPING, is_default=True, name=f"{name} Receiving", line1="1 Main St",
        city="Springfield", region="IL", postal_code="62701", country="US"))
    return c


def row(ref: str, sku: str, quantity: int, price: str, *, customer="ACME", **extra) -> list:
    today = clock.today()
    values = {"order_ref": ref, "customer_code": customer, "order_date": today.isoformat(),
              "requested_date": (today + timedelta(days=10)).isoformat(), "sku": sku,
              "quantity": str(quantity), "unit_price": price, "currency": "USD",
              "ship_name": "Dock 4", "ship_line1": "1 Main St", "ship_city": "Springfield",
              "ship_region": "IL", "ship_postal_code": "62701", "ship_country": "US",
              "payment_status": "authorized", **extra}
    return [str(values.get(name, "")) for name in ORDER_COLUMNS]


def problem_rows() -> list[list]:
    today = clock.today()
    return [
        row("SO-9001", "NOPE-999", 1, "5.00"),
        row("SO-9002", "WID-1001-BL", 2, "10.00"),
        row("SO-9003", "GIZ-2002-RD", 10, "45.00"),
        row("SO-9004", "WID-1001-BL", 3, "12.50", ship_postal_code="ABCDE"),
        row("SO-9005", "WID-1001-BL", 4, "12.50", payment_status="failed"),
        row("SO-9006", "BRK-3003-SS", 5, "6.00", po_number="PO-555"),
        row("SO-9007", "BRK-3003-SS", 6, "6.00", po_number="PO-555"),
        row("SO-9008", "WID-1001-BL", 10, "12.50", customer="GLOBEX"),
        row("SO-9009", "WID-1001-BL", 7, "12.50", requested_date=today.isoformat()),
        row("SO-9010", "WID-1001-BL", 8, "12.50"),
    ]


def import_problems(db, tmp_path: Path, rows: list[list] | None = None):
    """`rows` (problem_rows by default) written as an orders file in `tmp_path` and imported."""
    path = tmp_path / "problems.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ORDER_COLUMNS)
        writer.writerows(rows or problem_rows())
    return import_file(db, kind="orders", path=path)

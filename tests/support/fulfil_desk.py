"""The order desk the fulfilment tests work on (no tests here): the hand-made desk of
tests/support/desk.py plus one order made for shipping, returning and
canceling, with stock that is easy to count.

SO-2001 (ACME, on terms: it has a credit limit), ordered yesterday, shipping $9.95, promised
six days from today (PROMISED):
  line 1  WID-1042-BL Widget Blue       × 4 @ $12.50 = $50.00
  line 2  CBL-5005-BK Cable Black       × 10 @ $3.00 = $30.00
  line 3  BRK-3003-SS Bracket Stainless × 2 @ $6.00  = $12.00      subtotal $92.00
SO-2002 (ACME), shipping $9.95: line 1  PMP-7007-GR Pump Green × 3 @ $180.00 = $540.00
Stock before: WID EAST 100 on hand / 10 reserved, WEST 40 / 0; CBL EAST 50 / 0;
BRK EAST 30 / 0; PMP EAST 20 / 0; GIZ-2001-RD EAST 5 / 7 (over-reserved by others).
"""

from __future__ import annotations

from sqlalchemy import select

from store.models import Order, Product, StockLevel, Warehouse
from store.workspace.routing import set_route
from tests.support.clock import days_ago, in_days
from tests.support.desk import add_order, build

REF = "SO-2001"
PROMISED = in_days(6)
WAREHOUSE_CHANNEL, MANAGER_CHANNEL = "C0WH", "C0MGR"


def fulfil_desk(db, *, routes: bool = True) -> dict:
    ids = build(db)
    with db.write() as s:
        east = s.get(Warehouse, ids["east"])
        cable = Product(sku="CBL-5005-BK", name="Cable Black", unit_price_minor=300,
                        currency="USD", active=True)
        pump = Product(sku="PMP-7007-GR", name="Pump Green", unit_price_minor=18000,
                       currency="USD", active=True)
        s.add_all([cable, pump])
        s.flush()
        products = {p.sku: p.id for p in s.scalars(select(Product))}
        s.add_all([StockLevel(product_id=cable.id, warehouse_id=east.id, on_hand=50, reserved=0),
                   StockLevel(product_id=pump.id, warehouse_id=east.id, on_hand=20, reserved=0),
                   StockLevel(product_id=products["BRK-3003-SS"], warehouse_id=east.id,
                              on_hand=30, reserved=0)])
        order = add_order(s, REF, ids["ACME"], days_ago(1), po="PO-2001",
                          lines=[("WID-1042-BL", products["WID-1042-BL"], 4, 1250),
                                 ("CBL-5005-BK", cable.id, 10, 300),
                                 ("BRK-3003-SS", products["BRK-3003-SS"], 2, 600)])
        order.promised_date = PROMISED
        add_order(s, "SO-2002", ids["ACME"], days_ago(1),
                  lines=[("PMP-7007-GR", pump.id, 3, 18000)])
        ids["products"] = products
    if routes:
        set_route(db, actor="U0ADMIN", key="warehouse", channel_id=WAREHOUSE_CHANNEL)
        set_route(db, actor="U0ADMIN", key="manager", channel_id=MANAGER_CHANNEL)
    return ids


def stock(db, sku: str, warehouse: str = "EAST") -> tuple[int, int]:
    """(on hand, reserved) of a SKU in a warehouse."""
    with db.read() as s:
        level = s.execute(
            select(StockLevel).join(Product, Product.id == StockLevel.product_id)
            .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
            .where(Product.sku == sku, Warehouse.code == warehouse)).scalar_one()
        return level.on_hand, level.reserved


def reserved_lines(db, ref: str = REF) -> list[int]:
    with db.read() as s:
        order = s.scalars(select(Order).where(Order.ref == ref)).one()
        return [line.quantity_reserved for line in order.lines]

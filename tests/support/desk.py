"""A small, hand-made order desk for the lookup / edit / customer / stock tests (no tests here).

Three customers, a handful of products in two warehouses, and orders covering the cases the
tests need: PO numbers, a UPS shipment, a shipped order, a draft, a canceled one.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from store.enums import AddressKind, FulfilmentStatus, OrderStatus
from store.models import (
    Customer,
    CustomerAddress,
    CustomerContact,
    CustomerPrice,
    Order,
    OrderLine,
    Product,
    Shipment,
    ShipmentLine,
    StockLevel,
    Warehouse,
)
from tests.support.clock import TODAY, days_ago, in_days

PRODUCTS = (
    ("WID-1042-BL", "Widget Blue", 1250, True),
    ("GIZ-2001-RD", "Gizmo Red", 4500, True),
    ("BRK-3003-SS", "Bracket Stainless", 650, True),
    ("OLD-0001-BK", "Old Widget Black", 900, False),
)
CUSTOMERS = (
    ("ACME", "Acme Corporation", 500_000),
    ("BETA", "Beta Industrial Supply", None),
    ("GLOBEX", "Globex Ltd", 100_000),
)


def build(db, *, today: date = TODAY) -> dict:
    """Create the desk around `today` (the tests' today unless a desk pins its own); returns
    ids by name for tests that need them."""
    ago = partial(days_ago, today=today)
    with db.write() as s:
        east, west = Warehouse(code="EAST", name="East DC"), Warehouse(code="WEST", name="West DC")
        s.add_all([east, west])
        products = {sku: Product(sku=sku, name=name, unit_price_minor=price, currency="USD",
                                 active=active) for sku, name, price, active in PRODUCTS}
        s.add_all(products.values())
        customers = {code: _customer(code, name, limit) for code, name, limit in CUSTOMERS}
        s.add_all(customers.values())
        s.flush()
        s.add_all([
            StockLevel(product_id=products["WID-1042-BL"].id, warehouse_id=east.id,
                       on_hand=100, reserved=10),
            StockLevel(product_id=products["WID-1042-BL"].id, warehouse_id=west.id,
                       on_hand=40, reserved=0),
            StockLevel(product_id=products["GIZ-2001-RD"].id, warehouse_id=east.id,
                       on_hand=5, reserved=7),
            CustomerPrice(customer_id=customers["ACME"].id,
                          product_id=products["BRK-3003-SS"].id, unit_price_minor=600),
        ])
        acme, beta, globex = (customers[c].id for c in ("ACME", "BETA", "GLOBEX"))
        p = {sku: prod.id for sku, prod in products.items()}
        o1042 = add_order(s, "SO-1042", acme, ago(5), po="PO-7781",
                          lines=[("WID-1042-BL", p["WID-1042-BL"], 2, 1250),
                                 ("GIZ-2001-RD", p["GIZ-2001-RD"], 1, 4500)],
                          requested=in_days(6, today=today))
        o1042.lines[0].warehouse_id, o1042.lines[0].quantity_reserved = east.id, 2
        add_order(s, "SO-1043", beta, ago(4), po="4500012345",
                  lines=[("GIZ-2001-RD", p["GIZ-2001-RD"], 3, 4500)])
        shipped = add_order(s, "SO-1044", beta, ago(3), po="PO-9001",
                            lines=[("BRK-3003-SS", p["BRK-3003-SS"], 10, 650)],
                            fulfilment=FulfilmentStatus.SHIPPED)
        add_order(s, "SO-1045", acme, ago(2), status=OrderStatus.DRAFT,
                  lines=[("BRK-3003-SS", p["BRK-3003-SS"], 4, 600),
                         ("NOPE-1", None, 1, 100)])
        add_order(s, "SO-1046", globex, ago(1), status=OrderStatus.CANCELED,
                  lines=[("WID-1042-BL", p["WID-1042-BL"], 1, 1250)])
        s.flush()
        shipment = Shipment(order_id=shipped.id, carrier="UPS", service="Ground",
                            shipped_at=ago(2), tracking_number="1Z999AA10123456784")
        shipment.lines.append(ShipmentLine(order_line_id=shipped.lines[0].id, quantity=10))
        s.add(shipment)
        ids = {"east": east.id, "west": west.id, **{c: customers[c].id for c in customers}}
    return ids


def _customer(code: str, name: str, limit: int | None) -> Customer:
    customer = Customer(code=code, name=name, currency="USD", credit_limit_minor=limit,
                        email=f"orders@{code.lower()}.example", phone="+1 555 0100")
    customer.contacts.append(CustomerContact(name=f"{name} Buyer", email=f"buyer@{code}.example",
                                             role="Purchasing"))
    customer.addresses.append(CustomerAddress(
        kind=AddressKind.SHIPPING, is_default=True, name=f"{name} Receiving",
        line1="1 Main St", city="Springfield", region="IL", postal_code="62701", country="US"))
    return customer


def add_order(session, ref: str, customer_id: int, ordered_at: datetime, *, lines,
              po: str | None = None, status=OrderStatus.OPEN,
              fulfilment=FulfilmentStatus.UNFULFILLED, requested: date | None = None) -> Order:
    order = Order(
        ref=ref, customer_id=customer_id, po_number=po, currency="USD", ordered_at=ordered_at,
        status=status, fulfilment_status=fulfilment, shipping_minor=995,
        requested_date=requested, ship_name="Receiving", ship_line1="1 Main St",
        ship_city="Springfield", ship_region="IL", ship_postal_code="62701", ship_country="US",
    )
    for n, (sku, product_id, quantity, price) in enumerate(lines, start=1):
        order.lines.append(OrderLine(line_no=n, sku=sku, product_id=product_id,
                                     quantity=quantity, unit_price_minor=price))
    session.add(order)
    return order


# Refs as other systems hand them over (an ERP, a storefront, SAP, NetSuite), each on an order
# of its own; `add_foreign_refs` adds them to a desk built by build().
FOREIGN_REFS = ("HX-2001", "HX-2005", "WEB-1001", "#1001", "4500099999", "SO12345")


def add_foreign_refs(db, desk: dict, refs=FOREIGN_REFS, *, today: date = TODAY) -> None:
    with db.write() as s:
        for n, ref in enumerate(refs):
            add_order(s, ref, desk["GLOBEX"], days_ago(n % 3, today=today),
                      lines=[("WID-1042-BL", None, 1, 1250)])

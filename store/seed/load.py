"""Writing the demo data set: reference rows, order chunks, stock levels, counters."""

from __future__ import annotations

import random

from sqlalchemy import text

from store.db import Database
from store.models import (
    Approval,
    Customer,
    CustomerAddress,
    CustomerContact,
    CustomerPrice,
    Order,
    OrderHold,
    OrderLine,
    OrderReceivedFacts,
    OrderShipFacts,
    Product,
    Return,
    ReturnLine,
    Shipment,
    ShipmentLine,
    StockLevel,
    Warehouse,
)
from store.refs import ORDER_COUNTER, RMA_COUNTER, set_counter
from store.seed.bulk import BulkWriter, advance_sequences
from store.seed.facts import (
    CYCLE_HOURS,
    RECEIVED_FACT_COLS,
    RECEIVED_FACT_TS,
    SHIP_FACT_COLS,
    SHIP_FACT_TS,
)
from store.seed.fulfil import (
    APPROVAL_COLS,
    APPROVAL_TS,
    FIRST_RMA,
    HOLD_COLS,
    HOLD_TS,
    RETURN_COLS,
    RETURN_LINE_COLS,
    RETURN_TS,
    SHIPMENT_COLS,
    SHIPMENT_LINE_COLS,
    SHIPMENT_TS,
)
from store.seed.orders import FIRST_REF, LINE_COLS, ORDER_COLS, ORDER_TS
from store.seed.reference import WAREHOUSES, Catalog, CustomerSet

# table name -> (model, columns, timestamp columns), in foreign-key order.
_ORDER_TABLES = {
    "orders": (Order, ORDER_COLS, ORDER_TS),
    "order_lines": (OrderLine, LINE_COLS, ()),
    "order_holds": (OrderHold, HOLD_COLS, HOLD_TS),
    "returns": (Return, RETURN_COLS, RETURN_TS),
    "return_lines": (ReturnLine, RETURN_LINE_COLS, ()),
    "approvals": (Approval, APPROVAL_COLS, APPROVAL_TS),
    "shipments": (Shipment, SHIPMENT_COLS, SHIPMENT_TS),
    "shipment_lines": (ShipmentLine, SHIPMENT_LINE_COLS, ()),
    "order_received_facts": (OrderReceivedFacts, RECEIVED_FACT_COLS, RECEIVED_FACT_TS),
    "order_ship_facts": (OrderShipFacts, SHIP_FACT_COLS, SHIP_FACT_TS),
}
ORDER_TABLES = tuple(_ORDER_TABLES)
# Julian day of the Unix epoch in milliseconds: SQLite's julianday() is its integer
# milliseconds / 86400000.0.
_EPOCH_JD_MS = 210_866_760_000_000
# The tables with an id sequence (the facts are keyed by their order).
_SEEDED = (Warehouse, Product, Customer, CustomerContact, CustomerAddress, CustomerPrice,
           StockLevel, *(model for model, columns, _ in _ORDER_TABLES.values()
                         if columns[0] == "id"))


def load_reference(db: Database, catalog: Catalog, customers: CustomerSet) -> None:
    with db.write() as session:
        out = BulkWriter(session)
        out.insert(Warehouse.__table__, ("id", "code", "name"), list(WAREHOUSES))
        out.insert(Product.__table__, ("id", "sku", "name", "unit_price_minor", "currency",
                                       "active"), catalog.rows)
        out.insert(Customer.__table__, ("id", "code", "name", "email", "phone",
                                        "credit_limit_minor", "currency", "sales_rep_id",
                                        "created_at"), customers.customers, ("created_at",))
        out.insert(CustomerContact.__table__, ("id", "customer_id", "name", "email", "phone",
                                               "role"), customers.contacts)
        out.insert(CustomerAddress.__table__, ("id", "customer_id", "kind", "is_default", "name",
                                               "line1", "line2", "city", "region",
                                               "postal_code", "country"), customers.addresses)
        out.insert(CustomerPrice.__table__, ("id", "customer_id", "product_id",
                                             "unit_price_minor"), customers.prices)


def load_orders(db: Database, rows: dict[str, list[tuple]]) -> int:
    """One chunk of orders and everything hanging off them, in one transaction."""
    with db.write() as session:
        out = BulkWriter(session)
        rows["order_ship_facts"] = _with_cycle_hours(rows["order_ship_facts"], out.postgres)
        for name, (model, columns, stamps) in _ORDER_TABLES.items():
            out.insert(model.__table__, columns, rows[name], stamps)
    return len(rows["order_lines"])


def _with_cycle_hours(rows: list[tuple], postgres: bool) -> list[tuple]:
    """Ship facts rows with cycle_hours as each database's SQL computes it (store.facts.shipped
    ._hours), bit for bit: PostgreSQL divides the whole seconds by 3600.0, SQLite subtracts
    two julianday() values and multiplies by 24.0."""
    i = CYCLE_HOURS
    if postgres:
        return [(*row[:i], (row[1] - row[2]) / 3600.0, *row[i + 1:]) for row in rows]
    jd = _EPOCH_JD_MS
    return [(*row[:i], ((row[1] * 1000 + jd) / 86_400_000.0 - (row[2] * 1000 + jd)
                        / 86_400_000.0) * 24.0, *row[i + 1:]) for row in rows]


def load_stock(db: Database, rng: random.Random, catalog: Catalog,
               reserved: dict[tuple[int, int], int], orders: int) -> None:
    """Stock per product and warehouse; reserved matches the allocated order lines, and
    on_hand covers it except for the few nearly-empty products (a real problem to find)."""
    rows = []
    weekly = orders / 13 * 2.9 * 6.5 / max(1, len(catalog.skus))  # units a product sells a week
    for index, warehouses in enumerate(catalog.warehouses):
        pid = index + 1
        for warehouse in warehouses:
            held = reserved.get((pid, warehouse), 0)
            if index in catalog.low_stock:
                on_hand = rng.randint(0, 5)
            else:
                on_hand = held + int(rng.uniform(0.3, 2.0) * weekly / len(warehouses)) + \
                    rng.randint(0, 25)
            rows.append((len(rows) + 1, pid, warehouse, on_hand, held))
    with db.write() as session:
        BulkWriter(session).insert(StockLevel.__table__, ("id", "product_id", "warehouse_id",
                                                          "on_hand", "reserved"), rows)


def finish(db: Database, *, orders: int, returns: int) -> None:
    """Counters past the seeded numbers, sequences past the explicit ids, fresh statistics."""
    with db.write() as session:
        if orders:
            set_counter(session, ORDER_COUNTER, FIRST_REF - 1 + orders)
        if returns:
            set_counter(session, RMA_COUNTER, FIRST_RMA - 1 + returns)
        advance_sequences(session, [model.__table__ for model in _SEEDED])
        session.execute(text("ANALYZE"))

"""Racing allocations of scarce stock never reserve more than is there: the stock rows are
locked while counted (FOR UPDATE on PostgreSQL; SQLite writes are serialised)."""

from sqlalchemy import select

from store.fulfilment.allocation import allocate
from store.models import Order, OrderLine, Product, StockLevel
from tests.support.clock import days_ago
from tests.support.desk import add_order
from tests.support.fulfil_desk import fulfil_desk, stock
from tests.support.race import at_once


def test_two_orders_racing_for_the_last_pumps_reserve_only_what_is_there(db):
    ids = fulfil_desk(db)
    with db.write() as s:
        pump = s.scalars(select(Product).where(Product.sku == "PMP-7007-GR")).one()
        s.scalars(select(StockLevel).where(StockLevel.product_id == pump.id)).one().on_hand = 5
        for ref in ("SO-3001", "SO-3002"):
            add_order(s, ref, ids["ACME"], days_ago(1), lines=[("PMP-7007-GR", pump.id, 3, 18000)])
    outcomes = at_once(*(lambda ref=ref: allocate(db, ref=ref, actor="U0PROC1")
                         for ref in ("SO-3001", "SO-3002")))
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert errors == []
    assert stock(db, "PMP-7007-GR") == (5, 5)
    with db.read() as s:
        rows = s.execute(select(OrderLine.quantity_reserved, OrderLine.quantity_backordered)
                         .join(Order).where(Order.ref.in_(["SO-3001", "SO-3002"]))).all()
    assert sorted(rows) == [(2, 1), (3, 0)]

"""The backordered figures recover once a backorder is filled (issue #17, item 6): a line
allocated short, restocked and shipped in full no longer counts as backordered, and its
order is complete and can be perfect. The flag is cleared by allocation and shipping (issue
#15, item 4)."""

from sqlalchemy import select

from store.fulfilment.allocation import allocate
from store.metrics.digest import build_digest
from store.metrics.drill import drill_orders
from store.models import Order, Product, StockLevel
from store.periods import custom_period
from tests.support.clock import TEST_NOW, in_days
from tests.support.facts import ACTOR, ship
from tests.support.fulfil_desk import fulfil_desk


def test_a_filled_backorder_leaves_the_backordered_fill_and_perfect_figures(db):
    fulfil_desk(db)
    allocate(db, ref="SO-1042", actor=ACTOR)  # the gizmo is not free: backordered
    ship(db, ref="SO-1042", day=in_days(-1), l1=2)  # the widgets go first
    with db.write() as s:  # restocked
        gizmo = s.scalar(select(Product).where(Product.sku == "GIZ-2001-RD"))
        for level in s.scalars(select(StockLevel).where(StockLevel.product_id == gizmo.id)):
            level.on_hand += 20
    ship(db, ref="SO-1042", l2=1)  # the rest, in a second shipment
    with db.read() as s:
        order = s.scalar(select(Order).where(Order.ref == "SO-1042"))
        assert [line.quantity_backordered for line in order.lines] == [0, 0]
    period = custom_period(in_days(-7), in_days(0))
    for kind in ("short", "imperfect"):
        listed = drill_orders(db, kind=kind, period=period, timezone="UTC")
        assert "SO-1042" not in [o.ref for o in listed.orders], kind
    view = build_digest(db, period=period, timezone="UTC", now=TEST_NOW)
    assert view.current.orders_backordered == 0

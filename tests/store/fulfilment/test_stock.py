"""/stock <sku or query>: availability by warehouse, or products to choose from."""

import pytest

from store.errors import ProductNotFound
from store.fulfilment.stock import get_stock
from store.views.orders import StockRow, StockView
from tests.support.desk import build


@pytest.fixture
def desk(db):
    return build(db)


def test_an_exact_sku_shows_stock_per_warehouse(db, desk):
    view = get_stock(db, query="wid-1042-bl")
    assert isinstance(view, StockView)
    assert (view.sku, view.name, view.unit_price_minor, view.active) == (
        "WID-1042-BL", "Widget Blue", 1250, True)
    assert view.warehouses == (StockRow("EAST", "East DC", 100, 10, 90),
                               StockRow("WEST", "West DC", 40, 0, 40))
    assert (view.total_on_hand, view.total_reserved, view.total_available) == (140, 10, 130)


def test_over_reserved_stock_shows_negative_availability_and_takes_nothing_from_another(db,
                                                                                       desk):
    """EAST holds 5 and has 7 reserved: it shows -2 (news), but the total of what is free is
    WEST's 3, not 1 (the checks then said "3 ordered, 1 available" for 3 gizmos that WEST had)."""
    from sqlalchemy import select

    from store.models import Order, Product, StockLevel, Warehouse
    from store.triage.checks import findings_for
    view = get_stock(db, query="GIZ-2001-RD")
    assert [r.available for r in view.warehouses] == [-2] and view.total_available == 0
    with db.write() as s:
        s.add(StockLevel(product_id=s.scalar(select(Product.id).where(
            Product.sku == "GIZ-2001-RD")), warehouse_id=s.scalar(select(Warehouse.id).where(
                Warehouse.code == "WEST")), on_hand=3, reserved=0))
    view = get_stock(db, query="GIZ-2001-RD")
    assert [r.available for r in view.warehouses] == [-2, 3] and view.total_available == 3
    with db.read() as s:  # SO-1043: 3 gizmos, which WEST has free
        order_id = s.scalar(select(Order.id).where(Order.ref == "SO-1043"))
        assert [f.fingerprint for f in findings_for(s, [order_id])
                if f.type == "insufficient_stock"] == []


def test_a_sku_without_dashes_is_still_exact(db, desk):
    assert get_stock(db, query="brk3003ss").sku == "BRK-3003-SS"


def test_a_name_gives_candidates(db, desk):
    matches = get_stock(db, query="widget")
    assert isinstance(matches, tuple)
    assert {m.sku for m in matches} >= {"WID-1042-BL", "OLD-0001-BK"}
    assert matches[0].active is True


def test_nothing_close_raises_product_not_found(db, desk):
    with pytest.raises(ProductNotFound, match="qqqzzz"):
        get_stock(db, query="qqqzzz")

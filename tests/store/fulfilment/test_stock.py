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


def test_over_reserved_stock_shows_negative_availability(db, desk):
    view = get_stock(db, query="GIZ-2001-RD")
    assert view.total_available == -2


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

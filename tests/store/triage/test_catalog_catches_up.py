"""An order taken with a SKU the catalog did not have yet: once the catalog has it, the line is
linked to the product and the unknown-SKU item resolves, whether the catalog import or an edit
of the order comes first (it stayed "unknown SKU" for good, edits included)."""

from sqlalchemy import select

from store.enums import DiscrepancyStatus, DiscrepancyType
from store.importer import import_file
from store.models import Discrepancy, OrderLine, Product
from store.orders.edit import OrderEdit
from store.orders.operations import edit_order, get_order
from store.triage import check_orders
from tests.support.clock import days_ago, in_days
from tests.support.desk import add_order, build
from tests.support.imports import write_csv

ACTOR = "U0PROC1"


def _order_with_a_new_sku(db) -> int:
    desk = build(db)
    with db.write() as s:
        order = add_order(s, "SO-2001", desk["ACME"], days_ago(1), lines=[("WID-1", None, 2, 1250)])
        s.flush()
        check_orders(s, [order.id], actor=ACTOR)
        return order.id


def _state(db, order_id: int) -> tuple:
    with db.read() as s:
        item = s.scalar(select(Discrepancy.status).where(
            Discrepancy.order_id == order_id, Discrepancy.type == DiscrepancyType.UNKNOWN_SKU))
        linked = s.scalar(select(OrderLine.product_id).where(OrderLine.order_id == order_id))
    return item, linked is not None


def test_importing_the_sku_into_the_catalog_resolves_the_orders_waiting_for_it(db, tmp_path):
    order_id = _order_with_a_new_sku(db)
    assert _state(db, order_id) == (DiscrepancyStatus.NEW, False)
    path = write_csv(tmp_path / "catalog.csv", ["sku", "name", "unit_price", "currency"],
                     [["WID-1", "Widget one", "12.50", "USD"]])
    import_file(db, kind="catalog", path=path)
    assert _state(db, order_id) == (DiscrepancyStatus.RESOLVED, True)


def test_an_edit_after_the_catalog_caught_up_links_the_line(db):
    order_id = _order_with_a_new_sku(db)
    with db.write() as s:
        s.add(Product(sku="WID-1", name="Widget one", unit_price_minor=1250, currency="USD"))
    order = get_order(db, ref="SO-2001")
    edit_order(db, ref="SO-2001", actor=ACTOR, expected_version=order.version,
               changes=OrderEdit(requested_date=in_days(20)))
    assert _state(db, order_id) == (DiscrepancyStatus.RESOLVED, True)

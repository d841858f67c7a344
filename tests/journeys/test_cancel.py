"""Canceling: refused once part of the order has left, with the way forward; before shipment it
gives the stock back, stops the pick, tells the rep, and the card stops offering what no longer
applies."""

from sqlalchemy import select

from messages.actions import FulfilmentActions, OrderActions, ReturnActions
from store.models import Product, StockLevel
from tests.support.journeys import PROCESSOR, SOFIA, buttons, text_of


def stock(j, sku: str) -> tuple[int, int]:
    with j.db.read() as s:
        level = s.execute(select(StockLevel).join(Product, Product.id == StockLevel.product_id)
                          .where(Product.sku == sku)).scalar_one()
        return level.on_hand, level.reserved


def test_cancel_is_refused_after_a_partial_shipment_and_releases_stock_before_one(journey):
    """Would have failed on main at #15.8: the canceled order's card still offered Edit, Ship
    and Return (and the completed order's card too); the cancel itself behaved."""
    j = journey
    j.import_orders(
        {"order_ref": "4500030001", "customer_code": "INITECH", "sku": "HXV12",
         "quantity": "20", "unit_price": "12.40"},
        {"order_ref": "4500030001", "customer_code": "INITECH", "sku": "7731-0042",
         "quantity": "2", "unit_price": "133.95"},
        {"order_ref": "4500030002", "customer_code": "INITECH", "po_number": "PO-INI-2",
         "sku": "7731-0042", "quantity": "5", "unit_price": "133.95"})
    for ref in ("4500030001", "4500030002"):
        j.slash(f"release {ref}")
        j.said(PROCESSOR, f"*{ref}* is released to the warehouse")
    assert stock(j, "7731-0042") == (40, 7)

    # Part of the first order leaves; cancel is refused, pointing at a return.
    j.submit(j.modal("ship 4500030001"), {"carrier": "Other", "qty.l1": "10", "qty.l2": "0"})
    j.said(PROCESSOR, "the rest can ship later")
    answer = j.slash("cancel 4500030001 customer changed their mind")
    assert "already left" in str(answer.body) and "Start a return" in str(answer.body)
    assert j.order("4500030001").status.value == "open"

    # The second has not shipped: cancel gives the reserved valves back and stops the pick.
    pick = j.pick_request("4500030002")
    j.submit(j.modal("cancel 4500030002"), {"reason": "Ordered twice by mistake"})
    j.said(PROCESSOR, "is canceled; 5 reserved unit(s) went back to stock")
    assert stock(j, "7731-0042") == (40, 2)
    j.wait_for(lambda: "Canceled — do not pick" in text_of(pick))
    j.wait_for(lambda: any("4500030002" in text_of(m) for m in j.dms(SOFIA)))

    card = j.card("PO-INI-2")
    assert buttons(card) == [OrderActions.FLAG, OrderActions.HISTORY, OrderActions.FOLLOW,
                             OrderActions.SHARE]
    assert FulfilmentActions.SHIP not in buttons(card) and ReturnActions.START not in buttons(card)

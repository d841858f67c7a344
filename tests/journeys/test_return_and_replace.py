"""After delivery: a return with a replacement and an exchange on a completed order; the goods
go out from the warehouse's pick request; refunds and figures come out right. And a return
outside the return window waits for a manager before it is accepted."""

from datetime import timedelta

from sqlalchemy import select

from messages.actions import ApprovalActions, FulfilmentActions
from store import clock
from store.enums import ReturnStatus
from store.metrics import build_digest
from store.models import Order, Return, Shipment
from store.periods import period_containing
from tests.support.journeys import MANAGER, PROCESSOR, SAM, buttons, text_of

REF = "HX-2002"


def shipped_and_completed(j, ref: str = REF) -> None:
    j.import_orders(
        {"order_ref": ref, "customer_code": "GLOBEX", "po_number": "4500012399",
         "sku": "7731-0042", "quantity": "2", "unit_price": "133.95"},
        {"order_ref": ref, "customer_code": "GLOBEX", "sku": "HXV12", "quantity": "5",
         "unit_price": "12.40"})
    j.slash(f"release {ref}")
    j.said(PROCESSOR, "is released to the warehouse")
    j.submit(j.modal(f"ship {ref}"), {"carrier": "UPS", "tracking": "1Z999AA10123456784"})
    j.said(PROCESSOR, "Everything has shipped")
    j.submit(j.modal(f"edit {ref}"), {"transition": "completed"})
    j.said(PROCESSOR, "status: open → completed")


def test_a_replacement_and_an_exchange_on_a_completed_order_ship_from_the_pick_request(journey):
    """Would have failed on main at #15.2: the return said the goods "ship through the Ship
    form once approved" (no approval was needed), then Ship answered "HX-2002 is completed;
    only open orders ship", and the pick request never showed them."""
    j = journey
    shipped_and_completed(j)
    view = j.modal(f"return {REF}")
    j.submit(view, {"ret.1.quantity": "1", "ret.1.outcome": "replace",
                    "ret.1.reason": "defective",
                    "ret.2.quantity": "1", "ret.2.outcome": "exchange",
                    "ret.2.reason": "wrong_item", "ret.2.sku": "PX.900"})
    done = j.said(PROCESSOR, "Recorded *RMA-")
    assert "pick request" in text_of(done) and "once approved" not in text_of(done)
    assert "Refund *$0.00*" in text_of(done)

    card = j.card("4500012399")  # by its PO
    assert "Replacements to ship" in text_of(card)
    assert FulfilmentActions.SHIP in buttons(card) and "order.edit" not in buttons(card)

    pick = j.pick_request(REF)
    j.wait_for(lambda: "replacement for RMA-" in text_of(pick))
    assert "`PX.900` Pressure Gauge × *1* · exchange for RMA-" in text_of(pick)
    before = len(j.sb.views(user=PROCESSOR))
    j.click(FulfilmentActions.SHIP, pick)
    j.wait_for(lambda: len(j.sb.views(user=PROCESSOR)) > before)
    ship = j.sb.views(user=PROCESSOR)[-1]
    assert "(replacement)" in text_of(ship) and "(exchange)" in text_of(ship)
    j.submit(ship, {"carrier": "UPS", "tracking": "1Z999AA10123456791"})
    j.said(PROCESSOR, "Everything has shipped")
    j.wait_for(lambda: buttons(pick) == [])

    order = j.order(REF)
    assert (order.status.value, order.payment_status.value) == ("completed", "authorized")
    with j.db.read() as s:
        ret = s.scalars(select(Return)).one()
        assert (ret.status, ret.refund_minor, ret.shipping_refund_minor) == (
            ReturnStatus.CLOSED, 0, 0)
        assert [x.return_id is not None for x in s.scalars(
            select(Shipment).order_by(Shipment.id))] == [False, True]
    assert j.lines(REF)[1][1] == 5  # an exchange swaps goods; the order's lines stay
    week = build_digest(j.db, period=period_containing("weekly", clock.today()),
                        timezone="UTC").current
    # The replacement shipment is not a second shipping of the order.
    assert (week.orders_shipped, week.orders_returned, week.shipped_perfect) == (1, 1, 1)


def test_a_return_outside_the_window_needs_a_manager_then_is_accepted(journey):
    """Would have failed on main at #15.3: a return 80 days after delivery was accepted at
    once, without asking anyone (no return window)."""
    j = journey
    shipped_and_completed(j)
    with j.db.write() as s:
        s.scalars(select(Shipment)).one().delivered_at = clock.now() - timedelta(days=80)
        s.scalars(select(Order).where(Order.ref == REF)).one().payment_status = "captured"
    j.submit(j.modal(f"return {REF}", user=PROCESSOR),
             {"ret.2.quantity": "1", "ret.2.outcome": "refund", "ret.2.reason": "not_needed"})
    j.said(PROCESSOR, "waits for a manager's approval (#1)")
    post = j.manager_post(REF)
    assert "Late return approval #1" in text_of(post)
    assert "80 days after delivery (the return window is 60 days)" in text_of(post)
    assert j.order(REF).payment_status.value == "captured"  # nothing refunded yet

    j.click(ApprovalActions.APPROVE, post, user=MANAGER)
    j.wait_for(lambda: buttons(post) == [])
    assert "Approved" in text_of(post)
    j.wait_for(lambda: any("approved your late return request #1" in text_of(m)
                              for m in j.dms(PROCESSOR)))
    with j.db.read() as s:
        assert s.scalars(select(Return.status)).one() == ReturnStatus.APPROVED
    assert j.order(REF).payment_status.value == "partially_refunded"
    assert SAM  # the account's rep is not asked: returns are the desk's to decide

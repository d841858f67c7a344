"""Returns: the refund policy to the cent, validation keyed by the modal's blocks, and the
fulfilment and payment axes."""

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from store.customers.view import credit_used
from store.enums import ReturnOutcome
from store.errors import NothingToReturn, ValidationFailed
from store.fulfilment.refunds import ShippingFacts, line_refund, shipping_refund
from store.fulfilment.returns import ReturnLineRequest as Line
from store.fulfilment.returns import create_return, return_form
from store.fulfilment.rules import RULES
from store.fulfilment.shipments import ShipRequest, ship_order
from store.models import Approval, Order, Return
from tests.support.clock import TODAY
from tests.support.fulfil_desk import REF, fulfil_desk

ACTOR = "U0PROC1"


@pytest.fixture
def shipped(db):
    """SO-2001 with everything shipped: 4 widgets @ $12.50, 10 cables @ $3.00, 2 brackets
    @ $6.00; subtotal $92.00, shipping $9.95."""
    fulfil_desk(db)
    ship_order(db, ref=REF, actor=ACTOR, request=ShipRequest(
        "Other", None, TODAY, None, {"l1": "4", "l2": "10", "l3": "2"}))


def paid(db, ref=REF) -> None:
    with db.write() as s:
        s.scalars(select(Order).where(Order.ref == ref)).one().payment_status = "captured"


def axes(db, ref=REF) -> tuple[str, str]:
    with db.read() as s:
        order = s.scalars(select(Order).where(Order.ref == ref)).one()
        return order.fulfilment_status.value, order.payment_status.value


def test_line_refunds_give_money_back_only_for_refunds_and_claims():
    assert [line_refund(o, 3, 1250) for o in ReturnOutcome] == [3750, 0, 0, 3750]


def test_pro_rata_shipping_shares_add_up_to_exactly_the_shipping():
    # $9.95 shipping over $92.00 of goods, refunded in three returns: $12.50, $9.00, $70.50.
    before, shares = 0, []
    for goods in (1250, 900, 7050):
        facts = ShippingFacts(995, 9200, before, sum(shares), goods, False)
        shares.append(shipping_refund("pro_rata", facts))
        before += goods
    assert shares == [135, 97, 763]  # floor(995×1250/9200)=135; floor(995×2150/9200)=232-135
    assert sum(shares) == 995


def test_whole_order_and_never_policies():
    last = ShippingFacts(995, 9200, 8000, 0, 1200, True)
    assert shipping_refund("whole_order", last) == 995
    assert shipping_refund("whole_order", dataclasses.replace(last, everything_refunded=False)) == 0
    assert shipping_refund("never", last) == 0
    with pytest.raises(ValueError):
        dataclasses.replace(RULES, shipping_refund="sometimes")


def test_returning_everything_refunds_everything_under_whole_order(db, shipped):
    paid(db)
    rules = dataclasses.replace(RULES, shipping_refund="whole_order")
    first = create_return(db, ref=REF, actor=ACTOR, rules=rules, lines=[
        Line(1, "4", "refund", "not_needed"), Line(2, "10", "claim", "missing")])
    assert (first.ret.refund_minor, first.ret.shipping_refund_minor) == (8000, 0)
    assert axes(db) == ("partially_returned", "partially_refunded")
    last = create_return(db, ref=REF, actor=ACTOR, rules=rules, lines=[
        Line(3, 2, "refund", "damaged")])
    assert (last.ret.refund_minor, last.ret.shipping_refund_minor) == (1200, 995)
    assert axes(db) == ("returned", "refunded")
    with pytest.raises(NothingToReturn, match="already on a return"):
        return_form(db, ref=REF)


def test_replacements_and_exchanges_refund_nothing_but_still_count_as_returned(db, shipped):
    result = create_return(db, ref=REF, actor=ACTOR, lines=[
        Line(1, "1", "replace", "defective"),
        Line(2, "2", "exchange", "wrong_item", "BRK-3003-SS")])
    assert (result.ret.total_refund_minor, [x.exchange_sku for x in result.ret.lines]) == (
        0, [None, "BRK-3003-SS"])
    assert axes(db) == ("partially_returned", "awaiting")
    form = return_form(db, ref=REF)
    assert [(x.line_no, x.returnable) for x in form.lines] == [(1, 3), (2, 8), (3, 2)]


def test_each_problem_lands_under_its_field_and_nothing_is_saved(db, shipped):
    with pytest.raises(ValidationFailed) as refused:
        create_return(db, ref=REF, actor=ACTOR, lines=[
            Line(1, "5", "refund", "damaged"),
            Line(2, "1", None, "damaged"),
            Line(3, "1", "refund", " "),
        ])
    assert set(refused.value.errors) == {"ret.1.quantity", "ret.2.outcome", "ret.3.reason"}
    cases = [("", "Enter the SKU"), ("WID-1042-BL", "same SKU"),
             ("OLD-0001-BK", "discontinued"), ("NOPE", "No product with SKU 'NOPE'")]
    for sku, message in cases:
        with pytest.raises(ValidationFailed, match=message):
            create_return(db, ref=REF, actor=ACTOR, lines=[
                Line(1, "1", "exchange", "wrong_item", sku)])
    with pytest.raises(ValidationFailed, match="at least one line"):
        create_return(db, ref=REF, actor=ACTOR, lines=[Line(1, "", None, None)])
    with pytest.raises(ValidationFailed, match="whole number"):
        create_return(db, ref=REF, actor=ACTOR, lines=[Line(1, "-1", "refund", "damaged")])
    with db.read() as s:
        assert s.scalars(select(Return)).all() == []
    assert axes(db) == ("shipped", "awaiting")


def test_a_big_refund_waits_and_is_not_counted_until_approved(db, shipped):
    rules = dataclasses.replace(RULES, refund_approval_minor=1000)
    result = create_return(db, ref=REF, actor=ACTOR, rules=rules, lines=[
        Line(1, "1", "refund", "damaged")])  # $12.50 + $1.35 > $10.00
    assert (result.ret.status, result.ret.approval_id) == ("awaiting_approval", 1)
    # a manager may still reject it: the card must not say returned yet
    assert axes(db) == ("shipped", "awaiting")


def test_a_rejected_return_leaves_the_order_as_it_was_delivered(db, shipped):
    """A pending return turned a delivered order 'returned', and the rejection then made it
    'shipped': delivered was lost."""
    from store.fulfilment import decide
    with db.write() as s:
        s.scalars(select(Order).where(Order.ref == REF)).one().fulfilment_status = "delivered"
    rules = dataclasses.replace(RULES, refund_approval_minor=1000)
    result = create_return(db, ref=REF, actor=ACTOR, rules=rules, lines=[
        Line(1, "4", "refund", "damaged")])
    assert axes(db) == ("delivered", "awaiting")
    decide(db, approval_id=result.ret.approval_id, actor="U0MGR1", approve=False,
           reason="used, not damaged")
    assert axes(db) == ("delivered", "awaiting")


def test_the_return_window_counts_from_the_oldest_goods_on_the_return(db):
    """Line 1 shipped 90 days ago, line 3 today: a return of one of each was accepted at
    once (the newest shipment decided for both), a way round the window."""
    fulfil_desk(db)
    with db.write() as s:
        order = s.scalars(select(Order).where(Order.ref == REF)).one()
        order.ordered_at -= timedelta(days=100)
    ship_order(db, ref=REF, actor=ACTOR, request=ShipRequest(
        "Other", None, TODAY - timedelta(days=90),
        None, {"l1": "4", "l2": "", "l3": ""}))
    ship_order(db, ref=REF, actor=ACTOR, request=ShipRequest(
        "Other", None, TODAY, None, {"l2": "10", "l3": "2"}))
    fresh = create_return(db, ref=REF, actor=ACTOR, lines=[Line(3, "1", "refund", "damaged")])
    assert fresh.ret.status == "approved"
    both = create_return(db, ref=REF, actor=ACTOR, lines=[
        Line(1, "1", "refund", "damaged"), Line(3, "1", "refund", "damaged")])
    assert both.ret.status == "awaiting_approval" and both.ret.approval_id is not None
    with db.read() as s:
        assert s.scalars(select(Approval.kind)).one().value == "late_return"


def test_a_refund_on_an_unpaid_order_is_a_credit_and_leaves_payment_as_it_was(db, shipped):
    """The order was never paid (the customer is on terms): 'partially_refunded' said money
    went back, and lost that the invoice is still owed."""
    def owed():
        with db.read() as s:
            order = s.scalars(select(Order).where(Order.ref == REF)).one()
            return credit_used(s, order.customer_id)

    before = owed()
    first = create_return(db, ref=REF, actor=ACTOR, lines=[Line(1, "1", "refund", "damaged")])
    assert axes(db) == ("partially_returned", "awaiting")
    # what the customer still owes drops by the credit ($12.50 + $1.35 of shipping)
    assert before - owed() == first.ret.total_refund_minor == 1385
    paid(db)
    create_return(db, ref=REF, actor=ACTOR, lines=[Line(1, "1", "refund", "damaged")])
    assert axes(db) == ("partially_returned", "partially_refunded")


def test_a_replacement_after_a_completed_order_ships_from_the_pick_request(db, shipped):
    """#15.2: the return promised the replacement would ship, then Ship refused it because
    the order was completed. Owed goods ship on the original order as a replacement shipment;
    the order stays completed."""
    from store.enums import OrderStatus
    from store.fulfilment.pick import get_pick_post
    from store.fulfilment.shipments import ship_form
    from store.models import OutboxMessage
    with db.write() as s:
        order = s.scalars(select(Order).where(Order.ref == REF)).one()
        order.status, order_id = OrderStatus.COMPLETED, order.id
    result = create_return(db, ref=REF, actor=ACTOR, lines=[
        Line(1, "1", "replace", "defective"), Line(2, "2", "exchange", "wrong_item",
                                                   "BRK-3003-SS")])
    assert [(o.sku, o.quantity) for o in result.order.owed] == [
        ("WID-1042-BL", 1), ("BRK-3003-SS", 2)]
    pick, _posted = get_pick_post(db, order_id=order_id)
    assert pick.can_ship and pick.units_left == 3
    assert [(o.rma, o.sku, o.quantity) for o in pick.owed] == [
        (result.ret.rma, "WID-1042-BL", 1), (result.ret.rma, "BRK-3003-SS", 2)]
    with db.read() as s:
        assert s.scalars(select(OutboxMessage).where(
            OutboxMessage.dedupe_key == f"pick:{order_id}")).one().payload["channel"] == "C0WH"
    form = ship_form(db, ref=REF)
    assert [(x.label, x.left) for x in form.lines] == [
        (f"{result.ret.rma} · WID-1042-BL Widget Blue (replacement)", 1),
        (f"{result.ret.rma} · BRK-3003-SS Bracket Stainless (exchange)", 2)]
    shipped_now = ship_order(db, ref=REF, actor=ACTOR, request=ShipRequest(
        "Other", None, TODAY, None, {x.key: str(x.left) for x in form.lines}))
    assert shipped_now.complete and shipped_now.order.owed == ()
    assert shipped_now.order.status == "completed"
    assert not shipped_now.pick.can_ship
    with db.read() as s:
        assert s.scalars(select(Return)).one().status.value == "closed"


def _delivered(db, days: int) -> None:
    from datetime import timedelta

    from store import clock
    from store.models import Shipment
    with db.write() as s:
        for shipment in s.scalars(select(Shipment)):
            shipment.delivered_at = clock.now() - timedelta(days=days)


def test_a_return_outside_the_window_waits_for_a_manager(db, shipped):
    """#15.3: a return long after delivery was accepted silently; now it asks a manager."""
    from store.fulfilment.approvals import decide
    from store.models import Approval, OutboxMessage
    _delivered(db, 75)
    result = create_return(db, ref=REF, actor=ACTOR, lines=[Line(1, "1", "replace", "defective")])
    assert (result.ret.status, result.ret.approval_id) == ("awaiting_approval", 1)
    assert result.order.owed == ()  # nothing goes out before the manager says yes
    with db.read() as s:
        approval = s.get(Approval, 1)
        assert approval.kind.value == "late_return"
        assert "75 days after delivery (the return window is 60 days)" in approval.payload["detail"]
        post = s.scalars(select(OutboxMessage).where(
            OutboxMessage.dedupe_key == "approval:1:post")).one()
        assert post.payload["channel"] == "C0MGR"  # the request reaches the managers
    decide(db, approval_id=1, actor="U0MGR1", approve=True)
    with db.read() as s:
        assert s.scalars(select(Return)).one().status.value == "approved"
    from store.orders.operations import get_order
    assert [(o.sku, o.quantity) for o in get_order(db, ref=REF).owed] == [("WID-1042-BL", 1)]


def test_the_return_window_is_a_policy_setting(db, shipped):
    _delivered(db, 75)
    wide = dataclasses.replace(RULES, return_window_days=90)
    result = create_return(db, ref=REF, actor=ACTOR, rules=wide, lines=[
        Line(1, "1", "refund", "defective")])
    assert (result.ret.status, result.ret.approval_id) == ("approved", None)
    _delivered(db, 59)
    inside = create_return(db, ref=REF, actor=ACTOR, lines=[Line(2, "1", "refund", "defective")])
    assert inside.ret.status == "approved"


def test_a_superscript_two_is_no_quantity_to_return(db, shipped):
    with pytest.raises(ValidationFailed) as refused:
        create_return(db, ref=REF, actor=ACTOR, lines=[Line(1, "²", "refund", "damaged")])
    assert set(refused.value.errors) == {"ret.1.quantity"}


def test_goods_sent_out_must_be_active_and_free_in_one_warehouse(db, shipped):
    """A replacement of a discontinued widget was approved; so was an exchange for 8 pumps
    when EAST and WEST had 5 each free — but the ship form sends a product from one
    warehouse, and refused it afterwards."""
    from store.models import Product, StockLevel, Warehouse
    with db.write() as s:
        s.scalars(select(Product).where(Product.sku == "WID-1042-BL")).one().active = False
        pump = s.scalars(select(Product).where(Product.sku == "PMP-7007-GR")).one()
        s.scalars(select(StockLevel).where(StockLevel.product_id == pump.id)).one().on_hand = 5
        s.add(StockLevel(product_id=pump.id, on_hand=5, reserved=0, warehouse_id=s.scalar(
            select(Warehouse.id).where(Warehouse.code == "WEST"))))
    with pytest.raises(ValidationFailed, match="WID-1042-BL is discontinued"):
        create_return(db, ref=REF, actor=ACTOR, lines=[Line(1, "1", "replace", "defective")])
    with pytest.raises(ValidationFailed, match="Only 5 in stock to send out from one"):
        create_return(db, ref=REF, actor=ACTOR, lines=[
            Line(2, "8", "exchange", "wrong_item", "PMP-7007-GR")])
    create_return(db, ref=REF, actor=ACTOR, lines=[
        Line(2, "5", "exchange", "wrong_item", "PMP-7007-GR")])

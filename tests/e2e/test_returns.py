"""Returns through the sandbox on a partially shipped order: each outcome (refund,
replacement, exchange, claim), the refund to the cent, validation, and the replacement and
exchange goods shipped through the ship form against their return."""

from sqlalchemy import select

from messages.actions import ReturnActions
from store.models import Order, Return, Shipment, ShipmentLine
from tests.support.fulfil_desk import reserved_lines, stock
from tests.support.fulfilment import PROCESSOR


def ship_part(ful):
    """SO-2001 released, then lines 1 and 2 shipped in full, line 3 (2 brackets) not yet."""
    ful.slash("release SO-2001")
    view = ful.modal("ship SO-2001")
    ful.submit(view, {"carrier": "FedEx", "tracking": "123456789012", "qty.l3": "0"})
    ful.said(PROCESSOR, "the rest can ship later")


def returns(ful) -> list[Return]:
    with ful.db.read() as s:
        return list(s.scalars(select(Return).order_by(Return.id)))


def test_each_outcome_on_a_partially_shipped_order_with_refunds_to_the_cent(ful):
    ship_part(ful)
    with ful.db.write() as s:  # paid: its refunds give money back
        s.scalars(select(Order).where(Order.ref == "SO-2001")).one().payment_status = "captured"
    assert ful.order().fulfilment_status.value == "partially_shipped"
    ful.slash("SO-2001")
    card = ful.sb.ephemerals(user=PROCESSOR)[-1]
    ful.click(ReturnActions.START, card)
    ful.sb.wait_for(lambda: ful.sb.views(user=PROCESSOR))
    view = ful.sb.views(user=PROCESSOR)[-1]
    shown = [b["block_id"] for b in view.blocks if b.get("block_id", "").endswith(".quantity")]
    assert shown == ["ret.1.quantity", "ret.2.quantity"]  # line 3 has not shipped

    # 1 widget refunded, 2 cables replaced.
    ful.submit(view, {"ret.1.quantity": "1", "ret.1.outcome": "refund",
                      "ret.1.reason": "damaged", "ret.2.quantity": "2",
                      "ret.2.outcome": "replace", "ret.2.reason": "defective"})
    assert not view.is_open
    # Goods $12.50; shipping pro rata: 995 × 1250 / 9200 = 135.19 -> $1.35; total $13.85.
    ful.said(PROCESSOR, "Refund *$13.85* ($12.50 goods + $1.35 shipping)")

    second = ful.modal("return SO-2001")
    bad = ful.sb.submit(second, {"ret.1.quantity": "1", "ret.1.outcome": "exchange",
                                 "ret.1.reason": "wrong_item", "ret.1.sku": "GIZ-2001-RD",
                                 "ret.2.quantity": "9", "ret.2.outcome": "claim",
                                 "ret.2.reason": "missing"}, user=PROCESSOR)
    assert bad.status == 200 and not bad.problems and second.is_open
    assert "Only 0 in stock" in second.errors["ret.1.sku"]
    assert "Only 8 of line 2" in second.errors["ret.2.quantity"]
    # 1 widget exchanged for a bracket, 3 cables claimed as missing.
    ful.submit(second, {"ret.1.sku": "brk-3003-ss", "ret.2.quantity": "3"})
    # Claim $9.00; shipping: 995 × (1250 + 900) / 9200 = 232.53 -> 232, less 135 = $0.97.
    ful.said(PROCESSOR, "Refund *$9.97* ($9.00 goods + $0.97 shipping)")

    first, then = returns(ful)
    assert (first.rma, first.refund_minor, first.shipping_refund_minor) == ("RMA-1001", 1250, 135)
    assert (then.rma, then.refund_minor, then.shipping_refund_minor) == ("RMA-1002", 900, 97)
    assert {first.status.value, then.status.value} == {"approved"}
    order = ful.order()  # line 3 is still to ship: the warehouse's stage shows it
    assert (order.fulfilment_status.value, order.payment_status.value) == (
        "partially_shipped", "partially_refunded")
    assert stock(ful.db, "CBL-5005-BK") == (40, 0)  # returned goods are not restocked here

    # The replacement cables and the exchanged bracket ship with line 3, against their return.
    rest = ful.modal("ship SO-2001")
    keys = [b["block_id"] for b in rest.blocks if b.get("block_id", "").startswith("qty.")]
    cbl, brk = ful.ids["products"]["CBL-5005-BK"], ful.ids["products"]["BRK-3003-SS"]
    assert keys == ["qty.l3", f"qty.r{first.id}.{cbl}", f"qty.r{then.id}.{brk}"]
    ful.submit(rest, {"carrier": "UPS", "tracking": "1Z999AA10123456784"})
    ful.said(PROCESSOR, "Everything has shipped")
    assert stock(ful.db, "CBL-5005-BK") == (38, 0)
    assert stock(ful.db, "BRK-3003-SS") == (27, 0)
    assert reserved_lines(ful.db) == [0, 0, 0]
    with ful.db.read() as s:
        sent = s.execute(select(Shipment.return_id, ShipmentLine.product_id, ShipmentLine.quantity)
                         .join(ShipmentLine).where(Shipment.return_id.is_not(None))
                         .order_by(Shipment.return_id)).all()
    assert sent == [(first.id, cbl, 2), (then.id, brk, 1)]
    assert {r.status.value for r in returns(ful)} == {"closed"}
    assert ful.order().fulfilment_status.value == "partially_returned"  # nothing left to ship


def test_nothing_shipped_means_nothing_to_return(ful):
    answer = ful.slash("return SO-2001")
    assert "has shipped yet" in str(answer.body)
    assert ful.sb.views(user=PROCESSOR) == []

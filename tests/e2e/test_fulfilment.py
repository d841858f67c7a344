"""Shipping through the sandbox: release to the warehouse, pick -> pack -> ship by buttons,
a partial shipment then the rest, tracking validated per carrier, stock counted throughout."""

import json

from sqlalchemy import select

from messages.actions import FulfilmentActions
from store.models import Discrepancy, OrderHold, Shipment
from store.orders import apply_fix
from tests.support.fulfil_desk import reserved_lines, stock
from tests.support.fulfilment import buttons, text_of

PROCESSOR = "U0PROC1"


def test_pick_pack_and_ship_by_buttons_moves_the_order_and_the_stock(ful):
    answer = ful.slash("release SO-2001")
    assert "released to the warehouse" in text_of_body(answer)
    pick = ful.pick_message()
    assert buttons(pick) == [FulfilmentActions.PICKED, FulfilmentActions.SHIP]
    assert stock(ful.db, "WID-1042-BL") == (100, 14)
    assert stock(ful.db, "CBL-5005-BK") == (50, 10)
    assert stock(ful.db, "BRK-3003-SS") == (30, 2)
    assert reserved_lines(ful.db) == [4, 10, 2]

    ful.click(FulfilmentActions.PICKED, pick)
    ful.sb.wait_for(lambda: FulfilmentActions.PACKED in buttons(pick))
    assert "Picking" in text_of(pick) and ful.order().fulfilment_status.value == "picking"
    ful.click(FulfilmentActions.PACKED, pick)
    ful.sb.wait_for(lambda: buttons(pick) == [FulfilmentActions.SHIP])
    assert ful.order().fulfilment_status.value == "packed"

    ful.click(FulfilmentActions.SHIP, pick)
    ful.sb.wait_for(lambda: ful.sb.views(user=PROCESSOR))
    view = ful.sb.views(user=PROCESSOR)[-1]
    assert view.callback_id == FulfilmentActions.SHIP_CALLBACK
    ful.submit(view, {"carrier": "UPS", "service": "Ground",
                      "tracking": "1Z 999 AA1 0123456784"})
    assert not view.is_open
    ful.sb.wait_for(lambda: buttons(pick) == [])
    assert "Nothing left to pick or ship" in text_of(pick)
    ful.said(PROCESSOR, "https://www.ups.com/track?tracknum=1Z999AA10123456784")
    assert ful.order().fulfilment_status.value == "shipped"
    assert stock(ful.db, "WID-1042-BL") == (96, 10)
    assert stock(ful.db, "CBL-5005-BK") == (40, 0)
    assert stock(ful.db, "BRK-3003-SS") == (28, 0)
    assert reserved_lines(ful.db) == [0, 0, 0]


def test_a_partial_shipment_then_the_rest(ful):
    ful.slash("release SO-2001")
    view = ful.modal("ship SO-2001")
    bad = ful.sb.submit(view, {"carrier": "UPS", "tracking": "12345", "qty.l1": "5"},
                        user=PROCESSOR)
    assert bad.status == 200 and not bad.problems and view.is_open
    assert "not a UPS tracking number" in view.errors["tracking"]
    assert "Only 4 left" in view.errors["qty.l1"]
    assert stock(ful.db, "WID-1042-BL") == (100, 14)  # nothing saved

    ful.submit(view, {"carrier": "FedEx", "tracking": "123456789012", "qty.l1": "2",
                      "qty.l2": "10", "qty.l3": "0"})
    assert not view.is_open
    ful.said(PROCESSOR, "the rest can ship later")
    assert ful.order().fulfilment_status.value == "partially_shipped"
    assert stock(ful.db, "WID-1042-BL") == (98, 12)
    assert stock(ful.db, "CBL-5005-BK") == (40, 0)
    assert reserved_lines(ful.db) == [2, 0, 2]
    pick = ful.pick_message()
    ful.sb.wait_for(lambda: buttons(pick) == [FulfilmentActions.SHIP])  # no pick/pack now

    rest = ful.modal("ship SO-2001")
    shown = [b["block_id"] for b in rest.blocks if b.get("block_id", "").startswith("qty.")]
    assert shown == ["qty.l1", "qty.l3"]
    ful.submit(rest, {"carrier": "USPS", "tracking": "9400111899223344556677"})
    ful.said(PROCESSOR, "Everything has shipped")
    assert ful.order().fulfilment_status.value == "shipped"
    assert stock(ful.db, "WID-1042-BL") == (96, 10)
    assert stock(ful.db, "BRK-3003-SS") == (28, 0)
    assert reserved_lines(ful.db) == [0, 0, 0]
    order_id = ful.order().id
    with ful.db.read() as s:
        carriers = list(s.scalars(select(Shipment.carrier).where(Shipment.order_id == order_id)
                                  .order_by(Shipment.id)))
    assert carriers == ["FedEx", "USPS"]
    ful.sb.wait_for(lambda: "Nothing left to pick or ship" in text_of(pick))


def test_nothing_left_to_ship_is_said_at_once(ful):
    answer = ful.slash("ship SO-1044")
    assert "Everything on SO-1044 has shipped" in text_of_body(answer)
    assert ful.sb.views(user=PROCESSOR) == []


def text_of_body(answer) -> str:
    return json.dumps(answer.body)


def test_pick_request_shows_a_hold(ful):
    """A hold placed after release redrew the pick request as it was: "Stage Allocated" with
    [Picked] [Shipped…], and the picker learned of the hold only by pressing Picked."""
    ful.slash("release SO-2001")
    pick = ful.pick_message()
    assert buttons(pick) == [FulfilmentActions.PICKED, FulfilmentActions.SHIP]
    ful.submit(ful.modal("edit SO-2001"), {"hold": "customer_request", "hold_note": "wait"})
    ful.sb.wait_for(lambda: FulfilmentActions.PICKED not in text_of(pick))
    assert ":no_entry: *On hold:* Customer request — wait" in text_of(pick)
    assert "Don't pick or ship while the order is on hold." in text_of(pick)
    assert buttons(pick) == []
    assert ful.order().fulfilment_status.value == "allocated"


def test_a_released_hold_gives_the_pick_request_its_buttons_back(ful):
    ful.slash("release SO-2001")
    pick = ful.pick_message()
    ful.click(FulfilmentActions.PICKED, pick)
    ful.sb.wait_for(lambda: buttons(pick) == [FulfilmentActions.PACKED, FulfilmentActions.SHIP])
    ful.submit(ful.modal("edit SO-2001"), {"hold": "credit_hold"})
    ful.sb.wait_for(lambda: buttons(pick) == [])
    assert "On hold:* Credit hold\\n" in text_of(pick)  # no note: nothing after the reason
    with ful.db.read() as s:
        (hold_id,) = s.scalars(select(OrderHold.id).where(OrderHold.released_at.is_(None)))
    ful.submit(ful.modal("edit SO-2001"), {"release_holds": [str(hold_id)]})
    ful.sb.wait_for(lambda: buttons(pick) == [FulfilmentActions.PACKED, FulfilmentActions.SHIP])
    assert "hold" not in text_of(pick).lower()
    ful.click(FulfilmentActions.PACKED, pick)
    ful.sb.wait_for(lambda: buttons(pick) == [FulfilmentActions.SHIP])
    assert ful.order().fulfilment_status.value == "packed"


def test_a_new_ship_to_after_release_is_said_in_the_pick_requests_thread(ful):
    """The request was redrawn in place with the new address and nothing else: a label
    printed from it already went to the old one, and nobody in the warehouse was told."""
    ful.slash("release SO-2001")
    pick = ful.pick_message()
    ful.sb.wait_for(lambda: pick.ts)
    ful.submit(ful.modal("edit SO-2001"), {"ship_to.line1": "9 Harbour Rd",
                                           "ship_to.city": "Shelbyville",
                                           "ship_to.postal_code": "62565"})
    ful.sb.wait_for(lambda: ful.sb.thread(pick.channel, pick.ts))
    (note,) = ful.sb.thread(pick.channel, pick.ts)
    assert f"Ship-to changed by <@{PROCESSOR}>: check the label" in text_of(note)
    assert "> 9 Harbour Rd" in text_of(note) and "Shelbyville" in text_of(note)
    ful.submit(ful.modal("edit SO-2001"), {"shipping_instructions": "dock 4"})  # not ship-to
    ful.deliver()
    assert len(ful.sb.thread(pick.channel, pick.ts)) == 1


def test_an_address_fix_after_release_reaches_the_pick_request_and_its_thread(ful):
    """Apply fix changed the ship-to with neither a redraw nor a word: the request kept the
    address it had and its thread's last note named the wrong one."""
    ful.slash("release SO-2001")
    pick = ful.pick_message()
    ful.sb.wait_for(lambda: pick.ts)
    ful.submit(ful.modal("edit SO-2001"), {"ship_to.line1": "9 Harbour Rd",
                                           "ship_to.postal_code": "ABCDE"})
    ful.sb.wait_for(lambda: len(ful.sb.thread(pick.channel, pick.ts)) == 1)
    with ful.db.read() as s:
        item = s.scalars(select(Discrepancy).where(Discrepancy.type == "bad_address")).one()
    apply_fix(ful.db, discrepancy_id=item.id, actor=PROCESSOR)
    ful.deliver()
    ful.sb.wait_for(lambda: len(ful.sb.thread(pick.channel, pick.ts)) == 2)
    assert "> 1 Main St" in text_of(ful.sb.thread(pick.channel, pick.ts)[-1])
    ful.sb.wait_for(lambda: "9 Harbour Rd" not in text_of(pick))

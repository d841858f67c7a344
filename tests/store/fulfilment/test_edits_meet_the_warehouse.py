"""An order edited while the warehouse works on it: the pick request follows the edit, a
ship form opened before a line changed is refused for that line, a hold stops the picking,
the editor closes short without keeping stock reserved, and canceling has one way."""

import pytest
from sqlalchemy import select, update

from store.enums import OutboxStatus
from store.errors import ValidationFailed, WrongStage
from store.fulfilment import allocate, get_pick_post, mark_packed, mark_picked
from store.fulfilment.shipments import ShipRequest, ship_form, ship_order
from store.models import Order, OutboxMessage
from store.orders import edit_order, get_order
from store.orders.edit import OrderEdit
from store.orders.lines import LineEdit
from store.views.orders import AddressView
from tests.support.clock import TODAY
from tests.support.fulfil_desk import REF, fulfil_desk, reserved_lines, stock

DESK, WAREHOUSE = "U0PROC1", "U0PROC2"


def edit(db, **changes):
    return edit_order(db, ref=REF, actor=DESK, expected_version=get_order(db, ref=REF).version,
                      changes=OrderEdit(**changes))


def ship(db, quantities, marks=None):
    return ship_order(db, ref=REF, actor=WAREHOUSE, request=ShipRequest(
        "UPS", "Ground", TODAY, "1Z999AA10123456784", quantities, marks))


@pytest.fixture
def released(db):
    fulfil_desk(db)
    allocate(db, ref=REF, actor=DESK)
    with db.write() as s:  # the pick request is in the warehouse channel
        order_id = s.scalar(select(Order.id).where(Order.ref == REF))
        s.execute(update(OutboxMessage).where(OutboxMessage.dedupe_key == f"pick:{order_id}")
                  .values(status=OutboxStatus.SENT, result_ts="1700000000.000100", attempts=1))
    return order_id


@pytest.mark.parametrize("change", [
    {"lines": (LineEdit(3, "PMP-7007-GR", 2, "180.00"),)},
    {"lines": (LineEdit(2, "", 3, "3.00"),)},
    {"place_hold": ("customer_request", "wait for the new PO")},
], ids=["sku", "quantity", "hold"])
def test_an_edit_brings_the_posted_pick_request_up_to_date(db, released, change):
    edit(db, **change)
    with db.read() as s:
        updates = s.scalars(select(OutboxMessage.id).where(
            OutboxMessage.target == f"pick:{released}",
            OutboxMessage.method == "chat.update")).all()
    assert updates, "the warehouse still picks from the old request"


def test_a_hold_placed_after_release_stops_picking(db, released):
    edit(db, place_hold=("customer_request", "wait for the new PO"))
    with pytest.raises(WrongStage, match="on hold"):
        mark_picked(db, ref=REF, actor=WAREHOUSE)


def updates_queued(db, order_id) -> int:
    with db.read() as s:
        return len(s.scalars(select(OutboxMessage.id).where(
            OutboxMessage.target == f"pick:{order_id}",
            OutboxMessage.method == "chat.update")).all())


def test_the_pick_request_shows_a_hold_and_offers_no_step_until_it_is_released(db, released):
    """The redraw after a hold kept [Picked] [Shipped…] and said nothing of the hold."""
    edit(db, place_hold=("customer_request", "wait for the new PO"))
    pick, _ = get_pick_post(db, order_id=released)
    assert [(h.reason, h.note) for h in pick.holds] == [("customer_request",
                                                         "wait for the new PO")]
    assert not (pick.can_pick or pick.can_pack or pick.can_ship)
    before = updates_queued(db, released)
    (hold,) = pick.holds
    edit(db, release_hold_ids=(hold.id,))
    assert updates_queued(db, released) == before + 1  # the release redraws it too
    pick, _ = get_pick_post(db, order_id=released)
    assert pick.holds == () and pick.can_pick and pick.can_ship and not pick.can_pack


def test_a_ship_form_opened_before_a_line_changed_does_not_ship_the_new_product(db, released):
    mark_picked(db, ref=REF, actor=WAREHOUSE)
    mark_packed(db, ref=REF, actor=WAREHOUSE)
    form = ship_form(db, ref=REF)  # "Line 3 · BRK-3003-SS", 2 left
    marks = {line.key: line.mark for line in form.lines}
    edit(db, lines=(LineEdit(3, "PMP-7007-GR", 2, "180.00"),))
    pumps = stock(db, "PMP-7007-GR")
    with pytest.raises(ValidationFailed) as refused:
        ship(db, {"l1": "4", "l2": "10", "l3": "2"}, marks)
    assert "PMP-7007-GR" in refused.value.errors["qty.l3"]
    assert stock(db, "PMP-7007-GR") == pumps
    ship(db, {"l1": "4"}, marks)  # the lines that did not change still ship
    fresh = {line.key: line.mark for line in ship_form(db, ref=REF).lines}
    ship(db, {"l3": "2"}, fresh)  # a form opened after the edit ships the pumps
    assert stock(db, "PMP-7007-GR") == (pumps[0] - 2, pumps[1])


def test_lowering_a_part_shipped_line_to_what_shipped_gives_its_stock_back(db, released):
    ship(db, {"l2": "4"})
    assert stock(db, "CBL-5005-BK") == (46, 6)
    edit(db, lines=(LineEdit(2, "", 4, "3.00"),))  # the customer doesn't want the other 6
    assert reserved_lines(db)[1] == 0 and stock(db, "CBL-5005-BK") == (46, 0)


def test_lowering_a_part_shipped_line_keeps_what_is_still_to_ship(db, released):
    ship(db, {"l2": "4"})
    edit(db, lines=(LineEdit(2, "", 6, "3.00"),))  # 2 left to ship
    assert reserved_lines(db)[1] == 2 and stock(db, "CBL-5005-BK") == (46, 2)


def test_completing_short_in_the_editor_gives_the_rest_of_its_stock_back(db, released):
    ship(db, {"l2": "4"})
    edit(db, transition_to="completed")
    assert reserved_lines(db) == [0, 0, 0] and stock(db, "CBL-5005-BK") == (46, 0)


def test_the_editor_points_canceling_to_its_own_flow(db, released):
    assert "canceled" not in get_order(db, ref=REF).allowed_transitions
    with pytest.raises(ValidationFailed) as refused:
        edit(db, transition_to="canceled")
    assert f"/order cancel {REF}" in refused.value.errors["transition"]
    assert get_order(db, ref=REF).status == "open"


def test_a_catalog_price_moved_since_the_order_was_taken_is_no_news_to_an_edit(db):
    """Cables went from $3.00 to $4.00 in the catalog after SO-2001 took 10 at $3.00. An edit
    of the shipping instructions opened "catalog price $4.00" on the cable line: it held the
    order back, and its fix would have re-priced the customer. A line the edit prices (a new
    SKU, a new price) is judged against today's catalog."""
    from store.models import Discrepancy, Product
    fulfil_desk(db)
    with db.write() as s:
        s.scalars(select(Product).where(Product.sku == "CBL-5005-BK")).one() \
            .unit_price_minor = 400

    def price_items():
        with db.read() as s:
            return [d.title for d in s.scalars(select(Discrepancy).where(
                Discrepancy.type == "price_mismatch"))]

    edit(db, shipping_instructions="leave at dock 4")
    edit(db, lines=(LineEdit(2, "", 12, "3.00"),))  # more cables, at the price agreed
    assert price_items() == []
    edit(db, lines=(LineEdit(2, "", 12, "2.00"),))  # a price asked for: the line is judged
    (item,) = price_items()
    assert item.startswith("Line 2: CBL-5005-BK at ") and item.endswith("catalog price $4.00")


def _pick_notes(db) -> int:
    with db.read() as s:
        return len(s.scalars(select(OutboxMessage).where(
            OutboxMessage.dedupe_key.like("pick-note:%"))).all())


def test_a_new_ship_to_is_said_to_the_warehouse_once_the_request_is_out(released, db):
    moved = AddressView(name="Acme Dock", line1="9 Harbour Rd", city="Shelbyville",
                        region="IL", postal_code="62565", country="US")
    edit(db, ship_to=moved)
    assert _pick_notes(db) == 1


def test_no_note_while_the_pick_request_is_not_posted_yet(db):
    """It goes out with the new address: there is no label to check yet."""
    fulfil_desk(db)
    allocate(db, ref=REF, actor=DESK)  # queued, not sent
    edit(db, ship_to=AddressView(name="Acme Dock", line1="9 Harbour Rd", city="Shelbyville",
                                 region="IL", postal_code="62565", country="US"))
    assert _pick_notes(db) == 0

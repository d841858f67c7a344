"""Shipments: validation keyed by the modal's blocks, stock taken from the shelf and the
reservation, the pick request's stages, and the pick post kept current in the outbox."""

import pytest
from sqlalchemy import select

from store import outbox
from store.errors import NothingToShip, ValidationFailed, WrongStage
from store.fulfilment.allocation import allocate
from store.fulfilment.pick import mark_packed, mark_picked
from store.fulfilment.shipments import ShipRequest, ship_form, ship_order
from store.models import Event, OutboxMessage, Shipment
from store.orders.edit import OrderEdit
from store.orders.operations import edit_order, get_order
from tests.support.clock import TODAY, in_days
from tests.support.fulfil_desk import REF, fulfil_desk, reserved_lines, stock
from tests.support.outbox import rendered

ACTOR = "U0PROC1"


@pytest.fixture
def desk(db):
    return fulfil_desk(db)


def ship(db, carrier="UPS", tracking=None, day=TODAY, ref=REF, **quantities):
    request = ShipRequest(carrier, "Ground", day, tracking,
                          {k: str(v) for k, v in quantities.items()})
    return ship_order(db, ref=ref, actor=ACTOR, request=request)


@pytest.mark.parametrize("carrier,good,bad", [
    ("UPS", "1z999aa1-0123456784", "123456789012"),
    ("FedEx", "123456789012345", "1Z999AA10123456784"),
    ("USPS", "EC123456789US", "12345"),
    ("DHL", "JJD0123456789012345678", "1Z999AA10123456784"),
])
def test_tracking_numbers_must_fit_their_carrier(db, desk, carrier, good, bad):
    with pytest.raises(ValidationFailed) as refused:
        ship(db, carrier, bad, l1=1)
    assert f"not a {carrier} tracking number" in refused.value.errors["tracking"]
    result = ship(db, carrier, good, l1=1)
    assert result.tracking_url and result.units == 1


@pytest.mark.parametrize("carrier,scanned,number", [
    ("USPS", "42062701" "9400111899223344556677", "9400111899223344556677"),      # 420 + ZIP
    ("USPS", "420627011234" "9400111899223344556677", "9400111899223344556677"),  # ZIP+4
    ("FedEx", "1001901781990001000300617767123456", "617767123456"),  # the last 12 digits
    ("UPS", "1Z999AA1\u200b0123456784", "1Z999AA10123456784"),  # a zero-width space inside
])
def test_a_scanned_label_barcode_gives_its_tracking_number(db, desk, carrier, scanned,
                                                          number):
    """Warehouse scanners read the whole label barcode: USPS's leads with 420 and the ZIP,
    FedEx's 34 digits end with the tracking number. Both were refused as not USPS / FedEx."""
    ship(db, carrier, scanned, l1=1)
    with db.read() as s:
        shipment = s.scalars(select(Shipment).order_by(Shipment.id.desc())).first()
    assert shipment.tracking_number == number


def test_every_field_is_checked_and_nothing_is_saved_on_error(db, desk):
    with pytest.raises(ValidationFailed) as refused:
        ship(db, "Pigeon", day=in_days(30), l1="x", l2=11, l9=1)
    assert set(refused.value.errors) == {"carrier", "ship_date", "qty.l1", "qty.l2", "qty.l9"}
    with pytest.raises(ValidationFailed, match="can't have shipped before"):
        ship(db, day=in_days(-25), l1=1)
    with pytest.raises(ValidationFailed, match="at least one line"):
        ship(db, l1=0, l2="")
    with db.read() as s:
        assert s.scalars(select(Shipment)).all()[0].order.ref == "SO-1044"  # the builder's only
    assert stock(db, "WID-1042-BL") == (100, 10)


def test_shipping_takes_the_reservation_first_and_only_free_stock_beyond_it(db, desk):
    allocate(db, ref="SO-1042", actor=ACTOR)  # widgets reserved; 1 gizmo backordered
    with pytest.raises(ValidationFailed, match="Only 0 of GIZ-2001-RD can ship"):
        ship(db, ref="SO-1042", l2=1)
    result = ship(db, ref="SO-1042", l1=2)
    assert stock(db, "WID-1042-BL") == (98, 8) and result.order.fulfilment_status == \
        "partially_shipped"
    with db.read() as s:
        shipment = s.scalars(select(Shipment).order_by(Shipment.id.desc())).first()
        assert (shipment.warehouse_id, shipment.created_by) == (desk["east"], ACTOR)
        event = s.scalars(select(Event).where(Event.kind == "shipped")).one()
        assert "1 unit(s) still to ship" in event.summary


def test_held_or_closed_orders_do_not_ship(db, desk):
    edit_order(db, ref=REF, actor=ACTOR, expected_version=get_order(db, ref=REF).version,
               changes=OrderEdit(place_hold=("customer_request", None)))
    with pytest.raises(WrongStage, match="release the hold"):
        ship_form(db, ref=REF)
    with pytest.raises(WrongStage, match="only open orders ship"):
        ship(db, ref="SO-1046", l1=1)
    with pytest.raises(NothingToShip):
        ship_form(db, ref="SO-1044")


def test_pick_and_pack_follow_in_order(db, desk):
    with pytest.raises(WrongStage, match="needs to be allocated first"):
        mark_picked(db, ref=REF, actor=ACTOR)
    allocate(db, ref=REF, actor=ACTOR)
    with pytest.raises(WrongStage, match="needs to be picking first"):
        mark_packed(db, ref=REF, actor=ACTOR)
    assert mark_picked(db, ref=REF, actor=ACTOR).pick.can_pack
    with pytest.raises(WrongStage, match="already marked picked"):
        mark_picked(db, ref=REF, actor=ACTOR)
    packed = mark_packed(db, ref=REF, actor=ACTOR)
    assert (packed.pick.can_pick, packed.pick.can_pack, packed.pick.can_ship) == (
        False, False, True)


def test_the_pick_post_renders_current_until_sent_then_is_updated_in_place(db, desk):
    first = allocate(db, ref=REF, actor=ACTOR)
    (post_id,) = first.queued
    request = {"$render": "fulfilment.pick", "order_id": first.order.id}
    assert mark_picked(db, ref=REF, actor=ACTOR).queued == ()  # not sent yet: nothing new
    with db.read() as s:
        assert s.get(OutboxMessage, post_id).payload == {**request, "channel": "C0WH"}
    post = rendered(db, post_id)
    assert (post["channel"], "ts" in post, stage_of(post)) == ("C0WH", False, "Picking")
    (claimed,) = outbox.claim_due(db)
    outbox.mark_sent(db, item_id=claimed.id, channel="C0WH", ts="111.222")
    (update_id,) = mark_packed(db, ref=REF, actor=ACTOR).queued
    with db.read() as s:
        row = s.get(OutboxMessage, update_id)
        assert (row.method, row.payload, row.target) == ("chat.update", request, claimed.target)
    update = rendered(db, update_id)
    assert (update["channel"], update["ts"], stage_of(update)) == ("C0WH", "111.222", "Packed")
    assert reserved_lines(db) == [4, 10, 2]


def stage_of(message: dict) -> str:
    fields = [f["text"] for b in message["blocks"] for f in b.get("fields", ())]
    return next(text for text in fields if text.startswith("*Stage*")).split("\n")[1]


def test_what_stops_a_release_stops_shipping_too(db, desk):
    """#15.11: the ship form shipped an order whose credit problem blocked its release."""
    from store.triage.operations import flag_order
    flag_order(db, ref=REF, actor=ACTOR, reason="credit check pending")
    with pytest.raises(WrongStage, match="can't ship yet: open discrepancies: credit check"):
        ship_form(db, ref=REF)
    with pytest.raises(WrongStage, match="can't ship yet"):
        ship(db, ref=REF, l1=1)


@pytest.mark.parametrize("typed", ["²", "①", "½"])
def test_a_number_sign_that_is_no_whole_number_is_refused_under_its_line(db, desk, typed):
    """Python calls these digits (str.isdigit) but int() refuses them: it was "Something went
    wrong" under the carrier field, not an answer under the quantity."""
    with pytest.raises(ValidationFailed) as refused:
        ship(db, l1=typed)
    assert refused.value.errors == {
        "qty.l1": f"Enter a whole number, 0 or more (you entered '{typed}')."}

"""Opening and editing orders: the view, field-by-field logging, and the rules."""

import pytest
from sqlalchemy import func, select

from store.errors import OrderNotFound, ValidationFailed
from store.models import Event, OrderHold, PostedCard, StockLevel
from store.orders.operations import (
    UNSET,
    LineEdit,
    OrderEdit,
    edit_order,
    get_order,
    record_posted_card,
)
from store.views.orders import AddressView, FieldChange
from tests.support.clock import TODAY, in_days
from tests.support.desk import build

ADDRESS = AddressView(name="Receiving", line1="1 Main St", city="Springfield", region="IL",
                      postal_code="62701", country="US")


@pytest.fixture
def desk(db):
    return build(db)


def edit(db, changes: OrderEdit, ref="SO-1042", actor="U0PROC1", version=None):
    version = get_order(db, ref=ref).version if version is None else version
    return edit_order(db, ref=ref, actor=actor, expected_version=version, changes=changes,
                      today=TODAY)


def events_of(db, order_id):
    with db.read() as s:
        return list(s.scalars(select(Event).where(Event.order_id == order_id)
                              .order_by(Event.id)))


def test_get_order_shows_lines_totals_and_what_may_happen_next(db, desk):
    order = get_order(db, ref="1042")
    assert (order.ref, order.customer_code, order.status) == ("SO-1042", "ACME", "open")
    assert [(line.sku, line.quantity, line.line_total_minor) for line in order.lines] == [
        ("WID-1042-BL", 2, 2500), ("GIZ-2001-RD", 1, 4500)]
    assert order.subtotal_minor == 7000 and order.total_minor == 7995
    # Nothing shipped: it can't complete; canceling is /order cancel's, not the editor's.
    assert order.allowed_transitions == ()
    assert order.ship_to.lines() == ["Receiving", "1 Main St", "Springfield IL 62701", "US"]


def test_a_shipped_order_cannot_be_canceled_and_shows_shipped_quantities(db, desk):
    order = get_order(db, ref="SO-1044")
    assert order.allowed_transitions == ("completed",)
    assert order.lines[0].quantity_shipped == 10
    assert order.shipments[0].tracking_number == "1Z999AA10123456784"


def test_an_unknown_sku_line_is_marked(db, desk):
    lines = get_order(db, ref="SO-1045").lines
    assert [line.known_product for line in lines] == [True, False]


def test_get_order_of_an_unknown_ref_raises(db, desk):
    with pytest.raises(OrderNotFound, match="SO-9"):
        get_order(db, ref="SO-9")


def test_an_edit_saves_and_logs_every_changed_field(db, desk):
    before = get_order(db, ref="SO-1042")
    result = edit(db, OrderEdit(
        ship_to=AddressView(**{**ADDRESS.__dict__, "city": "Shelbyville", "line2": "Dock 4"}),
        requested_date=in_days(10),
        shipping_instructions="Call before delivery",
        lines=(LineEdit(1, "WID-1042-BL", "3", "12.00"), LineEdit(2, "GIZ-2001-RD", 1, "45.00")),
    ), version=before.version)
    expected = (
        FieldChange("ship-to line 2", "", "Dock 4"),
        FieldChange("ship-to city", "Springfield", "Shelbyville"),
        FieldChange("requested date", in_days(6).isoformat(), in_days(10).isoformat()),
        FieldChange("shipping instructions", "", "Call before delivery"),
        FieldChange("line 1 quantity", "2", "3", line_no=1, name="quantity"),
        FieldChange("line 1 unit price", "$12.50", "$12.00", line_no=1, name="unit price",
                    currency="USD", before_minor=1250, after_minor=1200),
    )
    assert result.changed_fields == expected
    assert result.order.version == before.version + 1
    assert result.order.ship_to.city == "Shelbyville"
    assert result.order.lines[0].line_total_minor == 3600
    [event] = events_of(db, before.id)
    assert (event.kind, event.actor_id) == ("edited", "U0PROC1")
    assert [(c["field"], c["before"], c["after"]) for c in event.changes] == [
        (c.field, c.before, c.after) for c in expected]
    assert event.at.tzinfo is not None
    assert result.order.recent_events[0].changes == expected


def test_saving_unchanged_values_writes_nothing(db, desk):
    before = get_order(db, ref="SO-1042")
    result = edit(db, OrderEdit(ship_to=ADDRESS, requested_date=in_days(6),
                                lines=(LineEdit(1, "WID-1042-BL", "2", "12.50"),)))
    assert result.changed_fields == ()
    assert result.order.version == before.version
    assert events_of(db, before.id) == []


def test_a_line_only_edit_still_bumps_the_version(db, desk):
    before = get_order(db, ref="SO-1042")
    result = edit(db, OrderEdit(lines=(LineEdit(2, "GIZ-2001-RD", "4"),)))
    assert result.order.version == before.version + 1


def test_validation_errors_are_keyed_by_field(db, desk):
    with pytest.raises(ValidationFailed) as caught:
        edit(db, OrderEdit(
            ship_to=AddressView(name="X", line1=" ", city="", postal_code="", country="USA"),
            requested_date=in_days(-24),
            lines=(LineEdit(1, "WID-1042-BL", "0"), LineEdit(2, "GIZ-2001-RD", "2.5", "-1"),
                   LineEdit(None, "WID-1024-BL", "abc", "x")),
            transition_to="draft",
        ))
    errors = caught.value.errors
    assert set(errors) == {
        "ship_to.line1", "ship_to.city", "ship_to.postal_code", "ship_to.country",
        "requested_date", "lines.1.quantity", "lines.2.quantity", "lines.2.unit_price",
        "lines.new.sku", "lines.new.quantity", "lines.new.unit_price", "transition",
    }
    assert "2-letter" in errors["ship_to.country"]
    assert "in the past" in errors["requested_date"]
    assert "1 or more" in errors["lines.1.quantity"]
    assert "negative" in errors["lines.2.unit_price"]
    assert "Did you mean WID-1042-BL" in errors["lines.new.sku"]
    assert "only become completed or canceled" in errors["transition"]


def test_a_cleared_price_box_is_refused_but_none_leaves_the_price(db, desk):
    with pytest.raises(ValidationFailed) as caught:
        edit(db, OrderEdit(lines=(LineEdit(1, "", "2", " "),)))
    assert "Enter the unit price in USD" in caught.value.errors["lines.1.unit_price"]
    assert edit(db, OrderEdit(lines=(LineEdit(1, "", "2", None),))).changed_fields == ()


def test_a_refused_edit_writes_nothing(db, desk):
    before = get_order(db, ref="SO-1042")
    with pytest.raises(ValidationFailed):
        edit(db, OrderEdit(shipping_instructions="Leave at door",
                           lines=(LineEdit(1, "WID-1042-BL", "-3"),)))
    after = get_order(db, ref="SO-1042")
    assert (after.version, after.shipping_instructions) == (before.version, None)
    assert events_of(db, before.id) == []


def test_canceling_a_shipped_order_is_refused_with_the_reason(db, desk):
    with pytest.raises(ValidationFailed) as caught:
        edit(db, OrderEdit(transition_to="canceled"), ref="SO-1044")
    assert "can't be canceled" in caught.value.errors["transition"]
    assert "return" in caught.value.errors["transition"]


def test_the_editor_leaves_canceling_to_its_own_flow(db, desk):
    """It skipped the reason, the warehouse's "do not pick" and the waiting approvals."""
    with pytest.raises(ValidationFailed) as caught:
        edit(db, OrderEdit(transition_to="canceled"))
    assert "/order cancel SO-1042" in caught.value.errors["transition"]


def test_a_closed_order_cannot_be_edited(db, desk):
    with pytest.raises(ValidationFailed) as caught:
        edit(db, OrderEdit(shipping_instructions="x"), ref="SO-1046")
    assert "canceled" in caught.value.errors["order"]


def test_adding_and_removing_lines(db, desk):
    result = edit(db, OrderEdit(lines=(
        LineEdit(2, "GIZ-2001-RD", 1, remove=True),
        LineEdit(None, "brk-3003-ss", "5"),
        LineEdit(None, "", ""),
    )))
    assert result.changed_fields == (
        FieldChange("line 2", "GIZ-2001-RD × 1 @ $45.00", "", line_no=2),
        FieldChange("line 3", "", "BRK-3003-SS × 5 @ $6.00", line_no=3),  # Acme's negotiated price
    )
    assert [(line.line_no, line.sku) for line in result.order.lines] == [
        (1, "WID-1042-BL"), (3, "BRK-3003-SS")]


def test_a_new_line_uses_the_catalog_price_unless_one_is_typed(db, desk):
    result = edit(db, OrderEdit(lines=(LineEdit(None, "GIZ-2001-RD", 1),
                                       LineEdit(None, "WID-1042-BL", 1, "9.99"))))
    assert [line.unit_price_minor for line in result.order.lines[2:]] == [4500, 999]


def test_lines_with_shipped_goods_cannot_be_removed_or_shrunk(db, desk):
    with pytest.raises(ValidationFailed) as caught:
        edit(db, OrderEdit(lines=(LineEdit(1, "BRK-3003-SS", 10, remove=True),)), ref="SO-1044")
    assert "shipped" in caught.value.errors["lines.remove"]
    with pytest.raises(ValidationFailed) as caught:
        edit(db, OrderEdit(lines=(LineEdit(1, "BRK-3003-SS", 4),)), ref="SO-1044")
    assert "can't go below 10" in caught.value.errors["lines.1.quantity"]


def test_a_discontinued_sku_cannot_be_added(db, desk):
    with pytest.raises(ValidationFailed) as caught:
        edit(db, OrderEdit(lines=(LineEdit(None, "OLD-0001-BK", 1),)))
    assert "discontinued" in caught.value.errors["lines.new.sku"]


def test_placing_and_releasing_a_hold(db, desk):
    placed = edit(db, OrderEdit(place_hold=("credit_hold", "over limit")))
    assert placed.changed_fields == (FieldChange("hold", "", "credit hold: over limit"),)
    [hold] = placed.order.holds
    assert (hold.reason, hold.placed_by) == ("credit_hold", "U0PROC1")
    with pytest.raises(ValidationFailed) as caught:
        edit(db, OrderEdit(place_hold=("credit_hold", None)))
    assert "already on hold" in caught.value.errors["hold"]
    released = edit(db, OrderEdit(release_hold_ids=(hold.id,)))
    assert released.order.holds == ()
    assert released.changed_fields == (FieldChange("hold", "credit hold: over limit", "released"),)
    with db.read() as s:
        assert s.get(OrderHold, hold.id).released_by == "U0PROC1"


def test_an_unknown_hold_reason_is_refused(db, desk):
    with pytest.raises(ValidationFailed) as caught:
        edit(db, OrderEdit(place_hold=("because", None)))
    assert "credit_hold" in caught.value.errors["hold"]


def test_clearing_the_requested_date_and_instructions(db, desk):
    edit(db, OrderEdit(shipping_instructions="Dock 4"))
    result = edit(db, OrderEdit(requested_date=None, shipping_instructions=None))
    assert result.order.requested_date is None and result.order.shipping_instructions is None
    assert [c.field for c in result.changed_fields] == ["requested date", "shipping instructions"]
    assert OrderEdit().requested_date is UNSET


def test_draft_orders_can_be_opened(db, desk):
    result = edit(db, OrderEdit(transition_to="open"), ref="SO-1045")
    assert result.order.status == "open"


def test_posted_cards_are_recorded_once_and_returned_by_edits(db, desk):
    record_posted_card(db, ref="so-1042", channel_id="C1", message_ts="1.1")
    record_posted_card(db, ref="SO-1042", channel_id="C1", message_ts="1.1")
    record_posted_card(db, ref="SO-1042", channel_id="C2", message_ts="2.2")
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(PostedCard)) == 2
    result = edit(db, OrderEdit(shipping_instructions="Fragile"))
    assert result.posted_cards == (("C1", "1.1", "full"), ("C2", "2.2", "full"))

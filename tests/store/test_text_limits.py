"""Issue #14 item 9: every free-text field has a documented limit (store.control_chars
TEXT_LIMITS), refused past it with an error under the field (a 400 naming it at the intake,
a row error in the import), never stored at any length; the modals' inputs carry the same
max_length."""

import pytest

from store.control_chars import TEXT_LIMITS
from store.customers import get_customer
from store.customers.operations import edit_customer
from store.errors import IntakeRejected, ValidationFailed
from store.fulfilment.cancel import cancel_order
from store.fulfilment.returns import ReturnLineRequest, create_return
from store.fulfilment.shipments import ShipRequest, ship_order
from store.orders.intake import intake_order
from store.orders.operations import OrderEdit, edit_order, get_order
from store.triage.actions import resolve
from store.triage.operations import flag_order
from store.views.orders import ContactView
from tests.support.clock import TODAY
from tests.support.fulfil_desk import REF, fulfil_desk
from tests.support.intake import BODY

ACTOR = "U0PROC1"


@pytest.fixture
def desk(db):
    return fulfil_desk(db)


def over(limit: str) -> str:
    return "x" * (TEXT_LIMITS[limit] + 1)


def refused(call) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.errors


def edit(db, changes: OrderEdit):
    version = get_order(db, ref=REF).version
    return edit_order(db, ref=REF, actor=ACTOR, expected_version=version, changes=changes,
                      today=TODAY)


def test_a_100_kb_hold_note_and_long_instructions_are_refused_under_their_fields(db, desk):
    errors = refused(lambda: edit(db, OrderEdit(place_hold=("customer_request", "n" * 100_000))))
    assert "100,000 characters" in errors["hold_note"] and "500" in errors["hold_note"]
    errors = refused(lambda: edit(db, OrderEdit(shipping_instructions=over(
        "shipping_instructions"))))
    assert "the most is 2,000" in errors["shipping_instructions"]
    assert get_order(db, ref=REF).holds == ()
    edit(db, OrderEdit(place_hold=("customer_request", "n" * TEXT_LIMITS["hold_note"])))


def test_a_1_mb_resolution_note_is_refused_not_stored(db, desk):
    flagged = flag_order(db, ref=REF, actor=ACTOR, reason="wrong address")
    errors = refused(lambda: resolve(db, discrepancy_id=flagged.discrepancy.id, actor=ACTOR,
                                     reason="fixed", note="n" * 1_000_000))
    assert "1,000,000 characters" in errors["note"]


@pytest.mark.parametrize("call", [
    lambda db: flag_order(db, ref=REF, actor=ACTOR, reason=over("reason")),
    lambda db: cancel_order(db, ref=REF, actor=ACTOR, reason=over("reason")),
])
def test_reasons_past_the_limit_are_refused(db, desk, call):
    assert "the most is 500" in refused(lambda: call(db))["reason"]


def test_shipping_and_return_texts_past_the_limit_are_refused(db, desk):
    errors = refused(lambda: ship_order(db, ref=REF, actor=ACTOR, request=ShipRequest(
        "Other", over("service"), TODAY, None, {"l1": "4"})))
    assert "service" in errors and "the most is 64" in errors["service"]
    ship_order(db, ref=REF, actor=ACTOR, request=ShipRequest("Other", None, TODAY, None,
                                                             {"l1": "4"}))
    errors = refused(lambda: create_return(db, ref=REF, actor=ACTOR, note=over("return_note"),
                                           lines=[ReturnLineRequest(1, "1", "refund",
                                                                    "damaged")]))
    assert "the most is 2,000" in errors["note"]


def test_customer_contact_fields_past_their_columns_are_refused(db, desk):
    card = get_customer(db, query="ACME")
    errors = refused(lambda: edit_customer(
        db, code="ACME", actor=ACTOR, expected_version=card.version, email="a@" + "b" * 300,
        contact=ContactView(name="Pat", email=None, phone=None, role=over("contact_role"))))
    assert set(errors) == {"email", "contact.role"}


def test_intake_notes_past_the_limit_are_a_400_naming_the_field(db, desk):
    with pytest.raises(IntakeRejected) as caught:
        intake_order(db, body={**BODY, "customer_code": "ACME", "notes": over("notes")})
    assert (caught.value.status, caught.value.field) == (400, "notes")

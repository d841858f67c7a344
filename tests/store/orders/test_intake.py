"""Intake through the importer's own validation: created once, the same order again is
'unchanged', another order under the same ref conflicts, and errors name the field."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bench.triage_desk import triage_desk
from store.errors import IntakeRejected, ValidationFailed
from store.models import Discrepancy, Order
from store.orders.intake import create_order, intake_order
from tests.support.intake import BODY


@pytest.fixture
def desk(db):
    return triage_desk(db)


def test_an_order_goes_in_once_with_catalog_and_given_prices(db, desk):
    first = intake_order(db, body=BODY)
    again = intake_order(db, body=dict(BODY))
    assert (first.created, again.created) == (True, False)
    with db.read() as s:
        order = s.scalars(select(Order).where(Order.ref == "WEB-7")).one()
        assert (order.source, order.ship_line1) == ("intake", "9 Elm St")
        assert [(ln.sku, ln.quantity, ln.unit_price_minor) for ln in order.lines] == [
            ("WID-1001-BL", 2, 1250), ("BRK-3003-SS", 1, 600)]


def test_other_content_under_an_existing_ref_is_a_conflict(db, desk):
    intake_order(db, body=BODY)
    with pytest.raises(IntakeRejected) as err:
        intake_order(db, body={**BODY, "po_number": "CHANGED"})
    assert (err.value.status, err.value.field) == (409, "order_ref")


@pytest.mark.parametrize(("body", "field"), [
    ([1, 2], None),
    ({**BODY, "lines": "WID"}, "lines"),
    ({**BODY, "lines": [{"sku": "WID-1001-BL", "quantity": 1}, {"sku": "", "quantity": 1}]},
     "lines[1].sku"),
    ({**BODY, "lines": [{"sku": "WID-1001-BL", "quantity": 1, "price": 3}]},
     "lines[0].price"),
    ({**BODY, "currency": "XXX"}, "currency"),
    ({**BODY, "sales_rep": "sam"}, "sales_rep"),
    ({**BODY, "customer_code": {"code": "ACME"}}, "customer_code"),
    ({**BODY, "lines": [{"sku": "NOPE", "quantity": 1}]}, "lines[0].unit_price"),
])
def test_bad_input_names_the_field(db, desk, body, field):
    with pytest.raises(IntakeRejected) as err:
        intake_order(db, body=body)
    assert err.value.field == field and err.value.status in (400, 422)
    with db.read() as s:
        assert s.scalars(select(Order)).all() == []


def test_an_intake_order_is_checked_in_the_same_transaction(db, desk):
    result = intake_order(db, body={**BODY, "order_ref": "WEB-8", "lines": [
        {"sku": "GIZ-2002-RD", "quantity": 9}]})
    assert result.discrepancies == 1
    with db.read() as s:
        assert s.scalars(select(Discrepancy.type)).one().value == "insufficient_stock"


def test_the_modal_gets_the_next_ref_and_errors_keyed_by_block(db, desk):
    view = create_order(db, actor="U0PROC1", customer_code="ACME",
                        lines=[(1, "WID-1001-BL", "2", None), (3, "BRK-3003-SS", "1", "6.00")])
    assert view.ref.startswith("SO-") and len(view.lines) == 2
    with pytest.raises(ValidationFailed) as err:
        create_order(db, actor="U0PROC1", customer_code="ACME",
                     lines=[(1, "WID-1001-BL", "1", None), (2, "BRK-3003-SS", "0", None)])
    assert list(err.value.errors) == ["line.2.quantity"]
    with pytest.raises(ValidationFailed) as err:
        create_order(db, actor="U0PROC1", customer_code="NOBODY",
                     lines=[(1, "WID-1001-BL", "1", None)])
    assert list(err.value.errors) == ["customer"]


def test_the_modal_holds_what_was_typed_to_the_editors_rules(db, desk):
    """A ship name alone is a half-typed ship-to too (line 1 first, with the way out); a
    3-letter country, a price with no product, a foreign shipping charge: the editor's
    words, under their fields, and nothing written."""
    with pytest.raises(ValidationFailed) as err:
        create_order(db, actor="U0PROC1", customer_code="ACME",
                     lines=[(1, "WID-1001-BL", 1, None), (2, "", None, "4.00")],
                     ship_to={"name": "Dock 9"}, shipping="€5")
    errors = err.value.errors
    assert errors["ship_to.line1"].startswith("Enter the street address (line 1). Or leave")
    assert errors["ship_to.city"] == "Enter the city."
    assert errors["line.2.sku"] == "Line 2: pick a product, or clear its unit price."
    assert "another currency than USD" in errors["shipping"]
    with pytest.raises(ValidationFailed) as err:
        create_order(db, actor="U0PROC1", customer_code="ACME",
                     lines=[(1, "WID-1001-BL", 0, None)],
                     ship_to={"line1": "9 Harbour Rd", "city": "Portland",
                              "postal_code": "97201", "country": "USA"})
    assert set(err.value.errors) == {"ship_to.country", "line.1.quantity"}
    assert "not a 2-letter country code" in err.value.errors["ship_to.country"]
    assert "to drop the line, leave it out" in err.value.errors["line.1.quantity"]
    with db.read() as s:
        assert s.scalars(select(Order)).all() == []

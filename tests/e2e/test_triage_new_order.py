"""The New order modal: pickers fed by the fuzzy lookup, validation under the fields, and the
checks running on the new order."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bench.app_stack import CHANNEL, PROCESSOR, SALES, text_of
from messages.actions import NewOrderIds
from store.models import Order


def open_modal(t, user=PROCESSOR):
    answer = t.sb.slash("/order", "new", user=user, channel=CHANNEL)
    assert answer.status == 200 and not answer.problems, answer.problems
    t.sb.wait_for(lambda: t.sb.views(user=user))
    return t.sb.views(user=user)[-1]


def test_pickers_search_customers_and_products(triage):
    t = triage
    view = open_modal(t)
    customers = t.sb.block_suggestion(NewOrderIds.CUSTOMER, "acme corp", user=PROCESSOR,
                                      view=view)
    assert not customers.problems
    assert customers.body["options"][0]["value"] == "ACME"
    products = t.sb.block_suggestion(f"{NewOrderIds.SKU}.1", "gizmo", user=PROCESSOR, view=view)
    assert [o["value"] for o in products.body["options"]][0] == "GIZ-2002-RD"
    discontinued = t.sb.block_suggestion(f"{NewOrderIds.SKU}.1", "OLD-0003-BK", user=PROCESSOR,
                                         view=view)
    assert "OLD-0003-BK" not in json.dumps(discontinued.body)


def test_a_new_order_is_created_checked_and_confirmed(triage):
    t = triage
    view = open_modal(t)
    delivery = t.sb.submit(view, {
        NewOrderIds.CUSTOMER: "ACME", "po_number": "PO-NEW-1",
        f"line.1.sku.{NewOrderIds.SKU}.1": "WID-1001-BL", "line.1.quantity": "2",
        f"line.2.sku.{NewOrderIds.SKU}.2": "BRK-3003-SS", "line.2.quantity": "3",
        "line.2.unit_price": "1.00",
    }, user=PROCESSOR)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    assert not view.is_open
    with t.db.read() as s:
        order = s.scalars(select(Order).where(Order.po_number == "PO-NEW-1")).one()
        assert (order.source, len(order.lines), order.lines[0].unit_price_minor) == (
            "modal", 2, 1250)
    t.sb.wait_for(lambda: t.sb.ephemerals(user=PROCESSOR))
    confirmation = t.sb.ephemerals(user=PROCESSOR)[-1]
    assert order.ref in text_of(confirmation) and "1 problem(s)" in text_of(confirmation)
    assert "price mismatch" in t.parent(order.ref).text.replace("_", " ")


def test_bad_input_comes_back_under_its_field(triage):
    t = triage
    view = open_modal(t)
    t.sb.submit(view, {NewOrderIds.CUSTOMER: "ACME",
                       f"line.1.sku.{NewOrderIds.SKU}.1": "WID-1001-BL",
                       "line.1.quantity": "1", "line.1.unit_price": "abc"},
                user=PROCESSOR)
    assert view.is_open and "line.1.unit_price" in view.errors


def test_sales_reps_cannot_enter_orders(triage):
    t = triage
    answer = t.sb.slash("/order", "new", user=SALES, channel=CHANNEL)
    assert "your role is sales" in json.dumps(answer.body)
    assert t.sb.views(user=SALES) == []


def test_a_real_order_gets_lines_as_needed_a_ship_to_shipping_and_notes(triage):
    """#15.9: the modal took at most 5 lines, no ship-to, no shipping charge, no notes; the
    card then said "Imported from the New order modal"."""
    from store.models import Event
    t = triage
    view = open_modal(t)
    t.sb.click(NewOrderIds.ADD_LINES, user=PROCESSOR, view=view)
    t.sb.wait_for(lambda: any(b.get("block_id") == "line.10.quantity" for b in view.blocks))
    values = {NewOrderIds.CUSTOMER: "ACME", "po_number": "PO-NEW-7",
              "ship_to.name": "Dock 9", "ship_to.line1": "9 Harbour Rd",
              "ship_to.city": "Portland", "ship_to.region": "OR",
              "ship_to.postal_code": "97201", "ship_to.country": "US",
              "shipping": "12.50", "notes": "Call before delivery"}
    for n in range(1, 8):
        values[f"line.{n}.sku.{NewOrderIds.SKU}.{n}"] = "WID-1001-BL"
        values[f"line.{n}.quantity"] = str(n)
    delivery = t.sb.submit(view, values, user=PROCESSOR)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    with t.db.read() as s:
        order = s.scalars(select(Order).where(Order.po_number == "PO-NEW-7")).one()
        assert (len(order.lines), order.shipping_minor, order.notes, order.ship_city) == (
            7, 1250, "Call before delivery", "Portland")
        summary = s.scalars(select(Event.summary).where(Event.order_id == order.id)).first()
    assert summary.startswith("Entered in the New order modal")


def test_an_unknown_customer_is_explained_in_slack_terms(db):
    import pytest as _pytest

    from store.errors import ValidationFailed
    from store.orders import create_order
    with _pytest.raises(ValidationFailed) as refused:
        create_order(db, actor=PROCESSOR, customer_code="NOPE", lines=[(1, "X-1", 1, None)])
    message = refused.value.errors["customer"]
    assert "orderdesk import" not in message and "Pick one from the list" in message


@pytest.mark.parametrize("outsider", [{"guest": "multi"}, {"team_id": "T0BETA"}])
def test_the_pickers_list_nothing_to_a_guest_or_another_organisations_user(triage, outsider):
    """Slack shows them no New order modal, but the options request can still be made: the
    customers' names and codes (and the catalog) were listed to them a letter at a time."""
    t = triage
    view = open_modal(t)
    t.sb.add_user("U0OUTSIDE", "outsider", channels=[CHANNEL], **outsider)
    for action_id, typed in ((NewOrderIds.CUSTOMER, "a"), (f"{NewOrderIds.SKU}.1", "w")):
        answer = t.sb.block_suggestion(action_id, typed, user="U0OUTSIDE", view=view)
        assert "ACME" not in json.dumps(answer.body) and "WID-" not in json.dumps(answer.body)
        assert answer.body == {"options": []} and not answer.problems, answer.problems

"""The New order modal: pickers fed by the fuzzy lookup, validation under the fields, and the
checks running on the new order."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bench.app_stack import CHANNEL, PROCESSOR, SALES, text_of
from messages.actions import NewOrderIds
from store.models import Discrepancy, Order


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


def _submit_order(t, po: str, **extra):
    """The New order modal filled in with one line of WID-1001-BL for ACME, plus `extra`."""
    view = open_modal(t)
    delivery = t.sb.submit(view, {NewOrderIds.CUSTOMER: "ACME", "po_number": po,
                                  f"line.1.sku.{NewOrderIds.SKU}.1": "WID-1001-BL",
                                  "line.1.quantity": "1", **extra}, user=PROCESSOR)
    assert delivery.status == 200, delivery.problems
    return view


def _orders_with_po(t, po: str) -> list[Order]:
    with t.db.read() as s:
        return list(s.scalars(select(Order).where(Order.po_number == po)))


def test_a_half_typed_ship_to_is_refused_under_its_fields(triage):
    """Only "9 Harbour Rd" typed: the order was created without city, postal code or country
    and flagged at once ("Ship-to is missing ...") against the processor's own entry. The
    editor's rule (store.customers.address_problems) now refuses it in the modal too."""
    t = triage
    view = _submit_order(t, "PO-HALF-1", **{"ship_to.line1": "9 Harbour Rd"})
    assert view.is_open and _orders_with_po(t, "PO-HALF-1") == []
    assert {"ship_to.city", "ship_to.postal_code", "ship_to.country"} <= set(view.errors)
    assert "ship_to.line1" not in view.errors
    assert "Enter the city." in view.errors["ship_to.city"]
    assert "leave every Ship-to field empty" in view.errors["ship_to.city"]
    fixed = t.sb.submit(view, {"ship_to.line1": "", "ship_to.name": ""}, user=PROCESSOR)
    assert fixed.status == 200 and not view.is_open, view.errors  # the address on file
    (order,) = _orders_with_po(t, "PO-HALF-1")
    assert order.ship_line1 != "9 Harbour Rd" and order.ship_city and order.ship_country


def test_a_whole_ship_to_is_taken_without_a_triage_item(triage):
    t = triage
    view = _submit_order(t, "PO-WHOLE-1", **{
        "ship_to.line1": "9 Harbour Rd", "ship_to.city": "Portland",
        "ship_to.postal_code": "97201", "ship_to.country": "us"})
    assert not view.is_open, view.errors
    (order,) = _orders_with_po(t, "PO-WHOLE-1")
    assert (order.ship_line1, order.ship_city, order.ship_country) == (
        "9 Harbour Rd", "Portland", "US")
    with t.db.read() as s:
        titles = list(s.scalars(select(Discrepancy.title).where(
            Discrepancy.order_id == order.id)))
    assert not [title for title in titles if "Ship-to" in title], titles


def test_a_past_requested_date_is_refused_and_today_is_taken(triage):
    """2020-01-01 was accepted and the new order flagged late at once; the editor refuses a
    past day (store.orders.edit), and the modal now says the same under the date."""
    from store import clock
    t = triage
    view = _submit_order(t, "PO-PAST-1", requested_date="2020-01-01")
    assert view.is_open and _orders_with_po(t, "PO-PAST-1") == []
    assert "2020-01-01 is in the past" in view.errors["requested_date"]
    today = clock.today()
    view = _submit_order(t, "PO-TODAY-1", requested_date=today.isoformat())
    assert not view.is_open, view.errors
    (order,) = _orders_with_po(t, "PO-TODAY-1")
    assert order.requested_date == today


def test_a_unit_price_with_the_currencys_symbol_is_taken(triage):
    """"$12.50" for a USD customer said "unit_price '$12.50' is not a number"; the editor
    takes it (store.money.parse_money)."""
    t = triage
    view = _submit_order(t, "PO-SYM-1", **{"line.1.unit_price": "$12.50"})
    assert not view.is_open, view.errors
    with t.db.read() as s:
        order = s.scalars(select(Order).where(Order.po_number == "PO-SYM-1")).one()
        assert [line.unit_price_minor for line in order.lines] == [1250]


def test_another_currencys_symbol_is_refused(triage):
    t = triage
    view = _submit_order(t, "PO-SYM-2", **{"line.1.unit_price": "€12.50"})
    assert view.is_open and _orders_with_po(t, "PO-SYM-2") == []
    price = view.errors["line.1.unit_price"]
    assert "unit_price" not in price and "the amount only, like 12.50" in price


def test_line_errors_are_in_the_forms_words_not_the_importers(triage):
    """The modal's line errors read like the CSV importer's ("sku is empty; every row needs
    the SKU it orders", "unit_price 'abc' is not a number")."""
    t = triage
    view = _submit_order(t, "PO-WORDS-1", **{"line.2.quantity": "3",
                                              "line.1.unit_price": "abc"})
    assert view.is_open and _orders_with_po(t, "PO-WORDS-1") == []
    assert view.errors["line.2.sku"] == "Line 2: pick a product, or clear its quantity."
    price = view.errors["line.1.unit_price"]
    assert "unit_price" not in price and "the amount only, like 12.50" in price

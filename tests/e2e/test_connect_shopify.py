"""POST /connect/shopify end to end: Shopify's order webhooks signed as Shopify signs them
(base64 HMAC-SHA256 of the raw body), over HTTP, on the fulfilment desk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from store import clock
from store.enums import DiscrepancyStatus, OrderStatus, PaymentStatus
from store.fulfilment import ShipRequest, allocate, ship_order
from store.models import (
    ConnectSource,
    Customer,
    Discrepancy,
    Event,
    Order,
    OrderLine,
    Return,
    ReturnLine,
)
from store.orders import LineEdit, OrderEdit, edit_order
from store.views.orders import AddressView
from tests.support.clock import TODAY
from tests.support.connect import (
    OTHER_SECRET,
    OTHER_SHOP,
    OTHER_SHOP_REP,
    SHOP_REP,
    shopify_order,
    shopify_refund,
)
from tests.support.fulfil_desk import stock


def at(hours: float) -> str:
    return (clock.now() + timedelta(hours=hours)).isoformat()


def order_of(t, ref="#1001") -> Order:
    with t.db.read() as s:
        return s.scalars(select(Order).where(Order.ref == ref)).one()


def test_a_new_order_comes_in_once_with_a_new_customer(connect):
    t = connect
    body = shopify_order(created_at=at(-1), email="bob@norman.example")
    status, answer = t.shopify(body)
    assert (status, answer["order_ref"], answer["created"]) == (200, "#1001", True), answer
    assert t.shopify(body)[1]["duplicate"] is True
    # Shopify sends a new webhook id for the same order again: still one order.
    status, again = t.shopify(body, webhook_id="w2")
    assert (status, again["order_ref"], again["created"]) == (200, "#1001", False)
    order = order_of(t)
    assert (order.external_key, order.source, order.payment_status, order.ship_city,
            order.ship_region, order.notes) == ("shopify:450789469", "shopify",
                                                 PaymentStatus.CAPTURED, "Springfield", "IL",
                                                 "Leave at the loading dock")
    with t.db.read() as s:
        customer = s.get(Customer, order.customer_id)
        assert (customer.external_key, customer.email) == ("shopify:207119551",
                                                           "bob@norman.example")
        assert s.get(ConnectSource, "shopify").duplicate == 1


def test_a_known_email_is_matched_to_its_customer(connect):
    t = connect
    t.shopify(shopify_order(created_at=at(-1), email="ORDERS@acme.example"))
    with t.db.read() as s:
        assert s.get(Customer, order_of(t).customer_id).code == "ACME"


def test_an_update_edits_through_the_edit_path_and_a_stale_one_changes_nothing(connect):
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example",
                            financial_status="pending"))
    status, answer = t.shopify(shopify_order(created_at=at(-2), updated_at=at(-1),
                                             email="bob@norman.example", city="Chicago"),
                               topic="orders/updated", webhook_id="w2")
    assert (status, answer["discrepancies"]) == (200, 0), answer
    assert "ship-to city" in answer["changed"] and "payment" in answer["changed"]
    order = order_of(t)
    assert (order.ship_city, order.payment_status) == ("Chicago", PaymentStatus.CAPTURED)
    with t.db.read() as s:
        assert s.scalars(select(Event).where(Event.order_id == order.id,
                                             Event.actor_id == "shopify",
                                             Event.summary.contains("city"))).first() \
            is not None
    status, stale = t.shopify(shopify_order(created_at=at(-2), updated_at=at(-1.5),
                                            email="bob@norman.example", city="Peoria"),
                              topic="orders/updated", webhook_id="w3")
    assert (status, stale["stale"]) == (200, True)
    assert order_of(t).ship_city == "Chicago"


def test_a_field_the_desk_changed_becomes_a_discrepancy_not_an_overwrite(connect):
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"))
    order = order_of(t)
    edit_order(t.db, ref=order.ref, actor="U0PROC1", expected_version=order.version_id,
               changes=OrderEdit(ship_to=AddressView(name="Bob Norman", line1="1 Dock Rd",
                                                     city="Springfield", region="IL",
                                                     postal_code="62701", country="US")))
    status, answer = t.shopify(shopify_order(created_at=at(-2), updated_at=at(-1),
                                             email="bob@norman.example", city="Chicago"),
                               topic="orders/updated", webhook_id="w2")
    assert (status, answer["discrepancies"]) == (200, 1), answer
    assert order_of(t).ship_line1 == "1 Dock Rd" and order_of(t).ship_city == "Springfield"
    # A later edit at the desk re-runs the checks: they do not resolve the storefront's item.
    order = order_of(t)
    edit_order(t.db, ref=order.ref, actor="U0PROC1", expected_version=order.version_id,
               changes=OrderEdit(shipping_instructions="call before delivery"))
    with t.db.read() as s:
        item = s.scalars(select(Discrepancy).where(
            Discrepancy.fingerprint.startswith("storefront:"))).one()
        assert "storefront and desk disagree" in item.title
        assert item.status != DiscrepancyStatus.RESOLVED


def test_a_cancellation_cancels(connect):
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"))
    status, answer = t.shopify(shopify_order(created_at=at(-2), updated_at=at(-1),
                                             email="bob@norman.example", cancelled_at=at(-1),
                                             cancel_reason="customer"),
                               topic="orders/cancelled", webhook_id="w2")
    assert (status, answer["canceled"]) == (200, True), answer
    assert order_of(t).status == OrderStatus.CANCELED


@pytest.mark.parametrize(("headers", "code", "field"), [
    ({"X-Shopify-Hmac-Sha256": "bm90IGl0"}, 401, None),
    ({"X-Shopify-Hmac-Sha256": ""}, 401, None),
    ({"X-Shopify-Webhook-Id": ""}, 400, "X-Shopify-Webhook-Id"),
])
def test_forged_or_incomplete_deliveries_are_refused_with_nothing_stored(connect, headers,
                                                                        code, field):
    t = connect
    status, answer = t.shopify(shopify_order(created_at=at(-1), email="b@n.example"), **headers)
    assert (status, answer["field"]) == (code, field), answer
    with t.db.read() as s:
        assert s.scalars(select(Order).where(Order.ref == "#1001")).first() is None
        assert s.get(ConnectSource, "shopify").refused == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"line_items": []}, "line_items"),
    ({"financial_status": "maybe"}, "financial_status"),
    ({"customer": None, "email": None}, "email"),  # a guest checkout without its email
    ({"customer": "Bob"}, "customer.id"),
    ({"created_at": "yesterday"}, "created_at"),
])
def test_a_payload_that_cannot_be_an_order_is_a_4xx_naming_the_field(connect, change, field):
    t = connect
    status, answer = t.shopify({**shopify_order(created_at=at(-1), email="b@n.example"),
                                **change})
    assert (status // 100, answer["field"]) == (4, field), answer


def flagged(t, prefix: str) -> list[Discrepancy]:
    with t.db.read() as s:
        return list(s.scalars(select(Discrepancy).where(Discrepancy.fingerprint.startswith(
            prefix))))


def ship(t, ref="#1001"):
    ship_order(t.db, ref=ref, actor="U0PROC1", request=ShipRequest(
        "UPS", "Ground", TODAY, "1Z999AA10000000001", {"l1": "4"}))


def test_shipping_lines_and_discount_codes_are_mapped_and_new_customers_get_the_shops_rep(
        connect):
    t = connect
    body = shopify_order(created_at=at(-1), email="bob@norman.example", discount_codes=[
        {"code": "SPRING10", "amount": "10.0", "type": "percentage"}])
    body["shipping_lines"].append({"id": 2, "title": "Insurance", "price": "2.05",
                                   "code": "ins", "source": "shopify"})
    assert t.shopify(body)[0] == 200
    order = order_of(t)
    assert order.shipping_minor == 1200
    assert order.notes == "Leave at the loading dock\nDiscount codes: SPRING10 (10.0%)"
    with t.db.read() as s:
        assert s.get(Customer, order.customer_id).sales_rep_id == SHOP_REP


def test_each_shop_signs_with_its_own_secret(connect):
    t = connect
    body = shopify_order(created_at=at(-1), email="north@buyer.example", customer_id=9,
                         name="#N-1")
    shop = {"X-Shopify-Shop-Domain": OTHER_SHOP}
    # The first shop's secret does not sign the second shop's webhooks.
    assert t.shopify(body, **shop)[0] == 401
    status, answer = t.shopify(body, secret=OTHER_SECRET, **shop)
    assert (status, answer["order_ref"]) == (200, "#N-1"), answer
    with t.db.read() as s:
        assert s.get(Customer, order_of(t, "#N-1").customer_id).sales_rep_id == OTHER_SHOP_REP


def test_an_update_before_its_create_creates_and_the_late_create_changes_nothing(connect):
    t = connect
    status, answer = t.shopify(shopify_order(created_at=at(-2), updated_at=at(-1),
                                             email="bob@norman.example", city="Chicago"),
                               topic="orders/updated", webhook_id="w2")
    assert (status, answer["created"]) == (200, True), answer
    status, late = t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"),
                             webhook_id="w1")
    assert (status, late["stale"]) == (200, True), late
    assert order_of(t).ship_city == "Chicago"


def test_cancelling_a_shipped_order_flags_it_instead(connect):
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"))
    ship(t)
    status, answer = t.shopify(shopify_order(created_at=at(-2), updated_at=at(-1),
                                             email="bob@norman.example", cancelled_at=at(-1)),
                               topic="orders/cancelled", webhook_id="w2")
    assert (status, answer["canceled"], answer["discrepancies"]) == (200, False, 1), answer
    assert order_of(t).status != OrderStatus.CANCELED
    assert "canceled in Shopify" in flagged(t, "storefront:cancelled")[0].title


def test_a_refund_of_shipped_lines_becomes_a_return(connect):
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"))
    ship(t)
    status, answer = t.shopify(shopify_refund(quantity=2, amount="25.00"),
                               topic="refunds/create", webhook_id="r1")
    assert (status, answer["refunded"]) == (200, "25.00"), answer
    assert answer["rma"]
    with t.db.read() as s:
        ret = s.scalars(select(Return).where(Return.rma == answer["rma"])).one()
        assert (ret.order_id, ret.refund_minor, ret.created_by) == (
            order_of(t).id, 2500, "shopify")
    assert t.shopify(shopify_refund(quantity=2), topic="refunds/create",
                     webhook_id="r1")[1]["duplicate"] is True


@pytest.mark.parametrize(("refund", "words"), [
    (shopify_refund(quantity=1), "cannot come back"),  # nothing shipped yet
    (shopify_refund(sku="NOPE-1"), "NOPE-1"),
    (shopify_refund(quantity=0), "no lines"),
])
def test_a_refund_the_desk_cannot_map_is_a_discrepancy(connect, refund, words):
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"))
    status, answer = t.shopify(refund, topic="refunds/create", webhook_id="r1")
    assert (status, answer["rma"], answer["discrepancies"]) == (200, None, 1), answer
    assert words in flagged(t, "storefront:refund:")[0].title


def two_lines_of_one_sku(t) -> None:
    """#1001 with WID-1042-BL on two lines (Shopify's 466157049 × 4, 466157050 × 1), shipped."""
    body = shopify_order(created_at=at(-2), email="bob@norman.example")
    paid = body["line_items"][0]
    body["line_items"] = [paid, {**paid, "id": 466157050, "quantity": 1, "current_quantity": 1,
                                 "title": "Widget Blue (gift wrapped)"}]
    assert t.shopify(body)[0] == 200
    ship_order(t.db, ref="#1001", actor="U0PROC1", request=ShipRequest(
        "UPS", "Ground", TODAY, "1Z999AA10000000001", {"l1": "4", "l2": "1"}))


def returned(t) -> list[tuple[int, int, int]]:
    """(line no, quantity, the return's refund) of every return line."""
    with t.db.read() as s:
        return [tuple(row) for row in s.execute(
            select(OrderLine.line_no, ReturnLine.quantity, Return.refund_minor)
            .join(ReturnLine, ReturnLine.order_line_id == OrderLine.id)
            .join(Return, Return.id == ReturnLine.return_id)).all()]


@pytest.mark.parametrize(("line_item_id", "quantity", "amount", "expected"), [
    (466157049, 2, "25.00", [(1, 2, 2500)]),
    (466157050, 1, "12.50", [(2, 1, 1250)]),
])
def test_a_refund_lands_on_the_line_item_it_names_when_its_sku_is_on_two_lines(
        connect, line_item_id, quantity, amount, expected):
    """Refunds were matched by SKU, the last line of a SKU kept: 2 units of the first line
    went to the second (1 unit) and were refused as 'Only 1 of line 2 can come back'."""
    t = connect
    two_lines_of_one_sku(t)
    status, answer = t.shopify(shopify_refund(quantity=quantity, amount=amount,
                                              line_item_id=line_item_id),
                               topic="refunds/create", webhook_id="r1")
    assert (status, answer.get("discrepancies")) == (200, None), answer
    assert answer["rma"]
    assert returned(t) == expected
    assert flagged(t, "storefront:refund:") == []


def test_a_refund_of_a_line_item_not_on_the_order_is_a_discrepancy_naming_it(connect):
    t = connect
    two_lines_of_one_sku(t)
    status, answer = t.shopify(shopify_refund(quantity=1, line_item_id=466157999),
                               topic="refunds/create", webhook_id="r1")
    assert (status, answer["rma"], answer["discrepancies"]) == (200, None, 1), answer
    assert returned(t) == []
    title = flagged(t, "storefront:refund:")[0].title
    assert ("WID-1042-BL is on lines 1 and 2, and the desk cannot tell which is line item "
            "466157999") in title, title


def test_a_refund_of_a_line_item_an_update_added_to_a_line_of_its_sku_finds_that_line(
        connect):
    """An update's second line item of a SKU already on the order joins its line, which keeps
    the first item's id: refunded, it was 'not on the order' (the SKU, on one line, says)."""
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"))
    body = shopify_order(created_at=at(-2), updated_at=at(-1), email="bob@norman.example")
    paid = body["line_items"][0]
    body["line_items"] = [paid, {**paid, "id": 466157050, "quantity": 1, "current_quantity": 1}]
    t.shopify(body, topic="orders/updated", webhook_id="w2")
    ship_order(t.db, ref="#1001", actor="U0PROC1", request=ShipRequest(
        "UPS", "Ground", TODAY, "1Z999AA10000000001", {"l1": "5"}))
    status, answer = t.shopify(shopify_refund(quantity=1, amount="12.50",
                                              line_item_id=466157050),
                               topic="refunds/create", webhook_id="r1")
    assert status == 200 and answer.get("rma"), answer
    assert returned(t) == [(1, 1, 1250)]


def test_a_refund_naming_no_known_line_item_of_a_sku_on_two_lines_is_not_guessed(connect):
    """An order taken before the desk kept Shopify's line item ids: the SKU alone cannot say
    which of its two lines came back, so the desk is told, not guessed for."""
    t = connect
    two_lines_of_one_sku(t)
    with t.db.write() as s:
        for line in s.scalars(select(OrderLine)):
            line.external_id = None
    status, answer = t.shopify(shopify_refund(quantity=1), topic="refunds/create",
                               webhook_id="r1")
    assert (status, answer["rma"], answer["discrepancies"]) == (200, None, 1), answer
    assert returned(t) == []
    title = flagged(t, "storefront:refund:")[0].title
    assert "WID-1042-BL is on lines 1 and 2" in title, title


def test_a_refund_of_an_order_without_line_item_ids_maps_a_sku_on_one_line(connect):
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"))
    ship(t)
    with t.db.write() as s:
        for line in s.scalars(select(OrderLine)):
            line.external_id = None
    status, answer = t.shopify(shopify_refund(quantity=2, amount="25.00"),
                               topic="refunds/create", webhook_id="r1")
    assert (status, bool(answer["rma"])) == (200, True), answer
    assert returned(t) == [(1, 2, 2500)]


def test_a_line_an_update_adds_keeps_its_line_item_id_for_a_refund(connect):
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"))
    body = shopify_order(created_at=at(-2), updated_at=at(-1), email="bob@norman.example")
    paid = body["line_items"][0]
    body["line_items"] = [paid, {**paid, "id": 466157051, "sku": "CBL-5005-BK", "quantity": 2,
                                 "current_quantity": 2, "price": "3.00"}]
    status, answer = t.shopify(body, topic="orders/updated", webhook_id="w2")
    assert (status, answer["discrepancies"]) == (200, 0), answer
    with t.db.read() as s:
        assert [(line.sku, line.external_id) for line in s.scalars(
            select(OrderLine).where(OrderLine.order_id == order_of(t).id)
            .order_by(OrderLine.line_no))] == [("WID-1042-BL", "466157049"),
                                               ("CBL-5005-BK", "466157051")]
    ship_order(t.db, ref="#1001", actor="U0PROC1", request=ShipRequest(
        "UPS", "Ground", TODAY, "1Z999AA10000000001", {"l1": "4", "l2": "2"}))
    status, answer = t.shopify(shopify_refund(quantity=1, amount="3.00", sku="CBL-5005-BK",
                                              line_item_id=466157051),
                               topic="refunds/create", webhook_id="r1")
    assert (status, bool(answer["rma"])) == (200, True), answer
    assert returned(t) == [(2, 1, 300)]


def test_an_unknown_sku_is_stored_and_flagged_as_with_csv(connect):
    t = connect
    body = shopify_order(created_at=at(-1), email="bob@norman.example")
    body["line_items"][0]["sku"] = "NOPE-404"
    status, answer = t.shopify(body)
    assert (status, answer["created"]) == (200, True), answer
    with t.db.read() as s:
        item = s.scalars(select(Discrepancy).where(
            Discrepancy.order_id == order_of(t).id)).one()
        assert "NOPE-404" in item.title


def lines_of(t, ref="#1001") -> list[tuple[str, int, int]]:
    with t.db.read() as s:
        order = s.scalars(select(Order).where(Order.ref == ref)).one()
        return [(line.sku, line.quantity, line.quantity_reserved) for line in order.lines]


def with_lines(body: dict, *lines: tuple[str, int]) -> dict:
    item = body["line_items"][0]
    body["line_items"] = [{**item, "id": 466157049 + n, "sku": sku, "quantity": quantity,
                           "current_quantity": quantity, "price": "3.00" if n else item["price"]}
                          for n, (sku, quantity) in enumerate(lines)]
    return body


def updated(t, *lines: tuple[str, int], webhook_id="w2", hours=-1.0, **more):
    return t.shopify(with_lines(shopify_order(created_at=at(-2), updated_at=at(hours),
                                              email="bob@norman.example", **more), *lines),
                     topic="orders/updated", webhook_id=webhook_id)


def test_changed_added_and_removed_lines_are_edited_through_the_edit_path(connect):
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"))
    allocate(t.db, ref="#1001", actor="U0PROC1")
    reserved = stock(t.db, "WID-1042-BL")[1]
    assert lines_of(t) == [("WID-1042-BL", 4, 4)]
    status, answer = updated(t, ("WID-1042-BL", 2), ("CBL-5005-BK", 3))
    assert (status, answer["discrepancies"]) == (200, 0), answer
    assert {"line 1 quantity", "line 2"} <= set(answer["changed"]), answer
    assert [line[:2] for line in lines_of(t)] == [("WID-1042-BL", 2), ("CBL-5005-BK", 3)]
    assert lines_of(t)[0][2] <= 2 and stock(t.db, "WID-1042-BL")[1] == reserved - 2
    with t.db.read() as s:
        event = s.scalars(select(Event).where(Event.order_id == order_of(t).id,
                                              Event.actor_id == "shopify",
                                              Event.kind == "edited")).one()
        assert {"field": "line 1 quantity", "before": "4", "after": "2"}.items() <= \
            event.changes[0].items()
    # The blue widget was removed in Shopify (current_quantity 0): its line goes, reservation too.
    body = with_lines(shopify_order(created_at=at(-2), updated_at=at(-0.5),
                                    email="bob@norman.example"),
                      ("WID-1042-BL", 4), ("CBL-5005-BK", 3))
    body["line_items"][0]["current_quantity"] = 0
    status, answer = t.shopify(body, topic="orders/updated", webhook_id="w3")
    assert (status, answer["changed"]) == (200, ["line 1"]), answer
    assert [line[:2] for line in lines_of(t)] == [("CBL-5005-BK", 3)]
    assert stock(t.db, "WID-1042-BL")[1] == reserved - 4


def test_lines_a_processor_changed_since_the_last_sync_become_a_discrepancy(connect):
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"))
    order = order_of(t)
    edit_order(t.db, ref=order.ref, actor="U0PROC1", expected_version=order.version_id,
               changes=OrderEdit(lines=(LineEdit(1, "WID-1042-BL", 5),)))
    status, answer = updated(t, ("WID-1042-BL", 6))
    assert (status, answer["discrepancies"]) == (200, 1), answer
    assert lines_of(t)[0][:2] == ("WID-1042-BL", 5)
    item = flagged(t, "storefront:lines:")[0]
    assert "storefront and desk disagree on lines" in item.title
    assert item.evidence["found"] == "lines changed at the desk since the last sync"


def test_a_shipped_line_is_not_reduced_below_what_shipped(connect):
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"))
    ship(t)
    status, answer = updated(t, ("WID-1042-BL", 2))
    assert (status, answer["discrepancies"]) == (200, 1), answer
    assert lines_of(t)[0][:2] == ("WID-1042-BL", 4)
    assert "already shipped" in flagged(t, "storefront:lines:")[0].evidence["found"]


@pytest.mark.parametrize("status", ["partially_refunded", "refunded"])
def test_a_refund_on_an_update_is_told_to_the_desk_not_refused(connect, status):
    """The editor records refunds only as returns, and refused the storefront's update: a 500,
    the same on every retry (Shopify then turns the webhook off)."""
    t = connect
    t.shopify(shopify_order(created_at=at(-2), email="bob@norman.example"))
    code, answer = t.shopify(shopify_order(created_at=at(-2), updated_at=at(-1),
                                           email="bob@norman.example", financial_status=status),
                             topic="orders/updated", webhook_id="w2")
    assert (code, answer["discrepancies"]) == (200, 1), answer
    assert order_of(t).payment_status == PaymentStatus.CAPTURED  # a return records the refund
    with t.db.read() as s:
        item = s.scalars(select(Discrepancy).where(
            Discrepancy.order_id == order_of(t).id)).one()
    assert "payment" in item.title and status in str(item.evidence)


def test_a_shipping_charge_with_more_decimals_than_the_currency_is_a_422_naming_it(connect):
    """Woo with its price decimals set above 2 sends these: it was a plain-text 500."""
    t = connect
    body = shopify_order(created_at=at(-1), email="bob@norman.example",
                         shipping_lines=[{"id": 1, "title": "Standard", "price": "9.999"}])
    code, answer = t.shopify(body)
    assert code == 422 and "more decimals than USD allows" in answer["error"], answer
    assert answer["field"] == "shipping"


def test_create_paid_and_updated_at_once_make_one_order_and_all_answer_200(connect):
    """Shopify sends them together for a new order from a new customer: on PostgreSQL the
    later inserts met the first one's customer and order rows (IntegrityError, a 500)."""
    import threading

    t = connect
    bodies = [(shopify_order(created_at=at(-1), email="new@buyer.example", customer_id=99,
                             financial_status=fs, updated_at=at(-1 + n / 100)), topic, f"r{n}")
              for n, (fs, topic) in enumerate([("pending", "orders/create"),
                                               ("paid", "orders/paid"),
                                               ("paid", "orders/updated")])]
    answers: list = []
    start = threading.Barrier(len(bodies))

    def deliver(body, topic, webhook_id):
        start.wait()
        answers.append(t.shopify(body, topic=topic, webhook_id=webhook_id)[0])

    threads = [threading.Thread(target=deliver, args=b) for b in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 200, 200], answers
    with t.db.read() as s:
        assert len(s.scalars(select(Order).where(Order.ref == "#1001")).all()) == 1
        assert len(s.scalars(select(Customer).where(
            Customer.email == "new@buyer.example")).all()) == 1


@pytest.mark.parametrize("guest", [{"customer": None}, {"customer": {}}])
def test_a_guest_checkout_is_taken_for_the_customer_with_its_email(connect, guest):
    """Shopify sends no customer for a guest checkout: it was a 400 and the order was lost."""
    t = connect
    code, answer = t.shopify({**shopify_order(created_at=at(-1), email="ORDERS@acme.example"),
                              **guest})
    assert (code, answer["created"]) == (200, True), answer
    with t.db.read() as s:
        assert s.get(Customer, order_of(t).customer_id).code == "ACME"
    code, answer = t.shopify({**shopify_order(created_at=at(-1), email="walk@in.example",
                                              name="#1002"), "id": 77, **guest},
                             webhook_id="w2")
    assert code == 200, answer
    with t.db.read() as s:
        assert s.get(Customer, order_of(t, "#1002").customer_id).code == "SHOP-G77"

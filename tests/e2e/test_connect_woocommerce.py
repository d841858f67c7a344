"""POST /connect/woocommerce end to end: WooCommerce's order webhooks signed as Woo signs them
(X-WC-Webhook-Signature: base64 HMAC-SHA256 of the raw body), over HTTP, on the fulfilment
desk. The same pipeline as Shopify's: created once, updated through the edit path, stale
updates and redeliveries change nothing, cancelled / deleted cancel."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store.enums import OrderStatus, PaymentStatus
from store.models import ConnectEvent, ConnectSource, Customer, Discrepancy, Order
from tests.support.connect import woo_order

CREATED, LATER, LATEST = "2026-11-30T16:28:02", "2026-11-30T18:00:00", "2026-11-30T19:00:00"


def order_of(t) -> Order | None:
    with t.db.read() as s:
        return s.scalars(select(Order).where(Order.ref == "WC-727")).first()


def test_a_new_order_is_mapped_once(connect):
    t = connect
    status, answer = t.woo(woo_order(created=CREATED))
    assert (status, answer["order_ref"], answer["created"]) == (200, "WC-727", True), answer
    assert t.woo(woo_order(created=CREATED))[1]["duplicate"] is True
    order = order_of(t)
    assert (order.external_key, order.source, order.payment_status, order.ship_name,
            order.ship_city, order.ship_region, order.shipping_minor, order.currency) == (
        "woocommerce:727", "woocommerce", PaymentStatus.CAPTURED, "Jane Doe", "San Francisco",
        "CA", 1000, "USD")
    assert order.ordered_at.replace(tzinfo=None).isoformat() == CREATED
    assert order.notes == "Ring twice\nCoupons: spring10"
    with t.db.read() as s:
        lines = s.get(Order, order.id).lines
        assert [(line.sku, line.quantity, line.unit_price_minor) for line in lines] == [
            ("WID-1042-BL", 4, 1250)]
        customer = s.get(Customer, order.customer_id)
        assert (customer.external_key, customer.email) == ("woocommerce:25", "jane@doe.example")
        assert s.get(ConnectSource, "woocommerce").duplicate == 1


def test_updates_follow_and_a_stale_one_changes_nothing(connect):
    t = connect
    t.woo(woo_order(created=CREATED, status="on-hold"))
    assert order_of(t).payment_status == PaymentStatus.AWAITING
    status, answer = t.woo(woo_order(created=CREATED, modified=LATEST, city="Oakland"),
                           topic="order.updated", delivery="d2")
    assert status == 200 and {"ship-to city", "payment"} <= set(answer["changed"]), answer
    status, stale = t.woo(woo_order(created=CREATED, modified=LATER, status="failed"),
                          topic="order.updated", delivery="d3")
    assert (status, stale["stale"]) == (200, True)
    order = order_of(t)
    assert (order.ship_city, order.payment_status) == ("Oakland", PaymentStatus.CAPTURED)


@pytest.mark.parametrize(("topic", "body"), [
    ("order.updated", woo_order(created=CREATED, modified=LATEST, status="cancelled")),
    ("order.deleted", {"id": 727}),
])
def test_cancelled_or_deleted_cancels(connect, topic, body):
    t = connect
    t.woo(woo_order(created=CREATED, status="pending"))
    status, answer = t.woo(body, topic=topic, delivery="d2")
    assert (status, answer["canceled"]) == (200, True), answer
    assert order_of(t).status == OrderStatus.CANCELED


def test_a_guest_order_finds_its_customer_by_billing_email(connect):
    t = connect
    assert t.woo(woo_order(created=CREATED, customer_id=0, email="orders@acme.example"))[0] \
        == 200
    with t.db.read() as s:
        assert s.get(Customer, order_of(t).customer_id).code == "ACME"


def test_the_ping_on_webhook_creation_is_answered_and_nothing_stored(connect):
    t = connect
    status, answer = t.post("woocommerce", None, {
        "Content-Type": "application/x-www-form-urlencoded"}, raw=b"webhook_id=17")
    assert (status, answer["ping"]) == (200, True)
    with t.db.read() as s:
        assert s.scalars(select(ConnectEvent)).first() is None


@pytest.mark.parametrize(("headers", "code", "field"), [
    ({"X-WC-Webhook-Signature": "bm90IGl0"}, 401, None),
    ({"X-WC-Webhook-Signature": ""}, 401, None),
    ({"X-WC-Webhook-Delivery-ID": ""}, 400, "X-WC-Webhook-Delivery-ID"),
])
def test_forged_or_incomplete_deliveries_are_refused_with_nothing_stored(connect, headers,
                                                                        code, field):
    t = connect
    status, answer = t.woo(woo_order(created=CREATED), **headers)
    assert (status, answer["field"]) == (code, field), answer
    assert order_of(t) is None
    with t.db.read() as s:
        assert s.get(ConnectSource, "woocommerce").refused == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"line_items": []}, "line_items"),
    ({"status": "Maybe?"}, "status"),
    ({"id": "727"}, "id"),
    ({"date_created_gmt": "yesterday"}, "date_created_gmt"),
    ({"customer_id": 0, "billing": {"email": ""}}, "billing.email"),
    ({"shipping_lines": [{"total": "ten"}]}, "shipping_lines[0].total"),
])
def test_a_payload_that_cannot_be_an_order_is_a_4xx_naming_the_field(connect, change, field):
    t = connect
    status, answer = t.woo({**woo_order(created=CREATED), **change})
    assert (status // 100, answer["field"]) == (4, field), answer
    assert order_of(t) is None


def test_an_update_with_other_lines_edits_them_and_an_unknown_sku_is_flagged(connect):
    t = connect
    t.woo(woo_order(created=CREATED))
    body = woo_order(created=CREATED, modified=LATER)
    body["line_items"][0]["quantity"] = 6
    status, answer = t.woo(body, topic="order.updated", delivery="d2")
    assert (status, answer["changed"], answer["discrepancies"]) == (
        200, ["line 1 quantity"], 0), answer
    body = woo_order(created=CREATED, modified=LATEST)
    body["line_items"].append({**body["line_items"][0], "id": 316, "sku": "NOPE-9"})
    status, answer = t.woo(body, topic="order.updated", delivery="d3")
    assert (status, answer["discrepancies"]) == (200, 1), answer
    with t.db.read() as s:
        order = s.get(Order, order_of(t).id)
        assert [(line.sku, line.quantity) for line in order.lines] == [("WID-1042-BL", 6)]
        item = s.scalars(select(Discrepancy).where(Discrepancy.order_id == order.id)).one()
        assert "disagree on lines" in item.title and "NOPE-9" in item.evidence["found"]


def test_an_update_whose_quantity_is_not_a_number_is_a_4xx_naming_it(connect):
    t = connect
    t.woo(woo_order(created=CREATED))
    body = woo_order(created=CREATED, modified=LATER)
    body["line_items"][0]["quantity"] = "6"
    status, answer = t.woo(body, topic="order.updated", delivery="d2")
    assert (status // 100, answer["field"]) == (4, "line_items[0].quantity"), answer

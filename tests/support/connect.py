"""The `connect` fixture: the stack (sandbox + app over HTTP) with every /connect/<source>
secret set, on the fulfilment desk with triage routed; and POSTs signed exactly as each
platform signs them, with sample bodies in the platforms' documented shapes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

from bench.app_stack import ADMIN, OnStack, Stack
from bot.config import Settings
from bot.console import DEMO_ROLES, start_stack
from jobs import outbox as delivery
from store.models import Customer
from store.workspace.roles import set_role
from store.workspace.routing import set_route
from tests.support.fulfil_desk import fulfil_desk

TRACKING_SECRET = "whsec-tracking-ünïcode"  # EasyPost normalises its secret (NFKD)
SHOPIFY_SECRET = "shpss_0123456789abcdef"
WOO_SECRET = "woo-secret-42"
OTHER_SHOP, OTHER_SECRET = "north-store.myshopify.com", "shpss_north_0042"
SHOP_REP, OTHER_SHOP_REP = "U0SALES2", "U0SALES3"  # new customers' default rep, by shop
TRIAGE_CHANNEL, REP = "C0TRIAGE", "U0SALES1"


@dataclass
class Connect(OnStack):
    def post(self, source: str, body: dict | None, headers: dict, *,
             raw: bytes | None = None) -> tuple[int, dict]:
        data = raw if raw is not None else json.dumps(body).encode()
        url = self.sb.app_url.replace("/slack/events", f"/connect/{source}")
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    def tracking(self, body: dict | None, *, secret: str = TRACKING_SECRET,
                 raw: bytes | None = None, signature: str | None = None) -> tuple[int, dict]:
        data = raw if raw is not None else json.dumps(body).encode()
        sig = signature if signature is not None else "hmac-sha256-hex=" + hmac.new(
            _nfkd(secret), data, hashlib.sha256).hexdigest()
        return self.post("tracking", None, {"X-Hmac-Signature": sig}, raw=data)

    def shopify(self, body: dict | None, topic: str = "orders/create", webhook_id: str = "w1",
                *, raw: bytes | None = None, secret: str = SHOPIFY_SECRET,
                **headers) -> tuple[int, dict]:
        data = raw if raw is not None else json.dumps(body).encode()
        return self.post("shopify", None, {**shopify_headers(data, topic, webhook_id,
                                                             secret=secret), **headers}, raw=data)

    def woo(self, body: dict | None, topic: str = "order.created", delivery: str = "d1", *,
            raw: bytes | None = None, secret: str = WOO_SECRET, **headers) -> tuple[int, dict]:
        data = raw if raw is not None else json.dumps(body).encode()
        return self.post("woocommerce", None, {**woo_headers(data, topic, delivery,
                                                             secret=secret), **headers}, raw=data)


def _nfkd(secret: str) -> bytes:
    return unicodedata.normalize("NFKD", secret).encode()


def easypost_event(tracking_code: str, status: str, *, event_id: str, updated_at: str,
                   details: list[dict] | None = None, description: str = "tracker.updated"):
    """An EasyPost Event carrying a Tracker, as its docs show one (field names and types)."""
    return {
        "id": event_id, "object": "Event", "mode": "production", "description": description,
        "created_at": updated_at, "updated_at": updated_at, "status": "pending",
        "user_id": "user_0123456789", "previous_attributes": {"status": "in_transit"},
        "pending_urls": ["https://desk.example.com/connect/tracking"], "completed_urls": [],
        "result": {
            "id": "trk_c8e0edb5bb284caa934a0d3db23a148z", "object": "Tracker",
            "mode": "production", "tracking_code": tracking_code, "status": status,
            "status_detail": "arrived_at_destination" if status == "delivered" else "unknown",
            "created_at": updated_at, "updated_at": updated_at, "signed_by": None,
            "weight": None, "est_delivery_date": updated_at, "shipment_id": None,
            "carrier": "UPS", "tracking_details": details or [],
            "carrier_detail": None, "public_url": "https://track.easypost.com/djE6dHJrXzA",
            "fees": []},
    }


def detail(status: str, at: str, message: str) -> dict:
    return {"object": "TrackingDetail", "message": message, "description": None,
            "status": status, "status_detail": "status_update", "datetime": at,
            "source": "UPS", "carrier_code": "KB",
            "tracking_location": {"object": "TrackingLocation", "city": "SPRINGFIELD",
                                  "state": "IL", "country": "US", "zip": "62701"}}


@pytest.fixture
def connect(db):
    settings = Settings.from_env({
        "ORDERDESK_ADMINS": ADMIN, "ORDERDESK_TRACKING_SECRET": TRACKING_SECRET,
        "ORDERDESK_SHOPIFY_SECRET": SHOPIFY_SECRET,
        "ORDERDESK_SHOPIFY_SECRETS": f"{OTHER_SHOP}={OTHER_SECRET}",
        "ORDERDESK_SHOPIFY_DEFAULT_REP": f"{SHOP_REP},{OTHER_SHOP}={OTHER_SHOP_REP}",
        "ORDERDESK_WOOCOMMERCE_SECRET": WOO_SECRET})
    sandbox, running, app_settings = start_stack(settings, db=db)
    for user_id, role in DEMO_ROLES.items():
        set_role(db, actor=ADMIN, user_id=user_id, role=role, admins=frozenset({ADMIN}),
                 default_role=settings.default_role)
    ids = fulfil_desk(db)
    set_route(db, actor=ADMIN, key="default", channel_id=TRIAGE_CHANNEL)
    with db.write() as s:
        s.get(Customer, ids["ACME"]).sales_rep_id = REP
    yield Connect(Stack(sb=sandbox, db=db, settings=app_settings), ids)
    delivery.stop_all()
    running.stop()
    sandbox.stop()


def shopify_headers(data: bytes, topic: str, webhook_id: str, *,
                    secret: str = SHOPIFY_SECRET) -> dict:
    digest = hmac.new(secret.encode(), data, hashlib.sha256).digest()
    return {"X-Shopify-Topic": topic, "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
            "X-Shopify-Shop-Domain": "acme-store.myshopify.com",
            "X-Shopify-Webhook-Id": webhook_id, "X-Shopify-API-Version": "2024-07"}


def shopify_order(*, created_at: str, updated_at: str | None = None, email: str,
                  customer_id: int = 207119551, financial_status: str = "paid",
                  city: str = "Springfield", name: str = "#1001", **more) -> dict:
    """An Order as Shopify's REST Admin API documents it (the fields the desk reads, and
    some it doesn't, with their types)."""
    return {
        "id": 450789469, "admin_graphql_api_id": "gid://shopify/Order/450789469",
        "name": name, "order_number": 1001, "email": email, "created_at": created_at,
        "updated_at": updated_at or created_at, "currency": "USD",
        "financial_status": financial_status, "fulfillment_status": None,
        "total_price": "59.95", "subtotal_price": "50.00", "total_tax": "0.00",
        "note": "Leave at the loading dock", "cancelled_at": None, "cancel_reason": None,
        "discount_codes": [], "tags": "",
        "customer": {"id": customer_id, "email": email, "first_name": "Bob",
                     "last_name": "Norman", "currency": "USD"},
        "shipping_address": {"first_name": "Bob", "last_name": "Norman", "name": "Bob Norman",
                             "address1": "9 Elm St", "address2": "", "city": city,
                             "province": "Illinois", "province_code": "IL", "zip": "62701",
                             "country": "United States", "country_code": "US",
                             "phone": "555-625-1199"},
        "line_items": [{"id": 466157049, "variant_id": 39072856, "product_id": 632910392,
                        "title": "Widget Blue", "sku": "WID-1042-BL", "quantity": 4,
                        "current_quantity": 4, "price": "12.50", "grams": 200,
                        "requires_shipping": True, "taxable": True}],
        "shipping_lines": [{"id": 369256396, "title": "Standard", "price": "9.95",
                            "code": "Standard", "source": "shopify"}],
        **more,
    }


def shopify_refund(*, order_id: int = 450789469, sku: str = "WID-1042-BL", quantity: int = 1,
                   refund_id: int = 509562969, amount: str = "12.50",
                   line_item_id: int = 466157049) -> dict:
    """A Refund as Shopify's REST Admin API documents it (refunds/create's body); its one
    refund line item names the order's line item by `line_item_id`."""
    items = [] if quantity == 0 else [{
        "id": 104689539, "quantity": quantity, "line_item_id": line_item_id,
        "location_id": 487838322, "restock_type": "return", "subtotal": 12.5, "total_tax": 0.0,
        "subtotal_set": {"shop_money": {"amount": "12.50", "currency_code": "USD"}},
        "line_item": {"id": line_item_id, "variant_id": 39072856, "title": "Widget Blue",
                      "quantity": 4, "sku": sku, "price": "12.50", "product_id": 632910392}}]
    return {"id": refund_id, "order_id": order_id, "created_at": "2026-12-01T10:00:00-05:00",
            "note": "damaged in transit", "user_id": 548380009, "processed_at":
            "2026-12-01T10:00:00-05:00", "restock": True, "duties": [],
            "admin_graphql_api_id": f"gid://shopify/Refund/{refund_id}",
            "refund_line_items": items, "order_adjustments": [],
            "transactions": [{"id": 179259969, "order_id": order_id, "kind": "refund",
                              "gateway": "bogus", "status": "success", "amount": amount,
                              "currency": "USD", "parent_id": 801038806}]}


def woo_headers(data: bytes, topic: str, delivery: str, *, secret: str = WOO_SECRET) -> dict:
    digest = hmac.new(secret.encode(), data, hashlib.sha256).digest()
    resource, _, event = topic.partition(".")
    return {"X-WC-Webhook-Source": "https://shop.example.com/", "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": resource, "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": base64.b64encode(digest).decode(),
            "X-WC-Webhook-ID": "17", "X-WC-Webhook-Delivery-ID": delivery,
            "User-Agent": "WooCommerce/9.1.0 Hookshot (WordPress/6.6)"}


def woo_order(*, created: str, modified: str | None = None, status: str = "processing",
              email: str = "jane@doe.example", customer_id: int = 25, city: str = "San Francisco",
              **more) -> dict:
    """An Order as WooCommerce's REST API v3 documents it (GMT times without an offset)."""
    return {
        "id": 727, "parent_id": 0, "number": "727", "order_key": "wc_order_58d2d042d1d",
        "created_via": "checkout", "version": "9.1.0", "status": status, "currency": "USD",
        "date_created": created, "date_created_gmt": created,
        "date_modified": modified or created, "date_modified_gmt": modified or created,
        "discount_total": "0.00", "discount_tax": "0.00", "shipping_total": "10.00",
        "shipping_tax": "0.00", "cart_tax": "1.35", "total": "60.35", "total_tax": "1.35",
        "prices_include_tax": False, "customer_id": customer_id,
        "customer_ip_address": "", "customer_user_agent": "", "customer_note": "Ring twice",
        "billing": {"first_name": "Jane", "last_name": "Doe", "company": "", "address_1":
                    "969 Market", "address_2": "", "city": "San Francisco", "state": "CA",
                    "postcode": "94103", "country": "US", "email": email,
                    "phone": "(555) 555-5555"},
        "shipping": {"first_name": "Jane", "last_name": "Doe", "company": "", "address_1":
                     "969 Market", "address_2": "", "city": city, "state": "CA",
                     "postcode": "94103", "country": "US"},
        "payment_method": "bacs", "payment_method_title": "Direct Bank Transfer",
        "transaction_id": "", "date_paid": None, "date_paid_gmt": None,
        "date_completed": None, "date_completed_gmt": None, "cart_hash": "",
        "meta_data": [],
        "line_items": [{"id": 315, "name": "Widget Blue", "product_id": 93, "variation_id": 0,
                        "quantity": 4, "tax_class": "", "subtotal": "50.00",
                        "subtotal_tax": "1.35", "total": "50.00", "total_tax": "1.35",
                        "taxes": [], "meta_data": [], "sku": "WID-1042-BL", "price": 12.5}],
        "tax_lines": [], "fee_lines": [], "refunds": [],
        "shipping_lines": [{"id": 317, "method_title": "Flat Rate", "method_id": "flat_rate",
                            "total": "10.00", "total_tax": "0.00", "taxes": []}],
        "coupon_lines": [{"id": 318, "code": "spring10", "discount": "5.00",
                          "discount_tax": "0.00"}],
        **more,
    }

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
                *, raw: bytes | None = None, **headers) -> tuple[int, dict]:
        data = raw if raw is not None else json.dumps(body).encode()
        return self.post("shopify", None, {**shopify_headers(data, topic, webhook_id),
                                           **headers}, raw=data)


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
                        "price": "12.50", "grams": 200, "requires_shipping": True,
                        "taxable": True}],
        "shipping_lines": [{"id": 369256396, "title": "Standard", "price": "9.95",
                            "code": "Standard", "source": "shopify"}],
        **more,
    }

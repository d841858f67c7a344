"""POST /intake/orders end to end: signed, idempotent by order_ref, JSON errors naming the
field, and the triage post in the sandbox soon after."""

from __future__ import annotations

import hashlib
import hmac
import io
import json

import pytest

from bench.app_stack import SECRET, order
from bot.app import create_app
from bot.web import create_wsgi_app
from jobs.renderers import renderer_table
from tests.support.intake import post


def test_a_signed_order_is_created_once_and_its_problem_posted(intake):
    t = intake
    body = order()
    status, answer = post(t, body)
    assert (status, answer["ok"], answer["order_ref"], answer["created"]) == (201, True,
                                                                            "WEB-1", True)
    assert answer["discrepancies"] == 1
    assert "price_mismatch" in t.parent("WEB-1").text
    again = post(t, body, signature="sha256=" + hmac.new(
        SECRET.encode(), json.dumps(body).encode(), hashlib.sha256).hexdigest())
    assert again == (200, {"ok": True, "order_ref": "WEB-1", "created": False,
                           "discrepancies": 0})
    status, conflict = post(t, {**body, "po_number": "OTHER"})
    assert (status, conflict["ok"], conflict["field"]) == (409, False, "order_ref")
    assert "WEB-1" in conflict["error"]
    assert len(t.parents()) == 1


@pytest.mark.parametrize(("body", "status", "field"), [
    (order(lines=[{"sku": "WID-1001-BL", "quantity": -2}]), 400, "lines[0].quantity"),
    (order(customer_code="NOBODY"), 422, "customer_code"),
    (order(colour="red"), 400, "colour"),
    (order(lines=[]), 400, "lines"),
    (order(order_ref=""), 400, "order_ref"),
    (order(requested_date="soon"), 400, "requested_date"),
    (order(order_date=None), 400, "order_date"),
])
def test_bad_input_is_a_json_error_naming_the_field(intake, body, status, field):
    got, answer = post(intake, body)
    assert (got, answer["ok"], answer["field"]) == (status, False, field), answer
    assert answer["error"]


def test_a_wrong_signature_or_a_non_json_body_is_refused(intake):
    status, answer = post(intake, order(), secret="not-the-secret")
    assert (status, answer["ok"]) == (401, False)
    status, answer = post(intake, None, raw=b"{not json")
    assert (status, answer["ok"], answer["field"]) == (400, False, None)


def test_without_a_secret_the_endpoint_says_it_is_off(stack):
    assert stack.settings.intake_secret is None
    app = create_wsgi_app(create_app(stack.settings, db=stack.db), stack.db,
                          renderers=renderer_table(stack.settings.audience),
                          signing_secret=stack.settings.slack_signing_secret,
                          intake_secret=stack.settings.intake_secret)
    body = json.dumps(order()).encode()
    seen = {}
    answer = app({"PATH_INFO": "/intake/orders", "REQUEST_METHOD": "POST",
                  "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)},
                 lambda status, headers: seen.update(status=status))
    assert seen["status"].startswith("503")
    assert "ORDERDESK_INTAKE_SECRET" in json.loads(b"".join(answer))["error"]


def test_an_order_totalling_more_than_64_bits_is_a_422_not_an_outage(intake):
    line = {"sku": "WID-1001-BL", "quantity": 1_000_000, "unit_price": "9999999999.99"}
    status, answer = post(intake, order("BIG-1", lines=[line] * 10))
    assert (status, answer["ok"], answer["field"]) == (422, False, "lines[0].quantity")
    assert "unavailable" not in answer["error"] and "100,000,000,000.00" in answer["error"]

"""POST /intake/orders end to end: signed, idempotent by order_ref, JSON errors naming the
field, and the triage post in the sandbox soon after."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import urllib.error
import urllib.request

import pytest

from bench.app_stack import ADMIN, SECRET, Stack, order, triage_on
from bot.app import create_app
from bot.config import Settings
from bot.console import DEMO_ROLES, start_stack
from bot.web import create_wsgi_app
from jobs.outbox import stop_all
from jobs.renderers import renderer_table
from store.workspace.roles import set_role


@pytest.fixture
def intake(db):
    """The stack as `stack` builds it, with an intake secret in the app's settings."""
    settings = Settings.from_env({"ORDERDESK_ADMINS": ADMIN, "ORDERDESK_INTAKE_SECRET": SECRET})
    sandbox, running, app_settings = start_stack(settings, db=db)
    for user_id, role in DEMO_ROLES.items():
        set_role(db, actor=ADMIN, user_id=user_id, role=role, admins=frozenset({ADMIN}),
                 default_role=settings.default_role)
    yield triage_on(Stack(sb=sandbox, db=db, settings=app_settings))
    stop_all()
    running.stop()
    sandbox.stop()


def post(t, body, *, secret=SECRET, signature=None, raw: bytes | None = None):
    data = raw if raw is not None else json.dumps(body).encode()
    sig = signature or hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
    url = t.sb.app_url.replace("/slack/events", "/intake/orders")
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json", "X-Orderdesk-Signature": sig})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


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
                          intake_secret=stack.settings.intake_secret)
    body = json.dumps(order()).encode()
    seen = {}
    answer = app({"PATH_INFO": "/intake/orders", "REQUEST_METHOD": "POST",
                  "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)},
                 lambda status, headers: seen.update(status=status))
    assert seen["status"].startswith("503")
    assert "ORDERDESK_INTAKE_SECRET" in json.loads(b"".join(answer))["error"]

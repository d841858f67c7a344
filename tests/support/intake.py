"""Intake: the order body the store tests post, and for end-to-end tests the stack with an intake secret (the `intake` fixture) and a signed POST."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

import pytest

from bench.app_stack import ADMIN, SECRET, Stack, triage_on
from bot.config import Settings
from bot.console import DEMO_ROLES, start_stack
from jobs.outbox import stop_all
from store.workspace.roles import set_role
from tests.support.clock import days_ago

BODY = {"order_ref": "WEB-7", "customer_code": "ACME", "order_date": days_ago(5, 10).isoformat(),
        "ship_postal_code": "62701", "ship_line1": "9 Elm St", "ship_city": "Springfield",
        "ship_country": "US",
        "lines": [{"sku": "WID-1001-BL", "quantity": "2"},
                  {"sku": "BRK-3003-SS", "quantity": 1, "unit_price": 6}]}


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

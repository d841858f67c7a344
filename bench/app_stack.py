"""Orderdesk and the Slack sandbox talking over real HTTP in this process, with the triage desk
loaded and routed: what the end-to-end tests (tests/e2e) and bench/reliability_report.py
drive. Build one with bot.console.start_stack and wrap it in a Stack; `triage_on` adds the
triage desk (bench/triage_desk.py) and the admin's routes.

    default -> #order-triage, insufficient_stock -> #warehouse, manager -> #desk-managers
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk import WebClient

from bench.triage_desk import import_problems, triage_desk
from bot.config import Settings
from bot.console import DEMO_ADMIN
from jobs import outbox as delivery
from jobs.renderers import Renderers, renderer_table
from sandbox import SlackSandbox
from store import clock
from store.db import Database

PROCESSOR, SALES, MANAGER, ADMIN = "U0PROC1", "U0SALES1", "U0MGR1", DEMO_ADMIN
CHANNEL = "C0ORDERS"
TRIAGE, WAREHOUSE, MANAGERS = "C0TRIAGE", "C0WH", "C0MGR"
SECRET = "intake-s3cret"  # ORDERDESK_INTAKE_SECRET of the stacks that take intake posts


@dataclass
class Stack:
    sb: SlackSandbox
    db: Database
    settings: Settings


@dataclass
class OnStack:
    """Base of the feature helpers (triage, fulfilment): the stack plus the desk's ids."""

    stack: Stack
    ids: dict

    @property
    def sb(self) -> SlackSandbox:
        return self.stack.sb

    @property
    def db(self) -> Database:
        return self.stack.db

    def client(self) -> WebClient:
        return WebClient(base_url=self.sb.api_url, token=self.sb.bot_token)

    @property
    def renderers(self) -> Renderers:
        """The outbox's renderer table, as the app's processes build it from the settings."""
        return renderer_table(self.stack.settings.audience)

    def deliver(self) -> None:
        """What the web process does after a commit (and the clock every few seconds)."""
        delivery.kick(self.db, self.client(), self.renderers)


@dataclass
class Triage(OnStack):
    def import_problems(self, tmp_path, rows=None):
        report = import_problems(self.db, tmp_path, rows)
        assert report.rows_rejected == 0, report.rejections
        self.deliver()
        return report

    def parents(self, channel: str = TRIAGE) -> list:
        return [m for m in self.sb.messages(channel) if m.blocks]

    def parent(self, ref: str, channel: str = TRIAGE):
        self.sb.wait_for(lambda: [m for m in self.parents(channel) if ref in m.text])
        (found,) = [m for m in self.parents(channel) if ref in m.text]
        return found

    def dms(self, user: str) -> list:
        return self.sb.messages(user)


def action_id(message, prefix: str) -> str:
    """The full action id (with its ':<id>' suffix) of a button or select on a message."""
    for block in message.blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id", "").partition(":")[0] == prefix:
                return element["action_id"]
    raise AssertionError(f"no {prefix} on message: {json.dumps(message.blocks)[:500]}")


def has_action(message, prefix: str) -> bool:
    try:
        action_id(message, prefix)
        return True
    except AssertionError:
        return False


def text_of(message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def route(sb: SlackSandbox, key: str, channel: str, name: str) -> None:
    answer = sb.slash("/orders", f"route {key} <#{channel}|{name}>", user=ADMIN,
                      channel="C0ORDERS")
    assert answer.status == 200 and not answer.problems, answer.problems
    assert "now goes to" in json.dumps(answer.body)


def triage_on(stack: Stack) -> Triage:
    ids = triage_desk(stack.db)
    route(stack.sb, "default", TRIAGE, "order-triage")
    route(stack.sb, "insufficient_stock", WAREHOUSE, "warehouse")
    route(stack.sb, "manager", MANAGERS, "desk-managers")
    return Triage(stack, ids)


def order(ref="WEB-1", **overrides):
    """An intake order (POST /intake/orders) for the triage desk's ACME."""
    body = {"order_ref": ref, "customer_code": "ACME", "po_number": "WEB-PO-1",
            "order_date": clock.now().isoformat(),
            "lines": [{"sku": "WID-1001-BL", "quantity": 2, "unit_price": "9.00"}]}
    return {**body, **overrides}

"""Helpers and the `triage` fixture for the triage end-to-end tests (no tests here).

`triage` = the stack (sandbox + app over HTTP) with the triage desk loaded and routes set by
the admin through `/orders route`: default -> #order-triage, insufficient_stock ->
#warehouse, manager -> #desk-managers. Delivery threads are stopped after each test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from jobs import outbox as delivery
from sandbox import SlackSandbox
from tests.e2e.conftest import ADMIN, OnStack, Stack
from tests.store.test_checks_support import import_problems, triage_desk

TRIAGE, WAREHOUSE, MANAGERS = "C0TRIAGE", "C0WH", "C0MGR"


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


@pytest.fixture
def triage(stack):
    yield triage_on(stack)
    delivery.stop_all()

"""Helpers and the `ful` fixture for the fulfilment end-to-end tests (no tests here).

`ful` = the stack (sandbox + app over HTTP) with tests/support/fulfil_desk.py's desk
loaded, the warehouse route at #warehouse and the manager route at #desk-managers, and
Acme's sales rep set to sam (U0SALES1). Delivery threads are stopped after each test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bench.app_stack import CHANNEL, PROCESSOR, OnStack
from jobs import outbox as delivery
from store.models import Customer, Order
from tests.support.fulfil_desk import MANAGER_CHANNEL, WAREHOUSE_CHANNEL, fulfil_desk

REP = "U0SALES1"


@dataclass
class Ful(OnStack):
    def slash(self, text: str, user: str = PROCESSOR):
        answer = self.sb.slash("/order", text, user=user, channel=CHANNEL)
        assert answer.status == 200 and not answer.problems, answer.problems
        return answer

    def modal(self, text: str, user: str = PROCESSOR):
        """/order <text> that opens a modal; returns the modal."""
        before = len(self.sb.views(user=user))
        self.slash(text, user=user)
        self.sb.wait_for(lambda: len(self.sb.views(user=user)) > before)
        return self.sb.views(user=user)[-1]

    def submit(self, view, values: dict, user: str = PROCESSOR):
        answer = self.sb.submit(view, values, user=user)
        assert answer.sent and answer.status == 200 and not answer.problems, answer.problems
        return answer

    def click(self, action_id: str, message, user: str = PROCESSOR):
        answer = self.sb.click(action_id, user=user, message=message)
        assert answer.status == 200 and not answer.problems, answer.problems
        return answer

    def pick_message(self, ref: str = "SO-2001"):
        self.sb.wait_for(lambda: [m for m in self.sb.messages(WAREHOUSE_CHANNEL) if ref in m.text])
        (found,) = [m for m in self.sb.messages(WAREHOUSE_CHANNEL) if ref in m.text]
        return found

    def manager_posts(self) -> list:
        return self.sb.messages(MANAGER_CHANNEL)

    def said(self, user: str, phrase: str) -> None:
        """Wait until an ephemeral to `user` contains `phrase`."""
        self.sb.wait_for(lambda: any(phrase in text_of(m) for m in self.sb.ephemerals(user=user)))

    def order(self, ref: str = "SO-2001") -> Order:
        with self.db.read() as s:
            return s.scalars(select(Order).where(Order.ref == ref)).one()


def text_of(message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False) + (message.text or "")


def buttons(message) -> list[str]:
    return [e["action_id"] for b in message.blocks if b.get("type") == "actions"
            for e in b.get("elements", [])]


@pytest.fixture
def ful(stack):
    ids = fulfil_desk(stack.db)
    with stack.db.write() as s:
        s.get(Customer, ids["ACME"]).sales_rep_id = REP
    yield Ful(stack, ids)
    delivery.stop_all()

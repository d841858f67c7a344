"""The journey suite's desk and helpers (tests/journeys; no tests here), registered as a plugin.

`journey` = the stack (sandbox + app over HTTP) on a desk *imported from CSV*, with ref, PO and
SKU shapes unlike the seed's, routed the way a desk routes it (default -> #order-triage,
manager -> #desk-managers, warehouse -> #warehouse), and helpers that act as a person would
(slash commands, modals, buttons, mentions) and read what each person sees.

Catalog (warehouse MAIN): 7731-0042 Hydraulic Valve $133.95 (40 on hand), HXV12 Seal Kit
$12.40 (200), PX.900 Pressure Gauge $58.00 (1).
Customers: GLOBEX Globex Corporation (rep sam U0SALES1, $5,000.00 credit limit), INITECH
Initech LLC (rep sofia U0SALES2, no limit).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from bench.app_stack import CHANNEL, MANAGERS, PROCESSOR, TRIAGE, WAREHOUSE, OnStack
from bench.app_stack import route as set_route
from jobs import outbox as delivery
from messages.actions import FulfilmentActions
from store import clock
from store.fulfilment import allocate_ready, flag_late_orders, post_unrouted
from store.importer import ORDER_COLUMNS, import_file
from store.models import Order, Product, StockLevel

SAM, SOFIA, MANAGER = "U0SALES1", "U0SALES2", "U0MGR1"
BOT = "U0BOT"
CATALOG = [
    ["sku", "name", "unit_price", "currency", "on_hand", "warehouse"],
    ["7731-0042", "Hydraulic Valve", "133.95", "USD", "40", "MAIN"],
    ["HXV12", "Seal Kit", "12.40", "USD", "200", "MAIN"],
    ["PX.900", "Pressure Gauge", "58.00", "USD", "1", "MAIN"],
]
CUSTOMERS = [
    ["customer_code", "name", "email", "phone", "credit_limit", "currency", "sales_rep",
     "address_line1", "address_line2", "city", "region", "postal_code", "country"],
    ["GLOBEX", "Globex Corporation", "buying@globex.example", "", "5000.00", "USD", SAM,
     "1 Globex Way", "", "Cypress Creek", "OR", "97001", "US"],
    ["INITECH", "Initech LLC", "ap@initech.example", "", "", "USD", SOFIA,
     "4120 Freidrich Ln", "", "Austin", "TX", "78744", "US"],
]


def text_of(message) -> str:
    """Everything a message (or a modal) shows, as one string."""
    return json.dumps(message.blocks, ensure_ascii=False) + (getattr(message, "text", "") or "")


def buttons(message) -> list[str]:
    """The action ids (without any ':<id>' suffix) of a message's buttons."""
    return [e["action_id"].partition(":")[0] for b in message.blocks
            if b.get("type") == "actions" for e in b.get("elements", [])]


WAIT = 15.0  # seconds: two cores shared with other work can make a delivery slow


@dataclass
class Journey(OnStack):
    tmp: Path

    def wait_for(self, predicate, *, message: str | None = None) -> None:
        self.sb.wait_for(predicate, timeout=WAIT, message=message)

    # -- data, imported as a desk would ------------------------------------------------------
    def import_csv(self, kind: str, rows: list[list[str]], name: str | None = None):
        path = self.tmp / (name or f"{kind}.csv")
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        report = import_file(self.db, kind=kind, path=path)
        assert report.rows_rejected == 0, report.rejections
        self.deliver()
        return report

    def import_orders(self, *orders: dict, name: str = "orders.csv"):
        """Each dict: one order line; order_ref, customer_code, sku, quantity at least."""
        rows = [ORDER_COLUMNS]
        for o in orders:
            values = {"order_date": clock.now().isoformat(), "currency": "USD",
                      "payment_status": "authorized", **o}
            rows.append([str(values.get(c, "")) for c in ORDER_COLUMNS])
        return self.import_csv("orders", rows, name)

    def restock(self, sku: str, units: int) -> None:
        """The warehouse counts new stock in (the catalog import sets on_hand)."""
        with self.db.read() as s:
            on_hand = s.scalar(select(StockLevel.on_hand).join(
                Product, Product.id == StockLevel.product_id).where(Product.sku == sku))
        row = next(r for r in CATALOG if r[0] == sku)
        self.import_csv("catalog", [CATALOG[0], [*row[:4], str(on_hand + units), "MAIN"]],
                        name=f"restock-{sku}.csv")

    # -- people at work -----------------------------------------------------------------------
    def slash(self, text: str, user: str = PROCESSOR, command: str = "/order",
              channel: str = CHANNEL):
        answer = self.sb.slash(command, text, user=user, channel=channel)
        assert answer.status == 200 and not answer.problems, answer.problems
        return answer

    def modal(self, text: str, user: str = PROCESSOR):
        """/order <text> that opens a modal; returns the modal."""
        before = len(self.sb.views(user=user))
        self.slash(text, user=user)
        self.wait_for(lambda: len(self.sb.views(user=user)) > before,
                         message=f"a modal for {text!r}")
        return self.sb.views(user=user)[-1]

    def submit(self, view, values: dict, user: str = PROCESSOR):
        answer = self.sb.submit(view, values, user=user)
        assert answer.sent and answer.status == 200 and not answer.problems, answer.problems
        self.deliver()
        return answer

    def click(self, action_id: str, message, user: str = PROCESSOR, **extra):
        answer = self.sb.click(action_id, user=user, message=message, **extra)
        assert answer.status == 200 and not answer.problems, answer.problems
        self.deliver()
        return answer

    def click_button(self, prefix: str, message, user: str = PROCESSOR):
        """Press the button whose action id starts with `prefix` (ids may carry ':<id>')."""
        for block in message.blocks:
            for e in block.get("elements", []) if block.get("type") == "actions" else []:
                if e["action_id"].partition(":")[0] == prefix:
                    return self.click(e["action_id"], message, user=user)
        raise AssertionError(f"no {prefix} button on: {text_of(message)[:600]}")

    def said(self, user: str, phrase: str):
        """The latest ephemeral to `user` containing `phrase`, once there is one."""
        def found():
            return [m for m in self.sb.ephemerals(user=user) if phrase in text_of(m)]
        self.wait_for(found, message=f"{user} is told {phrase!r}")
        return found()[-1]

    def card(self, ref: str, user: str = PROCESSOR):
        """/order <ref>: the private card that person sees."""
        before = len(self.sb.ephemerals(user=user))
        self.slash(ref, user=user)
        self.wait_for(lambda: len(self.sb.ephemerals(user=user)) > before)
        return self.sb.ephemerals(user=user)[-1]

    def clock_tick(self) -> None:
        """What the clock process does every few minutes: allocate ready orders, flag late
        ones, post approval requests made while unrouted, deliver the outbox."""
        flag_late_orders(self.db)
        allocate_ready(self.db)
        post_unrouted(self.db)
        self.deliver()

    # -- what is on the screens ---------------------------------------------------------------
    def posts(self, channel: str) -> list:
        return [m for m in self.sb.messages(channel) if m.blocks]

    def post_about(self, ref: str, channel: str, *, contains: str = ""):
        def found():
            return [m for m in self.posts(channel) if ref in text_of(m) and contains in
                    text_of(m)]
        self.wait_for(found, message=f"a post about {ref} in {channel}")
        return found()[-1]

    def triage_parent(self, ref: str, kind: str = ""):
        return self.post_about(ref, TRIAGE, contains=kind)

    def pick_request(self, ref: str):
        return self.post_about(ref, WAREHOUSE)

    def pick_pack_ship(self, ref: str, *, carrier: str = "UPS",
                       tracking: str = "1Z999AA10123456784"):
        """The warehouse works a released order's pick request: Picked, Packed, Ship (the
        modal filled in). Returns the pick request."""
        pick = self.pick_request(ref)
        self.click(FulfilmentActions.PICKED, pick)
        self.wait_for(lambda: FulfilmentActions.PACKED in buttons(pick))
        self.click(FulfilmentActions.PACKED, pick)
        self.wait_for(lambda: buttons(pick) == [FulfilmentActions.SHIP])
        before = len(self.sb.views(user=PROCESSOR))
        self.click(FulfilmentActions.SHIP, pick)
        self.wait_for(lambda: len(self.sb.views(user=PROCESSOR)) > before)
        self.submit(self.sb.views(user=PROCESSOR)[-1], {"carrier": carrier, "tracking": tracking})
        self.said(PROCESSOR, "Everything has shipped")
        return pick

    def manager_post(self, ref: str):
        return self.post_about(ref, MANAGERS)

    def thread(self, message) -> list:
        return self.sb.thread(message.channel, message.ts)

    def bot_replies(self, channel: str, thread_ts: str) -> list:
        return [m for m in self.sb.thread(channel, thread_ts)
                if m.user == BOT or m.bot_id][1:] if thread_ts else []

    def dms(self, user: str) -> list:
        return self.sb.messages(self.sb.im_channel(user))

    def order(self, ref: str) -> Order:
        """The order row (its own columns; relationships are not loaded)."""
        with self.db.read() as s:
            return s.scalars(select(Order).where(Order.ref == ref)).one()

    def lines(self, ref: str) -> list[tuple]:
        """(sku, quantity, unit price, reserved, backordered) per line, by line number."""
        with self.db.read() as s:
            order = s.scalars(select(Order).where(Order.ref == ref)).one()
            return [(x.sku, x.quantity, x.unit_price_minor, x.quantity_reserved,
                     x.quantity_backordered) for x in order.lines]

    def line_prices(self, ref: str) -> list[int]:
        return [price for _sku, _q, price, _r, _b in self.lines(ref)]


def journey_on(stack, tmp_path) -> Journey:
    j = Journey(stack, {}, tmp_path)
    j.import_csv("catalog", CATALOG)
    j.import_csv("customers", CUSTOMERS)
    set_route(stack.sb, "default", TRIAGE, "order-triage")
    set_route(stack.sb, "manager", MANAGERS, "desk-managers")
    set_route(stack.sb, "warehouse", WAREHOUSE, "warehouse")
    return j


@pytest.fixture
def journey(stack, tmp_path):
    yield journey_on(stack, tmp_path)
    delivery.stop_all()

"""Every state-changing modal, submitted twice (a double click on Submit, or Slack re-sending
after a late ack): one record, stock taken once, and the second answer is the first one.

`sb.resubmit(view)` delivers the same view_submission again (same view, same private_metadata,
same values). The answer compared is what the person sees: the ack's body and the ephemeral
that follows it.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, text

from bench.app_stack import ADMIN, PROCESSOR
from messages.actions import ApprovalActions, CustomerActions, FulfilmentActions, NewOrderIds
from messages.actions import TriageActions as A
from store.enums import OutboxStatus
from store.models import (
    Approval,
    Customer,
    Discrepancy,
    Event,
    Order,
    OrderHold,
    OutboxMessage,
    Return,
    Shipment,
)
from store.workspace import set_route
from tests.support.fulfil_desk import MANAGER_CHANNEL, reserved_lines, stock
from tests.support.fulfilment import buttons, text_of

MANAGER, TRIAGE = "U0MGR1", "C0TRIAGE"


def count(db, model, *where) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def answers_of(ful, user: str) -> list[str]:
    """What the person was told by ephemeral (block ids aside: Slack makes them up)."""
    return [json.dumps([{k: v for k, v in b.items() if k != "block_id"} for b in m.blocks],
                       ensure_ascii=False) + m.text for m in ful.sb.ephemerals(user=user)]


def submitted_twice(ful, view, values: dict, *, user: str = PROCESSOR, told: str):
    """Submit, then the same again; returns the two answers: (ack body, ephemerals after it).
    The first must confirm with `told`."""
    said = []
    for attempt in ("submit", "resubmit"):
        before = len(answers_of(ful, user))
        delivery = (ful.sb.submit(view, values, user=user) if attempt == "submit"
                    else ful.sb.resubmit(view, user=user))
        assert delivery.sent and delivery.status == 200 and not delivery.problems, (
            delivery.problems)
        if not delivery.body:  # the modal closed: a confirmation follows
            ful.sb.wait_for(lambda b=before: len(answers_of(ful, user)) > b)
        ful.deliver()
        said.append((delivery.body, answers_of(ful, user)[before:]))
    assert told in said[0][1][0]
    return said


def test_a_shipment_submitted_twice_is_recorded_once_and_takes_the_stock_once(ful):
    ful.slash("release SO-2001")
    view = ful.modal("ship SO-2001")
    first, second = submitted_twice(ful, view, {
        "carrier": "FedEx", "tracking": "123456789012", "qty.l1": "1", "qty.l2": "0",
        "qty.l3": "0"}, told="the rest can ship later")
    assert count(ful.db, Shipment, Shipment.tracking_number == "123456789012") == 1
    assert stock(ful.db, "WID-1042-BL") == (99, 13)
    assert reserved_lines(ful.db) == [3, 10, 2]
    assert second == first


def test_a_return_submitted_twice_is_one_rma(ful):
    ful.slash("release SO-2001")
    ful.submit(ful.modal("ship SO-2001"), {"carrier": "FedEx", "tracking": "123456789012",
                                           "qty.l3": "0"})
    ful.said(PROCESSOR, "the rest can ship later")
    view = ful.modal("return SO-2001")
    first, second = submitted_twice(ful, view, {
        "ret.1.quantity": "1", "ret.1.outcome": "refund", "ret.1.reason": "damaged"},
        told="Refund")
    assert count(ful.db, Return) == 1
    assert second == first


def test_a_new_order_submitted_twice_is_one_order(ful):
    ful.slash("new")
    ful.sb.wait_for(lambda: ful.sb.views(user=PROCESSOR))
    view = ful.sb.views(user=PROCESSOR)[-1]
    first, second = submitted_twice(ful, view, {
        NewOrderIds.CUSTOMER: "ACME", "po_number": "PO-TWICE",
        f"line.1.sku.{NewOrderIds.SKU}.1": "WID-1042-BL", "line.1.quantity": "2"},
        told="Created")
    assert count(ful.db, Order, Order.po_number == "PO-TWICE") == 1
    assert second == first


def test_an_edit_with_a_hold_submitted_twice_is_saved_once_and_answered_the_same(ful):
    view = ful.modal("edit SO-2001")
    first, second = submitted_twice(ful, view, {
        "lines.1.quantity": "5", "hold": "customer_request", "hold_note": "wait"},
        told="Saved")
    assert count(ful.db, Event, Event.kind == "edited") == 1
    assert count(ful.db, OrderHold) == 1
    assert second == first


def test_a_cancel_submitted_twice_is_answered_the_same(ful):
    ful.slash("release SO-2001")
    view = ful.modal("cancel SO-2001")
    first, second = submitted_twice(ful, view, {"reason": "customer changed their mind"},
                                    told="is canceled")
    assert count(ful.db, Event, Event.kind == "canceled") == 1
    assert stock(ful.db, "WID-1042-BL") == (100, 10)
    assert second == first


def test_a_flag_and_its_resolve_submitted_twice_are_answered_the_same(ful):
    set_route(ful.db, actor="U0ADMIN", key="default", channel_id=TRIAGE)
    view = ful.modal("flag SO-2001")
    first, second = submitted_twice(ful, view, {"reason": "customer called twice"},
                                    told="Flagged")
    assert count(ful.db, Discrepancy) == 1

    ful.sb.wait_for(lambda: [m for m in ful.sb.messages(TRIAGE) if m.blocks])
    parent = ful.sb.messages(TRIAGE)[-1]
    resolve_id = next(e["action_id"] for b in parent.blocks if b.get("type") == "actions"
                      for e in b["elements"] if e["action_id"].startswith(A.RESOLVE))
    ful.click(resolve_id, parent)
    ful.sb.wait_for(lambda: ful.sb.views(user=PROCESSOR))
    resolve = ful.sb.views(user=PROCESSOR)[-1]
    before = len(answers_of(ful, PROCESSOR))
    for attempt in (ful.sb.submit(resolve, {"reason": "fixed", "note": "done"},
                                  user=PROCESSOR), ful.sb.resubmit(resolve, user=PROCESSOR)):
        assert attempt.status == 200 and not attempt.problems and attempt.body == ""
    ful.deliver()
    ful.sb.wait_for(lambda: "Resolved by" in text_of(parent))
    # The first resolve changes the item and says nothing more; so does the repeat (no
    # "already resolved" for a resolve the person made themselves a moment ago).
    assert answers_of(ful, PROCESSOR)[before:] == []
    assert count(ful.db, Event, Event.kind == "triage.resolved") == 1
    assert second == first


def test_a_rejection_submitted_twice_is_decided_once(ful):
    ful.submit(ful.modal("edit SO-1043"), {"lines.1.unit_price": "10.00"})
    ful.said(PROCESSOR, "waiting for approval #1")
    ful.deliver()
    ful.sb.wait_for(lambda: ful.sb.messages(MANAGER_CHANNEL))
    post = ful.sb.messages(MANAGER_CHANNEL)[-1]
    ful.click(ApprovalActions.REJECT, post, user=MANAGER)
    ful.sb.wait_for(lambda: ful.sb.views(user=MANAGER))
    modal = ful.sb.views(user=MANAGER)[-1]
    first, second = submitted_twice(ful, modal, {"reason": "too deep"}, user=MANAGER,
                                    told="Rejected")
    assert count(ful.db, Event, Event.kind == "approval.rejected") == 1
    with ful.db.read() as s:
        assert s.scalars(select(Approval.status)).one().value == "rejected"
    assert second == first


def test_a_customer_edit_submitted_twice_is_saved_once(ful):
    ful.sb.slash("/customer", "ACME", user=PROCESSOR, channel="C0ORDERS")
    card = ful.sb.ephemerals(user=PROCESSOR)[-1]
    ful.click(CustomerActions.EDIT, card)
    ful.sb.wait_for(lambda: ful.sb.views(user=PROCESSOR))
    view = ful.sb.views(user=PROCESSOR)[-1]
    first, second = submitted_twice(ful, view, {"phone": "+1 555 0199"}, told="Saved")
    assert count(ful.db, Event, Event.kind == "customer_edited") == 1
    with ful.db.read() as s:
        assert s.scalars(select(Customer.phone).where(Customer.code == "ACME")).one() == (
            "+1 555 0199")
    assert second == first


def test_a_late_first_delivery_and_the_resubmit_ship_once(ful, monkeypatch):
    """The write lock held (a slow import, a long report): the first delivery waits past
    Slack's 3 s and gets its 404, the modal stays open and the person presses Submit again
    while the first still waits; then the lock goes and both run."""
    ful.slash("release SO-2001")
    view = ful.modal("ship SO-2001")
    waiting = threading.Semaphore(0)
    write = ful.db.write

    def write_noting_the_wait(*args, **kwargs):
        if threading.current_thread().name != "outbox":  # a request's write, not a delivery's
            waiting.release()
        return write(*args, **kwargs)

    monkeypatch.setattr(ful.db, "write", write_noting_the_wait)
    before = len(answers_of(ful, PROCESSOR))
    with ThreadPoolExecutor(2) as pool:
        with hold_the_write_lock(ful.db):
            late = ful.sb.submit(view, {"carrier": "FedEx", "tracking": "123456789012",
                                        "qty.l1": "1", "qty.l2": "0", "qty.l3": "0"},
                                 user=PROCESSOR)
            assert late.status == 404 and view.is_open  # Bolt gave up waiting for the ack
            again = pool.submit(ful.sb.resubmit, view, user=PROCESSOR)
            assert waiting.acquire(timeout=10) and waiting.acquire(timeout=10)
        # Answered once the first commits; on a loaded machine that may be late too.
        assert again.result(timeout=30).status in (200, 404)
    ful.sb.wait_for(lambda: len(answers_of(ful, PROCESSOR)) - before == 2)
    assert count(ful.db, Shipment, Shipment.tracking_number == "123456789012") == 1
    assert stock(ful.db, "WID-1042-BL") == (99, 13)
    one, other = answers_of(ful, PROCESSOR)[before:]
    assert one == other and "the rest can ship later" in one


class hold_the_write_lock:
    """What a long write elsewhere does: SQLite's one writer lock, or on PostgreSQL the rows a
    shipment writes (the orders table, locked against writers)."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        # store.db begins SQLite transactions in the mode this option names.
        engine = self.db.engine.execution_options(orderdesk_sqlite_begin="IMMEDIATE")
        self.conn = engine.connect()
        self.tx = self.conn.begin()
        if not self.db.is_sqlite:
            self.conn.execute(text("LOCK TABLE orders IN EXCLUSIVE MODE"))
        return self

    def __exit__(self, *exc):
        self.tx.commit()
        self.conn.close()


def test_buttons_and_release_pressed_twice_change_things_once(ful):
    """Buttons carry no token: each checks the state it changes, so the second press is told
    what the first did and writes nothing."""
    for _ in range(2):
        ful.slash("release SO-2001")
    assert stock(ful.db, "WID-1042-BL") == (100, 14) and reserved_lines(ful.db) == [4, 10, 2]
    # the second is no second release in the history, nor told it reserved what was held
    ful.said(PROCESSOR, "already with the warehouse and nothing more is free to reserve: "
                        "16 unit(s) reserved; its pick request is kept current")
    assert count(ful.db, Event, Event.kind == "allocated") == 1
    pick = ful.pick_message()
    # Clicked only once the post is recorded as sent: a change while it is in flight is drawn
    # by the next change only (store.fulfilment.pick.refresh_post), which is not this test's.
    ful.sb.wait_for(lambda: pick_sent(ful))
    for action, step in ((FulfilmentActions.PICKED, "picked"),
                         (FulfilmentActions.PACKED, "packed")):
        ful.sb.wait_for(lambda a=action: a in buttons(pick))
        # Two presses from the same drawing of the message, as a double click sends them.
        answers = ful.sb.double_click(action, user=PROCESSOR, message=pick)
        assert [a.status for a in answers] == [200, 200]
        ful.said(PROCESSOR, f"already marked {step}")
        assert count(ful.db, Event, Event.kind == f"fulfilment.{step}") == 1

    ful.submit(ful.modal("edit SO-1043"), {"lines.1.unit_price": "10.00"})
    ful.deliver()
    ful.sb.wait_for(lambda: ful.sb.messages(MANAGER_CHANNEL))
    post = ful.sb.messages(MANAGER_CHANNEL)[-1]
    answers = ful.sb.double_click(ApprovalActions.APPROVE, user=ADMIN, message=post)
    assert [a.status for a in answers] == [200, 200]
    ful.said(ADMIN, f"already approved by <@{ADMIN}>")
    assert count(ful.db, Event, Event.kind == "approval.approved") == 1


def pick_sent(ful) -> bool:
    with ful.db.read() as s:
        return s.scalar(select(OutboxMessage.status).where(
            OutboxMessage.dedupe_key == f"pick:{ful.order().id}")) == OutboxStatus.SENT

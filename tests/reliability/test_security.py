"""Security, counted: forged, foreign, stale, future and replayed Slack signatures; buttons
pressed by a role that may not; intake posts with a wrong HMAC or none. All refused, and none
of them changes anything."""

from __future__ import annotations

import json

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select

from messages.actions import ApprovalActions, OrderActions, TriageActions
from store.fulfilment.approvals import request_approval
from store.enums import ApprovalKind
from store.models import Approval, Event, Order
from tests.e2e.conftest import CHANNEL, MANAGER, SALES
from tests.e2e.test_intake import SECRET, order
from tests.e2e.test_triage_support import action_id, text_of
from tests.reliability.kit import (
    FORM,
    discrepancies,
    flag_body,
    intake_post,
    intake_signature,
    send_forgery,
)

ATTEMPTS = {"forged signatures": 20, "signatures with another secret": 20,
            "stale timestamps (>300 s)": 10, "future timestamps (>300 s)": 10,
            "replayed signatures over a changed body": 10}


def test_the_probe_request_does_change_something_when_genuine(stack, desk):
    """The control: the body the forgeries carry really flags an order when Slack signs it."""
    delivery = stack.sb.player.send("slash_command", "/order", flag_body(stack.sb, "real"),
                                    FORM)
    assert delivery.status == 200
    assert discrepancies(stack.db) == 1


@pytest.mark.parametrize("kind", ATTEMPTS)
def test_a_request_slack_did_not_sign_now_is_refused(stack, desk, kind):
    statuses = [send_forgery(stack.sb, kind, n) for n in range(ATTEMPTS[kind])]
    assert statuses == [401] * ATTEMPTS[kind]
    assert discrepancies(stack.db) == 0 and stack.sb.ephemerals() == []


def events(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Event))


def approval_post(t) -> tuple:
    """A pending refund approval and a manager post carrying its buttons."""
    with t.db.write() as s:
        target = s.scalars(select(Order).where(Order.ref == "SO-9004")).one()
        approval, _, _ = request_approval(s, order=target, kind=ApprovalKind.REFUND,
                                          amount_minor=50_000, detail="refund",
                                          requested_by=MANAGER)
        approval_id = approval.id
    buttons = [{"type": "button", "action_id": a, "value": str(approval_id),
                "text": {"type": "plain_text", "text": a}}
               for a in (ApprovalActions.APPROVE, ApprovalActions.REJECT)]
    client = WebClient(base_url=t.sb.api_url, token=t.sb.bot_token)
    client.chat_postMessage(channel="C0MGR", text="approval", blocks=[
        {"type": "actions", "elements": buttons}])
    return approval_id, t.sb.last_message("C0MGR")


def press(t, button: str):
    """Where each guarded button lives; returns (action_id, message)."""
    if button == OrderActions.EDIT:
        assert t.sb.slash("/order", "SO-9004", user=SALES, channel=CHANNEL).status == 200
        return button, t.sb.ephemerals(user=SALES)[-1]
    if button in (ApprovalActions.APPROVE, ApprovalActions.REJECT):
        return button, approval_post(t)[1]
    parent = t.parent("SO-9004")
    return action_id(parent, button), parent


ROLE_BUTTONS = [OrderActions.EDIT, TriageActions.RESOLVE, TriageActions.FIX,
                TriageActions.ESCALATE, ApprovalActions.APPROVE, ApprovalActions.REJECT]


@pytest.mark.parametrize("button", ROLE_BUTTONS)
def test_a_sales_rep_pressing_a_button_their_role_forbids_is_refused(triage, tmp_path, button):
    t = triage
    t.import_problems(tmp_path)
    aid, message = press(t, button)
    before, shown = events(t.db), len(t.sb.ephemerals(user=SALES))
    delivery = t.sb.click(aid, user=SALES, message=message)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    t.sb.wait_for(lambda: len(t.sb.ephemerals(user=SALES)) > shown)
    assert "your role is sales" in text_of(t.sb.ephemerals(user=SALES)[-1])
    assert events(t.db) == before and t.sb.views(user=SALES) == []
    with t.db.read() as s:
        assert {a.value for a in s.scalars(select(Approval.status))} <= {"pending"}


INTAKE_REFUSALS = {"a wrong HMAC": 10, "another secret's HMAC": 5, "no signature": 1,
                   "empty": 1, "sha256= only": 1, "not hex": 1}


def intake_signature_for(case: str, n: int, data: bytes) -> str | None:
    return {"a wrong HMAC": f"{n:064x}", "another secret's HMAC": intake_signature(
        f"x{n}", data), "no signature": None, "empty": "", "sha256= only": "sha256=",
        "not hex": "sha256=" + "zz" * 32}[case]


def refused_intake(sb, case: str, n: int) -> bool:
    data = json.dumps(order(f"SEC-{n}")).encode()
    status, answer = intake_post(sb, data, intake_signature_for(case, n, data))
    return (status, (answer or {}).get("ok")) == (401, False)


@pytest.mark.parametrize("case", INTAKE_REFUSALS)
def test_an_intake_post_without_the_right_hmac_is_refused(intake, case):
    assert all(refused_intake(intake.sb, case, n) for n in range(INTAKE_REFUSALS[case]))
    with intake.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Order).where(
            Order.ref.like("SEC-%"))) == 0
    data = json.dumps(order("SEC-0")).encode()  # the control: signed right, it goes in
    assert intake_post(intake.sb, data, intake_signature(SECRET, data))[0] == 201

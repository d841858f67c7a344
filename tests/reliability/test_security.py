"""Security, counted: forged, foreign, stale, future and replayed Slack signatures; buttons
pressed by a role that may not; intake posts with a wrong HMAC or none. All refused, and none
of them changes anything."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bench.app_stack import SALES, SECRET, order, text_of
from bench.security_probes import (
    ATTEMPTS,
    FORM,
    INTAKE_REFUSALS,
    ROLE_BUTTONS,
    discrepancies,
    flag_body,
    intake_post,
    intake_signature,
    press,
    refused_intake,
    send_forgery,
)
from store.models import Approval, Event, Order


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


@pytest.mark.parametrize("case", INTAKE_REFUSALS)
def test_an_intake_post_without_the_right_hmac_is_refused(intake, case):
    assert all(refused_intake(intake.sb, case, n) for n in range(INTAKE_REFUSALS[case]))
    with intake.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Order).where(
            Order.ref.like("SEC-%"))) == 0
    data = json.dumps(order("SEC-0")).encode()  # the control: signed right, it goes in
    assert intake_post(intake.sb, data, intake_signature(SECRET, data))[0] == 201

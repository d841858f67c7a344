"""Issue 14, item 11: what people read after a release and after a second decision.
`/order release` without a warehouse route says no pick request went out (and never that one
did); a second Approve names who decided first as a mention, not as escaped text."""

from __future__ import annotations

import json

from bench.app_stack import ADMIN, CHANNEL, PROCESSOR
from messages.actions import ApprovalActions
from store.workspace import set_route
from tests.support.fulfil_desk import MANAGER_CHANNEL, WAREHOUSE_CHANNEL, fulfil_desk


def release(stack, ref: str) -> str:
    answer = stack.sb.slash("/order", f"release {ref}", user=PROCESSOR, channel=CHANNEL)
    assert answer.status == 200 and not answer.problems, answer.problems
    return json.dumps(answer.body, ensure_ascii=False)


def test_release_says_whether_a_pick_request_was_posted(stack):
    fulfil_desk(stack.db, routes=False)
    unrouted = release(stack, "SO-2001")
    assert "16 unit(s) reserved" in unrouted and "no pick request was posted" in unrouted
    assert "pick request posted" not in unrouted

    set_route(stack.db, actor=ADMIN, key="warehouse", channel_id=WAREHOUSE_CHANNEL)
    routed = release(stack, "SO-2002")
    assert "released to the warehouse" in routed and "a pick request posted" in routed
    again = release(stack, "SO-2002")
    assert "pick request posted" not in again and "its pick request is kept current" in again


def test_a_second_decision_names_the_first_decider_as_a_mention(stack):
    fulfil_desk(stack.db)
    sb = stack.sb
    sb.slash("/order", "edit SO-1043", user=PROCESSOR, channel=CHANNEL)
    sb.wait_for(lambda: sb.views(user=PROCESSOR))
    sb.submit(sb.views(user=PROCESSOR)[-1], {"lines.1.unit_price": "10.00"}, user=PROCESSOR)
    sb.wait_for(lambda: sb.messages(MANAGER_CHANNEL))
    post = sb.messages(MANAGER_CHANNEL)[-1]
    for _ in range(2):
        assert not sb.click(ApprovalActions.APPROVE, user=ADMIN, message=post).problems
    sb.wait_for(lambda: any("already approved" in json.dumps(m.blocks)
                            for m in sb.ephemerals(user=ADMIN)))
    told = next(json.dumps(m.blocks) for m in sb.ephemerals(user=ADMIN)
                if "already approved" in json.dumps(m.blocks))
    assert f"already approved by <@{ADMIN}>" in told and "&lt;@" not in told

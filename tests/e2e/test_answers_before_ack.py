"""A refused click, or a click on an order that is gone, is answered by the time Slack has the
ack: the role check and the read come before ack(). Acked first, Bolt resets the ack when the
listener raises (Slack then shows a 404 after 3 s), or the refusal arrives after the ack."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from slack_sdk import WebClient

from bench.app_stack import CHANNEL, SALES
from messages.actions import DigestActions, OrderActions, ThreadActions
from messages.digest import digest_message
from store.metrics import build_digest
from store.periods import period_containing
from tests.support.metrics_desk import build_desk

GONE = "SO-404404"
AFTER_WEEK = datetime(2026, 11, 9, 8, 1, tzinfo=UTC)  # the metrics desk's week 45 is over


def client(stack) -> WebClient:
    return WebClient(base_url=stack.sb.api_url, token=stack.sb.bot_token)


def answered_within_the_ack(stack, click, *, user: str, says: str) -> None:
    """`click()` is answered with an ephemeral that is there when the ack is: a slow
    ephemeral makes an answer sent after the ack arrive visibly late."""
    before = len(stack.sb.ephemerals(user=user))
    stack.sb.faults.add(method="chat.postEphemeral", delay_ms=300)
    delivery = click()
    assert delivery.status == 200 and not delivery.late, (delivery.status, delivery.ack_ms)
    told = [json.dumps(m.blocks) for m in stack.sb.ephemerals(user=user)[before:]]
    assert len(told) == 1 and says in told[0], told


def post_buttons(stack, *buttons: tuple[str, str]):
    """A bot message in #orders with buttons (action id, value), like an answer or a card."""
    elements = [{"type": "button", "action_id": action_id, "value": value,
                 "text": {"type": "plain_text", "text": action_id}}
                for action_id, value in buttons]
    posted = client(stack).chat_postMessage(channel=CHANNEL, text="buttons",
                                            blocks=[{"type": "actions", "elements": elements}])
    return next(m for m in stack.sb.messages(CHANNEL) if m.ts == posted["ts"])


def test_a_sales_rep_drilling_into_a_posted_digest_is_refused_within_the_ack(stack, set_clock):
    set_clock.set(AFTER_WEEK)
    build_desk(stack.db)
    view = build_digest(stack.db, period=period_containing("weekly", date(2026, 11, 2)),
                        timezone="UTC", now=AFTER_WEEK)
    client(stack).chat_postMessage(channel=CHANNEL, **digest_message(view))
    digest = stack.sb.messages(CHANNEL)[-1]
    answered_within_the_ack(
        stack, lambda: stack.sb.click(f"{DigestActions.DRILL}:backlog", user=SALES,
                                      message=digest),
        user=SALES, says="You can't see reports")


def test_details_on_an_order_that_is_gone_is_answered_within_the_ack(stack, desk):
    message = post_buttons(stack, (f"{ThreadActions.SHOW}:1", GONE))
    answered_within_the_ack(
        stack, lambda: stack.sb.click(f"{ThreadActions.SHOW}:1", user=SALES, message=message),
        user=SALES, says=GONE)


def test_follow_on_an_order_that_is_gone_is_answered_within_the_ack(stack, desk):
    message = post_buttons(stack, (OrderActions.FOLLOW, GONE))
    answered_within_the_ack(
        stack, lambda: stack.sb.click(OrderActions.FOLLOW, user=SALES, message=message),
        user=SALES, says=GONE)
    assert len(stack.sb.messages(CHANNEL)) == 1  # no "now follows" for an order that is gone

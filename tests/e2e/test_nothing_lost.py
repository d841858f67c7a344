"""Nothing silently lost (issue 16, part 5): confirmations reach the person wherever the modal
came from (the response_url, else an ephemeral, else a DM that says why it is there); Share in
a conversation Orderdesk is not in still shares; /orders route says when Orderdesk is not in
the channel; posts Slack refuses for good are kept for admins to list and send again."""

import json

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bench.app_stack import ADMIN, CHANNEL, PROCESSOR
from messages.actions import NewOrderIds, OrderActions
from store.enums import OutboxStatus
from store.models import Order, OutboxMessage

PAIR = "D0PAIR"  # a DM between two people: Orderdesk is not in it


def text_of(message) -> str:
    return json.dumps(message.blocks) + message.text


def test_slack_refuses_ephemerals_in_a_dm_between_people(stack, desk):
    stack.sb.add_dm(PAIR, [PROCESSOR, ADMIN])
    client = WebClient(base_url=stack.sb.api_url, token=stack.sb.bot_token)
    with pytest.raises(SlackApiError) as refused:
        client.chat_postEphemeral(channel=PAIR, user=PROCESSOR, text="hi")
    assert refused.value.response["error"] == "channel_not_found"


def test_a_flag_from_a_dm_between_people_is_confirmed_there(stack, desk):
    stack.sb.add_dm(PAIR, [PROCESSOR, ADMIN])
    delivery = stack.sb.slash("/order", "flag SO-1042", user=PROCESSOR, channel=PAIR)
    assert delivery.status == 200, delivery.problems
    stack.sb.wait_for(lambda: stack.sb.views(user=PROCESSOR))
    view = stack.sb.views(user=PROCESSOR)[-1]
    stack.sb.submit(view, {"reason": "box arrived crushed"}, user=PROCESSOR)
    stack.sb.wait_for(lambda: stack.sb.ephemerals(user=PROCESSOR, channel=PAIR))
    assert "Flagged *SO-1042*" in text_of(stack.sb.ephemerals(user=PROCESSOR, channel=PAIR)[-1])


def test_the_new_order_shortcut_confirms_in_a_dm_saying_why(triage):
    t = triage
    t.sb.global_shortcut(NewOrderIds.SHORTCUT, user=PROCESSOR)
    t.sb.wait_for(lambda: t.sb.views(user=PROCESSOR))
    view = t.sb.views(user=PROCESSOR)[-1]
    t.sb.submit(view, {NewOrderIds.CUSTOMER: "ACME", "po_number": "PO-SHORTCUT",
                       f"line.1.sku.{NewOrderIds.SKU}.1": "WID-1001-BL",
                       "line.1.quantity": "1"}, user=PROCESSOR)
    dm = t.sb.im_channel(PROCESSOR)  # no conversation to answer in: their DM with us
    t.sb.wait_for(lambda: t.sb.ephemerals(user=PROCESSOR, channel=dm))
    told = text_of(t.sb.ephemerals(user=PROCESSOR, channel=dm)[-1])
    with t.db.read() as s:
        ref = s.scalars(select(Order.ref).where(Order.po_number == "PO-SHORTCUT")).one()
    assert ref in told


def test_share_in_a_dm_between_people_goes_through_slack_and_says_so(stack, desk):
    stack.sb.add_dm(PAIR, [PROCESSOR, ADMIN])
    stack.sb.slash("/order", "SO-1042", user=PROCESSOR, channel=PAIR)
    card = stack.sb.ephemerals(user=PROCESSOR, channel=PAIR)[-1]
    stack.sb.click(OrderActions.SHARE, user=PROCESSOR, message=card)
    stack.sb.wait_for(lambda: stack.sb.messages(PAIR))
    shared = text_of(stack.sb.messages(PAIR)[-1])
    assert "SO-1042" in shared and "won't update" in shared


def test_route_says_when_orderdesk_is_not_in_the_channel(stack, desk):
    stack.sb.add_channel("C0LONELY", "lonely", bot_member=False)
    stack.sb.add_channel("G0SECRET", "secret", is_private=True, bot_member=False)
    for channel, expected in (("C0LONELY", "I'm not in that channel yet"),
                              ("G0SECRET", "I can't see that channel"),
                              (CHANNEL, "I'm in it")):
        stack.sb.slash("/orders", f"route default <#{channel}>", user=ADMIN, channel=CHANNEL)
        said = text_of(stack.sb.ephemerals(user=ADMIN)[-1])
        assert expected in said, said
        assert "/invite @Orderdesk" in said or channel == CHANNEL


def test_posts_slack_refuses_are_kept_listed_and_sent_again(triage, tmp_path):
    t = triage
    t.sb.add_channel("C0LONELY", "lonely", bot_member=False)
    t.sb.slash("/orders", "route default <#C0LONELY>", user=ADMIN, channel=CHANNEL)
    t.import_problems(tmp_path)  # problems found: their parents go to the default route

    def dead():
        with t.db.read() as s:
            return s.scalars(select(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.DEAD)).all()
    def settled():  # every post tried and refused, none still on its way
        with t.db.read() as s:
            return dead() and not s.scalars(select(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.PENDING)).first()
    t.sb.wait_for(settled)
    assert "not_in_channel" in dead()[0].last_error
    t.sb.slash("/orders", "outbox", user=ADMIN, channel=CHANNEL)
    listed = text_of(t.sb.ephemerals(user=ADMIN)[-1])
    assert f"#{dead()[0].id}" in listed and "not_in_channel" in listed
    t.sb.slash("/orders", "outbox", user=PROCESSOR, channel=CHANNEL)
    assert "your role is processor" in text_of(t.sb.ephemerals(user=PROCESSOR)[-1])
    t.sb.ws.channels["C0LONELY"].members.append(t.sb.bot_user_id)  # /invite @Orderdesk
    t.sb.slash("/orders", "outbox retry all", user=ADMIN, channel=CHANNEL)
    assert not dead()  # all pending again at once, in the retry's transaction
    t.sb.wait_for(lambda: t.sb.messages("C0LONELY"))
    assert t.sb.messages("C0LONELY")[-1].blocks  # the triage parent, as it would have been

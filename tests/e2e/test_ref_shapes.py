"""Refs of any shape through the sandbox (issue 16, part 1): /order, its subcommands, a
thread question naming several, and a follow."""

import json

import pytest
from sqlalchemy import select

from bench.app_stack import CHANNEL, PROCESSOR
from messages.actions import EditOrderIds
from store.models import Order
from tests.support.desk import add_foreign_refs
from tests.support.slash import card_ref, slash_answer
from tests.support.threads import answer_in, refs_of

SALES1 = "U0SALES1"


@pytest.fixture
def foreign(stack, desk):
    add_foreign_refs(stack.db, desk)
    return desk


def ask(stack, text, user=PROCESSOR):
    return slash_answer(stack, "/order", text, user)


@pytest.mark.parametrize("query, ref", [
    ("HX-2001", "HX-2001"), ("hx2001", "HX-2001"), ("HX 2001", "HX-2001"),
    ("WEB-1001", "WEB-1001"), ("#1001", "#1001"), ("4500099999", "4500099999"),
    ("SO12345", "SO12345"),
])
def test_order_opens_every_ref_shape(stack, foreign, query, ref):
    message = ask(stack, query)
    assert message.blocks[0]["type"] == "header", json.dumps(message.blocks)[:300]
    assert card_ref(message) == ref


def test_a_bare_number_two_refs_end_with_offers_both(stack, foreign):
    text = json.dumps(ask(stack, "1001").blocks)
    assert "WEB-1001" in text and "#1001" in text


@pytest.mark.parametrize("spelling", ["hx 2001", "HX-2001", "hx2001"])
def test_edit_opens_the_editor_for_any_spelling(stack, foreign, spelling):
    delivery = stack.sb.slash("/order", f"edit {spelling}", user=PROCESSOR, channel=CHANNEL)
    assert delivery.status == 200, delivery.problems
    stack.sb.wait_for(lambda: stack.sb.views(user=PROCESSOR))
    view = stack.sb.views(user=PROCESSOR)[-1]
    assert view.callback_id == EditOrderIds.CALLBACK and "HX-2001" in json.dumps(view.to_api(
        team_id="T", app_id="A", bot_id="B"))


def test_cancel_with_a_two_word_ref_keeps_the_whole_reason(stack, foreign):
    ask(stack, "cancel hx 2005 customer changed their mind")
    shown = json.dumps(stack.sb.ephemerals(user=PROCESSOR, channel=CHANNEL)[-1].blocks)
    assert "HX-2005" in shown
    with stack.db.read() as s:
        order = s.scalars(select(Order).where(Order.ref == "HX-2005")).one()
    assert order.canceled_reason == "customer changed their mind"


def test_an_ambiguous_number_in_a_subcommand_asks_which(stack, foreign):
    text = json.dumps(ask(stack, "history 1001").blocks)
    assert "WEB-1001" in text and "#1001" in text and "Say which" in text


def test_a_thread_question_naming_several_refs_lists_each(stack, foreign):
    delivery = stack.sb.mention("are HX-2001 and web 1001 shipped?", user=SALES1,
                                channel=CHANNEL)
    reply = answer_in(stack.sb, CHANNEL, delivery.payload["event"]["ts"])
    assert sorted(refs_of(reply)) == ["HX-2001", "WEB-1001"]


def test_a_thread_follows_a_ref_of_any_shape(stack, foreign):
    delivery = stack.sb.mention("follow hx 2005", user=SALES1, channel=CHANNEL)
    reply = answer_in(stack.sb, CHANNEL, delivery.payload["event"]["ts"])
    assert "HX-2005" in json.dumps(reply.blocks)

"""Slack Connect, guests and outsiders through the sandbox (issue 16, part 4): outsiders get no
desk role; in a channel linked to their account they may ask about its orders, customer-safe;
whatever Orderdesk posts into a channel another organisation reads is customer-safe."""

import json
import re

import pytest

from bench.app_stack import ADMIN, CHANNEL, PROCESSOR
from messages.actions import OrderActions
from store.triage import flag_order
from tests.support.threads import answer_in, refs_of

SHARED = "C0SHARED"
GUEST, BUYER, STRANGER = "U0GUEST", "U0BUYER", "U0STRANGE"
REFUSAL = "guests and people from other organisations"
# What a customer never reads: prices, addresses, notes, internal problems, our reps.
INTERNAL = ("$", "1 Main St", "Springfield", "Status only", "U0SALES")


@pytest.fixture
def connect(stack, desk):
    sb = stack.sb
    sb.add_channel(SHARED, "beta-shared", ext_shared=True, members=[PROCESSOR, ADMIN])
    sb.add_user(GUEST, "guest", guest="multi", channels=[CHANNEL])
    sb.add_user(BUYER, "buyer", team_id="T0BETA", channels=[SHARED])
    sb.add_user(STRANGER, "stranger", team_id="T0ELSE", stranger=True, channels=[CHANNEL])
    delivery = sb.slash("/orders", f"connect <#{SHARED}> BETA", user=ADMIN, channel=CHANNEL)
    assert "is linked to *Beta Industrial Supply*" in text_of(sb.ephemerals(user=ADMIN)[-1])
    assert delivery.status == 200
    return desk


def text_of(message) -> str:
    return json.dumps(message.blocks) + message.text


def _without_block_ids(text: str) -> str:
    return re.sub(r', "block_id": "[^"]*"', "", text)


def slash(stack, text, *, user, channel):
    delivery = stack.sb.slash("/order", text, user=user, channel=channel)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    return text_of(stack.sb.ephemerals(user=user, channel=channel)[-1])


@pytest.mark.parametrize("user", [GUEST, STRANGER])
def test_guests_and_strangers_get_a_polite_refusal(stack, connect, user):
    assert REFUSAL in slash(stack, "SO-1042", user=user, channel=CHANNEL)


def test_an_outsider_asking_in_an_unlinked_channel_is_refused_not_answered(stack, connect):
    delivery = stack.sb.mention("anything late for Globex?", user=GUEST, channel=CHANNEL)
    assert delivery.status == 200
    stack.sb.wait_for(lambda: stack.sb.ephemerals(user=GUEST))
    assert REFUSAL in text_of(stack.sb.ephemerals(user=GUEST)[-1])
    assert not stack.sb.thread(CHANNEL, delivery.payload["event"]["ts"])


def test_in_a_linked_channel_an_outsider_sees_only_that_accounts_orders(stack, connect):
    delivery = stack.sb.mention("anything for Acme or Globex?", user=BUYER, channel=SHARED)
    reply = answer_in(stack.sb, SHARED, delivery.payload["event"]["ts"])
    assert set(refs_of(reply)) <= {"SO-1043", "SO-1044"}, refs_of(reply)
    shipped = stack.sb.mention("where is SO-1044?", user=BUYER, channel=SHARED)
    reply = answer_in(stack.sb, SHARED, shipped.payload["event"]["ts"])
    text = text_of(reply)
    assert "1Z999AA10123456784" in text  # customer-safe keeps tracking
    assert not [s for s in INTERNAL if s in text], text


def test_another_accounts_order_is_not_found_for_an_outsider(stack, connect):
    assert "Nothing found for `SO-1042`" in slash(stack, "SO-1042", user=BUYER, channel=SHARED)
    card = slash(stack, "SO-1044", user=BUYER, channel=SHARED)
    assert "SO-1044" in card and "1Z999AA10123456784" in card
    assert not [s for s in INTERNAL if s in card], card


def test_a_desk_members_share_into_a_shared_channel_is_customer_safe(stack, connect):
    stack.sb.slash("/order", "SO-1044", user=PROCESSOR, channel=SHARED)
    card = stack.sb.ephemerals(user=PROCESSOR, channel=SHARED)[-1]
    assert "1 Main St" in text_of(card)  # the ephemeral is only the processor's
    stack.sb.click(OrderActions.SHARE, user=PROCESSOR, message=card)
    stack.sb.wait_for(lambda: stack.sb.messages(SHARED))
    posted = text_of(stack.sb.messages(SHARED)[-1])
    assert "SO-1044" in posted and not [s for s in INTERNAL if s in posted], posted


def test_sharing_another_customers_order_there_is_refused(stack, connect):
    stack.sb.slash("/order", "SO-1042", user=PROCESSOR, channel=SHARED)
    card = stack.sb.ephemerals(user=PROCESSOR, channel=SHARED)[-1]
    stack.sb.click(OrderActions.SHARE, user=PROCESSOR, message=card)
    stack.sb.wait_for(lambda: "shared with another organisation" in text_of(
        stack.sb.ephemerals(user=PROCESSOR, channel=SHARED)[-1]))
    assert not stack.sb.messages(SHARED)


def test_connect_list_and_disconnect_are_for_admins(stack, connect):
    listed = stack.sb.slash("/orders", "connect list", user=ADMIN, channel=CHANNEL)
    assert listed.status == 200
    assert "Beta Industrial Supply" in text_of(stack.sb.ephemerals(user=ADMIN)[-1])
    stack.sb.slash("/orders", f"connect <#{SHARED}> ACME", user=PROCESSOR, channel=CHANNEL)
    assert "your role is processor" in text_of(stack.sb.ephemerals(user=PROCESSOR)[-1])
    stack.sb.slash("/orders", f"disconnect <#{SHARED}>", user=ADMIN, channel=CHANNEL)
    assert "no longer linked" in text_of(stack.sb.ephemerals(user=ADMIN)[-1])
    assert REFUSAL in slash(stack, "SO-1044", user=BUYER, channel=SHARED)


def test_another_accounts_po_gives_an_outsider_the_answer_of_one_that_does_not_exist(
        stack, connect):
    """Not even the ref the PO belongs to (it said "No order `SO-1042` found")."""
    answer = slash(stack, "PO-7781", user=BUYER, channel=SHARED)
    assert "Nothing found for `PO-7781`" in answer and "`SO-1042` found" not in answer, answer
    nothing = slash(stack, "PO-0000", user=BUYER, channel=SHARED)
    assert _without_block_ids(nothing).replace("0000", "7781") == _without_block_ids(answer)


def test_an_outsiders_list_counts_and_pages_their_accounts_orders_only(stack, connect):
    """GIZ-2001-RD is on Acme's SO-1042 and Beta's SO-1043: the buyer's list says 1, not 2."""
    answer = slash(stack, "GIZ-2001-RD", user=BUYER, channel=SHARED)
    assert "SO-1043" in answer and "SO-1042" not in answer, answer
    assert "*2*" not in answer and "Next" not in answer, answer
    acme = slash(stack, "acme", user=BUYER, channel=SHARED)
    assert "Nothing found for `acme`" in acme and "Next" not in acme, acme


@pytest.mark.parametrize("text", ["queue", "queue unassigned", "queue other"])
def test_the_desks_queue_is_not_for_outsiders_even_in_their_linked_channel(stack, connect, text):
    flag_order(stack.db, ref="SO-1042", actor=PROCESSOR, reason="wrong colour")
    delivery = stack.sb.slash("/orders", text, user=BUYER, channel=SHARED)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    answer = text_of(stack.sb.ephemerals(user=BUYER, channel=SHARED)[-1])
    assert REFUSAL in answer and "SO-1042" not in answer, answer


def test_the_customer_record_is_not_shown_to_the_customers_own_people(stack, connect):
    """It is the desk's: credit, contacts, notices, an Edit button (it read "no limit")."""
    delivery = stack.sb.slash("/customer", "BETA", user=BUYER, channel=SHARED)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    answer = text_of(stack.sb.ephemerals(user=BUYER, channel=SHARED)[-1])
    assert "Credit" not in answer and "Edit" not in answer, answer

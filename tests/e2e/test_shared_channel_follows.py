"""Follow notices in a channel another organisation reads, after its link changed."""
import json

import pytest

from bench.app_stack import ADMIN, CHANNEL, PROCESSOR
from messages.actions import OrderActions
from sandbox import payloads
from store.triage import flag_order
from tests.support.threads import answer_in, bot_replies, deliver_outbox

SHARED = "C0SHARED"
BUYER = "U0BUYER"


@pytest.fixture
def shared(stack, desk):
    sb = stack.sb
    sb.add_channel(SHARED, "beta-shared", ext_shared=True, members=[PROCESSOR, ADMIN])
    sb.add_user(BUYER, "buyer", team_id="T0BETA", channels=[SHARED])
    assert sb.slash("/orders", f"connect <#{SHARED}> BETA", user=ADMIN, channel=CHANNEL).status == 200
    return stack


def _follow_in_shared(stack, ref):
    sb = stack.sb
    d = sb.mention(f"follow {ref}", user=PROCESSOR, channel=SHARED)
    thread = d.payload["event"]["ts"]
    reply = answer_in(sb, SHARED, thread)
    assert "Following" in reply.text, reply.text
    return thread


def _all(stack, thread):
    return [json.dumps([m.text, m.blocks]) for m in bot_replies(stack.sb, SHARED, thread)]


def test_after_disconnect_a_shared_channel_hears_internal_problem_titles(shared):
    thread = _follow_in_shared(shared, "SO-1044")  # Beta's order, customer-safe while linked
    shared.sb.slash("/orders", f"disconnect <#{SHARED}>", user=ADMIN, channel=CHANNEL)
    flag_order(shared.db, ref="SO-1044", actor=PROCESSOR,
               reason="customer owes $9,999.00, credit blocked; margin 4%")
    deliver_outbox(shared)
    heard = _all(shared, thread)
    leaked = [h for h in heard if "9,999" in h]
    assert not leaked, leaked  # the channel is still read by Beta's people


def test_relinked_to_another_customer_the_channel_hears_of_the_old_accounts_order(shared):
    thread = _follow_in_shared(shared, "SO-1043")  # Beta's
    shared.sb.slash("/orders", f"connect <#{SHARED}> GLOBEX", user=ADMIN, channel=CHANNEL)
    from store.fulfilment import cancel_order
    cancel_order(shared.db, ref="SO-1043", actor=PROCESSOR, reason="customer asked")
    deliver_outbox(shared)
    heard = _all(shared, thread)
    assert not [h for h in heard if "canceled" in h], heard  # Globex's people read of Beta's order


def test_an_outsider_cannot_make_a_thread_follow_by_typing_what_the_button_refuses(shared):
    """Follow is not among what an outsider may do (OUTSIDER_MAY: lookup, ask): the Follow
    button refuses them, but the words 'follow SO-1044' follow it."""
    sb = shared.sb
    d = sb.mention("follow SO-1044", user=BUYER, channel=SHARED)
    thread = d.payload["event"]["ts"]
    sb.wait_for(lambda: bot_replies(sb, SHARED, thread) or sb.ephemerals(user=BUYER))
    from store.models import Follow
    with shared.db.read() as s:
        follows = s.query(Follow).filter_by(channel_id=SHARED).all()
    assert not follows, [(f.user_id, f.thread_ts) for f in follows]


def _press_follow_in_a_thread(sb, ref: str, channel: str):
    """Follow pressed on a card inside a thread of `channel` (a private card shown in a thread
    carries the thread), as Slack sends it: the thread follows `ref`."""
    sb.say("where are we with these?", user=PROCESSOR, channel=channel)
    top = sb.messages(channel)[-1]
    with sb.ws.lock:
        payload = payloads.block_actions(
            sb.ws, {"type": "button", "action_id": OrderActions.FOLLOW, "block_id": "follow",
                    "value": ref, "action_ts": "1.0"},
            user=PROCESSOR, trigger_id=sb.ws.issue_trigger(PROCESSOR), message=top,
            chan=sb.ws.channels[channel])
    payload["container"]["thread_ts"] = top.ts
    return sb.player.send_interaction("block_actions", OrderActions.FOLLOW, payload), top.ts


def _follows_in(stack, channel: str) -> list:
    from store.models import Follow
    with stack.db.read() as s:
        return s.query(Follow).filter_by(channel_id=channel).all()


@pytest.mark.parametrize(("link", "ref"), [(None, "SO-1042"), ("BETA", "SO-1042")])
def test_follow_pressed_where_another_organisation_reads_only_follows_the_linked_accounts_orders(
        stack, desk, link, ref):
    """Never linked, the channel may be shown no order; linked to Beta, none of Acme's: the
    press is refused as a card posted there would be, nothing is followed, and a later flag's
    internal title is not heard (it was, in full, before)."""
    sb = stack.sb
    sb.add_channel(SHARED, "shared", ext_shared=True, members=[PROCESSOR, ADMIN])
    sb.add_user(BUYER, "buyer", team_id="T0BETA", channels=[SHARED])
    if link:
        sb.slash("/orders", f"connect <#{SHARED}> {link}", user=ADMIN, channel=CHANNEL)
    delivery, thread = _press_follow_in_a_thread(sb, ref, SHARED)
    assert delivery.status == 200
    assert not _follows_in(stack, SHARED)
    refusal = sb.ephemerals(user=PROCESSOR)[-1]
    assert "shared with another organisation" in refusal.text, refusal.text
    flag_order(stack.db, ref=ref, actor=PROCESSOR, reason="customer owes $9,999.00; margin 4%")
    deliver_outbox(stack)
    assert not bot_replies(sb, SHARED, thread)


def test_follow_pressed_in_a_linked_channel_follows_that_accounts_order(shared):
    delivery, thread = _press_follow_in_a_thread(shared.sb, "SO-1044", SHARED)  # Beta's
    assert delivery.status == 200
    assert [f.thread_ts for f in _follows_in(shared, SHARED)] == [thread]

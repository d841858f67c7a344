"""Autolink through the sandbox (issue 18): in a channel an admin opted in, a message naming
known orders (any ref shape) gets one compact threaded answer, under the channel's visibility
policy (customer-safe in a channel shared with another organisation); never in a channel that
did not opt in; never twice for one message (Slack's retries, edits); thread questions and
@mentions are answered as before."""

from __future__ import annotations

import json

from bench.app_stack import ADMIN, CHANNEL, PROCESSOR, SALES
from store.models import Customer
from tests.support.desk import add_foreign_refs

OTHER = "C0TRIAGE"


def autolink(stack, text: str, user=ADMIN) -> str:
    d = stack.sb.slash("/orders", f"autolink {text}", user=user, channel=CHANNEL)
    assert d.status == 200 and not d.problems, d.problems
    return json.dumps(d.body) + "".join(
        json.dumps(m.blocks) + m.text for m in stack.sb.ephemerals(user=user))


def replies(stack, d) -> list:
    return stack.sb.thread(d.message.channel, d.message.ts)


def said(stack, text: str, *, user=PROCESSOR, channel=CHANNEL, thread_ts=None):
    d = stack.sb.say(text, user=user, channel=channel, thread_ts=thread_ts)
    assert d.status == 200 and not d.problems, d.problems
    return d


def shown(message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False) + message.text


def test_an_opted_in_channel_answers_refs_of_any_shape_once_in_the_thread(stack, desk):
    add_foreign_refs(stack.db, desk)
    assert "Autolink is on in <#C0ORDERS|orders>." in autolink(stack, "#orders on")
    d = said(stack, "can someone check SO-1042, hx 2001 and SO-404404? also so1042")
    stack.sb.wait_for(lambda: replies(stack, d))
    [answer] = replies(stack, d)
    text = shown(answer)
    assert "SO-1042" in text and "HX-2001" in text and "SO-404404" not in text
    assert text.count("SO-1042*") == 1 and "$" in text and "Acme Corporation" in text
    # Slack retries the same delivery, the person edits the message: still one answer
    again = stack.sb.send_event(d.payload, retry_num=1)
    edited = stack.sb.edit(d.message, "can someone check SO-1043?")
    assert again.status == 200 and edited.status == 200
    marker = said(stack, "and SO-1044?")  # answered after the retry and the edit were handled
    stack.sb.wait_for(lambda: replies(stack, marker))
    assert len(replies(stack, d)) == 1 and "SO-1043" not in shown(replies(stack, d)[0])


def test_never_in_a_channel_that_did_not_opt_in_nor_after_opting_out(stack, desk):
    autolink(stack, "<#C0ORDERS|orders> on")
    quiet = said(stack, "SO-1042 is late", channel=OTHER)
    marker = said(stack, "SO-1043 too")
    stack.sb.wait_for(lambda: replies(stack, marker))
    assert not replies(stack, quiet)
    assert "Autolink is off in <#C0ORDERS|orders>." in autolink(stack, "#orders off")
    after = said(stack, "SO-1042 again")
    assert "Autolink is off everywhere" in autolink(stack, "")  # handled after the message
    assert not replies(stack, after)
    # words with no order in them: nothing either
    assert autolink(stack, "#orders on")
    chatter = said(stack, "lunch at 1230 anyone?")
    marker = said(stack, "SO-1044")
    stack.sb.wait_for(lambda: replies(stack, marker))
    assert not replies(stack, chatter)


def test_a_shared_channel_gets_customer_safe_answers_about_its_account_only(stack, desk):
    stack.sb.add_channel("C0ACME", "acme-shared", ext_shared=True, members=[SALES])
    autolink(stack, "#acme-shared on")
    stack.sb.slash("/orders", "connect <#C0ACME|acme-shared> ACME", user=ADMIN, channel=CHANNEL)
    d = said(stack, "SO-1042 and SO-1043?", user=SALES, channel="C0ACME")
    stack.sb.wait_for(lambda: replies(stack, d))
    text = shown(replies(stack, d)[0])
    assert "SO-1042" in text and "SO-1043" not in text  # BETA's order: not this account's
    assert "$" not in text and "Acme Corporation" not in text


def test_another_reps_order_is_answered_status_only(stack, desk):
    with stack.db.write() as s:
        s.get(Customer, desk["ACME"]).sales_rep_id = "U0SALES2"
    autolink(stack, "#orders on")
    d = said(stack, "status of SO-1042?", user=SALES)
    stack.sb.wait_for(lambda: replies(stack, d))
    text = shown(replies(stack, d)[0])
    assert "SO-1042" in text and "status only" in text and "$" not in text


def test_only_admins_turn_autolink_on_and_bad_input_is_named(stack, desk):
    assert "You can't" in autolink(stack, "#orders on", user=SALES)
    assert "expected a channel and on or off" in autolink(stack, "#orders maybe")
    assert "can't find a channel named #nope" in autolink(stack, "#nope on")


def test_thread_questions_and_mentions_still_answer_in_an_opted_in_channel(stack, desk):
    autolink(stack, "#orders on")
    d = stack.sb.mention("status of SO-1042?", user=SALES, channel=CHANNEL)
    assert d.status == 200
    stack.sb.wait_for(lambda: stack.sb.thread(CHANNEL, d.payload["event"]["ts"]))
    [answer] = stack.sb.thread(CHANNEL, d.payload["event"]["ts"])
    assert "SO-1042" in shown(answer)

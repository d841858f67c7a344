"""Threads through the sandbox: events answered once (retries, other processes, the message
twin of a mention), bots ignored, only addressed or followed threads answered, buttons."""

import json

from sqlalchemy import select

from bot.app import create_app  # noqa: F401 - the composition root under test
from messages.actions import ThreadActions
from store.db import open_database
from store.models import Follow, ProcessedEvent
from tests.support.threads import (
    CHANNEL,
    answer_in,
    ask,
    bot_replies,
    buttons,
    follow_button,
    refs_of,
)
from tests.support.threads_desk import start

SALES1, PROCESSOR = "U0SALES1", "U0PROC1"
DUPLICATE = "already answered, staying quiet"


def test_a_mention_is_acked_at_once_and_answered_in_its_own_thread(tstack):
    delivery = tstack.sb.mention("status of SO-1042?", user=SALES1, channel=CHANNEL)
    assert delivery.status == 200 and not delivery.late and not delivery.problems
    thread = delivery.payload["event"]["ts"]
    reply = answer_in(tstack.sb, CHANNEL, thread)
    assert reply.thread_ts == thread and refs_of(reply) == ("SO-1042",)
    assert tstack.sb.messages(CHANNEL)[-1].ts == thread, "nothing new at the top level"


def test_a_retried_event_is_answered_once(tstack, outcomes):
    sb = tstack.sb
    delivery = sb.mention("has PO 7781 shipped?", user=SALES1, channel=CHANNEL)
    thread = delivery.payload["event"]["ts"]
    answer_in(sb, CHANNEL, thread)
    retry = sb.send_event(delivery.payload, retry_num=1, retry_reason="http_timeout")
    assert retry.status == 200 and retry.request_headers["X-Slack-Retry-Num"] == "1"
    assert sorted(outcomes.of(delivery, count=2)) == [DUPLICATE, "order"]
    assert len(bot_replies(sb, CHANNEL, thread)) == 1


def test_a_retry_that_reaches_another_process_is_not_answered_again(tstack, outcomes):
    sb = tstack.sb
    delivery = sb.mention("tracking for 1Z999AA10123456784", user=SALES1, channel=CHANNEL)
    thread = delivery.payload["event"]["ts"]
    answer_in(sb, CHANNEL, thread)
    # A second web process: its own app, engine and connections, the same database.
    other_db = open_database(tstack.db.engine.url.render_as_string(hide_password=False))
    _, other = start(other_db, sandbox=sb)
    try:
        sb.send_event(delivery.payload, retry_num=2, retry_reason="http_error")
        assert sorted(outcomes.of(delivery, count=2)) == [DUPLICATE, "order"]
    finally:
        other.stop()
        other_db.dispose()
    assert len(bot_replies(sb, CHANNEL, thread)) == 1
    with tstack.db.read() as session:
        claimed = set(session.scalars(select(ProcessedEvent.event_id)))
    assert delivery.payload["event_id"] in claimed


def test_the_message_twin_of_a_mention_gets_no_second_answer(tstack, outcomes):
    sb = tstack.sb
    channel, thread = _followed_thread(sb)
    mention = sb.mention("and SO-1043?", user=SALES1, channel=CHANNEL, thread_ts=thread)
    answer_in(sb, channel, thread, count=3)
    twin = dict(mention.payload["event"], type="message", channel_type="channel")
    echo = sb.send_event(twin)
    assert outcomes.of(echo)[0] in ("not for us", DUPLICATE)
    assert outcomes.of(mention) == ["order"]
    assert len(bot_replies(sb, channel, thread)) == 3


def test_other_bots_and_our_own_posts_are_never_answered(tstack, outcomes):
    sb = tstack.sb
    channel, thread = _followed_thread(sb)
    base = {"type": "message", "channel": channel, "thread_ts": thread,
            "channel_type": "channel", "text": "status of SO-1042?"}
    other_bot = sb.send_event(dict(base, subtype="bot_message", bot_id="B0OTHER",
                                   ts="1800000001.000100"))
    other_bot_user = sb.send_event(dict(base, user="U0OTHERBOT", bot_id="B0OTHER",
                                        ts="1800000001.000200"))
    edited = sb.send_event(dict(base, subtype="message_changed", ts="1800000001.000300"))
    ours = sb.send_event(dict(base, user="U0BOT", bot_id="B0BOT", ts="1800000001.000400"))
    for delivery in (other_bot, other_bot_user, edited, ours):
        assert delivery.status == 200, delivery.problems
    for delivery in (other_bot, other_bot_user, edited):
        assert outcomes.of(delivery) == ["not from a person, ignored"]
    # Bolt drops our own messages before any listener; a person's question still gets through.
    sb.say("is it shipped?", user=SALES1, channel=channel, thread_ts=thread)
    answer_in(sb, channel, thread, count=3)
    assert len(bot_replies(sb, channel, thread)) == 3
    assert outcomes.seen.get(ours.payload["event_id"]) is None


def test_plain_replies_are_answered_only_in_threads_that_follow_an_order(tstack, outcomes):
    sb = tstack.sb
    parent = sb.say("anyone know about SO-1042?", user=SALES1, channel=CHANNEL)
    thread = parent.payload["event"]["ts"]
    reply = sb.say("status of SO-1042", user=SALES1, channel=CHANNEL, thread_ts=thread)
    assert outcomes.of(parent) == ["not for us"] and outcomes.of(reply) == ["not for us"]
    assert bot_replies(sb, CHANNEL, thread) == []

    channel, followed = _followed_thread(sb)
    question = sb.say("is it shipped yet?", user=SALES1, channel=channel, thread_ts=followed)
    answer = answer_in(sb, channel, followed, count=3)
    assert refs_of(answer) == ("SO-1042",) and "No — " in answer.blocks[0]["text"]["text"]
    thanks = sb.say("thanks!", user=SALES1, channel=channel, thread_ts=followed)
    assert outcomes.of(question) == ["order"] and outcomes.of(thanks) == ["ignored"]
    assert len(bot_replies(sb, channel, followed)) == 3


def test_candidates_are_buttons_that_answer_in_the_same_thread(tstack):
    sb = tstack.sb
    channel, thread = ask(sb, "stark order", user=SALES1)
    which = answer_in(sb, channel, thread)
    choice = buttons(which, ThreadActions.SHOW)[1]
    sb.click(choice["action_id"], user=SALES1, message=which)
    detail = answer_in(sb, channel, thread, count=2)
    assert refs_of(detail) == (choice["value"],) and detail.thread_ts == thread


def test_a_list_row_opens_its_order_in_the_thread_by_dm_too(tstack):
    sb = tstack.sb
    channel, thread = ask(sb, "what did Initech order yesterday", user=SALES1, how="dm")
    listing = answer_in(sb, channel, thread)
    row = buttons(listing, ThreadActions.SHOW)[0]
    sb.click(row["action_id"], user=SALES1, message=listing)
    assert refs_of(answer_in(sb, channel, thread, count=2)) == (row["value"],)


def test_an_empty_mention_gets_help_in_the_thread(tstack):
    channel, thread = ask(tstack.sb, "", user=SALES1)
    assert "Ask me about orders" in json.dumps(answer_in(tstack.sb, channel, thread).blocks)


def test_a_customer_named_like_a_broadcast_pings_nobody_in_an_answer(tstack):
    from sqlalchemy import update

    from store.models import Customer

    with tstack.db.write() as session:
        session.execute(update(Customer).where(Customer.code == "ACME")
                        .values(name="<!channel> Acme & <b>Co</b>"))
    channel, thread = ask(tstack.sb, "status of SO-1042", user=PROCESSOR)
    text = json.dumps(answer_in(tstack.sb, channel, thread).blocks)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


def _followed_thread(sb) -> tuple[str, str]:
    """A channel thread that follows SO-1042 (asked, then Follow pressed): 2 bot replies."""
    channel, thread = ask(sb, "status of SO-1042?", user=SALES1)
    answer = answer_in(sb, channel, thread)
    sb.click(follow_button(answer)["action_id"], user=SALES1, message=answer)
    answer_in(sb, channel, thread, count=2)
    return channel, thread


def test_the_follow_button_makes_the_thread_follow(tstack):
    channel, thread = _followed_thread(tstack.sb)
    with tstack.db.read() as session:
        rows = session.execute(select(Follow.channel_id, Follow.thread_ts, Follow.user_id)).all()
    assert rows == [(channel, thread, SALES1)]


def test_a_question_longer_than_the_limit_is_answered_naming_the_limit(tstack):
    sb = tstack.sb
    delivery = sb.mention("where is " + "A1" * 5_000, user=SALES1, channel=CHANNEL)
    assert delivery.status == 200 and not delivery.late
    sb.wait_for(lambda: sb.ephemerals(user=SALES1, channel=CHANNEL), message="the refusal")
    assert "2,000" in sb.ephemerals(user=SALES1, channel=CHANNEL)[-1].text

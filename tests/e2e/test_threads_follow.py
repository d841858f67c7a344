"""Following an order: by words or buttons, in channel threads, DMs and from the order card;
an edit posts into every following thread (through the outbox); unfollow stops it."""

import json

from sqlalchemy import func, select

from messages.actions import OrderActions, ThreadActions
from store.models import Follow, OutboxMessage
from tests.support.threads import (
    CHANNEL,
    answer_in,
    ask,
    bot_replies,
    buttons,
    deliver_outbox,
    edit_requested_date,
)

SALES1, SALES2, PROCESSOR = "U0SALES1", "U0SALES2", "U0PROC1"


def follows(stack) -> list[tuple[str, str]]:
    with stack.db.read() as session:
        return [tuple(row) for row in session.execute(
            select(Follow.channel_id, Follow.thread_ts).order_by(Follow.id))]


def reply_with(sb, channel: str, thread: str, words: str):
    """The bot's reply in the thread that says `words`, once it is there."""
    def found():
        return [m for m in bot_replies(sb, channel, thread)
                if words in json.dumps(m.blocks, ensure_ascii=False)]
    sb.wait_for(found, message=f"a reply saying {words!r}")
    return found()[0]


def texts(messages) -> list[str]:
    return [json.dumps(m.blocks, ensure_ascii=False) for m in messages]


def test_follow_by_words_then_an_edit_posts_into_the_thread_and_unfollow_stops_it(tstack):
    sb = tstack.sb
    channel, thread = ask(sb, "follow SO-1042", user=SALES1, how="thread")
    confirmed = answer_in(sb, channel, thread)
    assert "now follows *SO-1042*" in texts([confirmed])[0]

    edit_requested_date(tstack, "SO-1042", "2026-12-03")
    deliver_outbox(tstack)  # the editor's own kick may have sent it already
    notice = reply_with(sb, channel, thread, "was edited")
    assert "SO-1042 was edited: requested date → 2026-12-03" in notice.text
    assert "unfollow" in texts([notice])[0]

    # The thread follows an order now: a plain reply needs no mention.
    sb.say("unfollow", user=SALES1, channel=channel, thread_ts=thread)
    reply_with(sb, channel, thread, "Stopped following *SO-1042*")
    before = len(bot_replies(sb, channel, thread))
    edit_requested_date(tstack, "SO-1042", "2026-12-04")
    deliver_outbox(tstack)
    assert len(bot_replies(sb, channel, thread)) == before, texts(bot_replies(sb, channel, thread))
    with tstack.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Follow)) == 0


def test_one_change_posts_once_into_each_following_thread(tstack):
    sb = tstack.sb
    first = ask(sb, "follow SO-1050", user=SALES2)
    second = ask(sb, "keep me posted on SO-1050", user=SALES1, how="dm")
    for channel, thread in (first, second):
        answer_in(sb, channel, thread)
    edit_requested_date(tstack, "SO-1050", "2026-11-30")
    deliver_outbox(tstack)
    deliver_outbox(tstack)  # a second sweep finds nothing left to send
    for channel, thread in (first, second):
        reply_with(sb, channel, thread, "SO-1050 was edited")
        edits = [m for m in bot_replies(sb, channel, thread) if "was edited" in m.text]
        assert len(edits) == 1
    with tstack.db.read() as session:
        keys = list(session.scalars(select(OutboxMessage.dedupe_key)
                                    .where(OutboxMessage.dedupe_key.like("edited:%"))))
    assert len(keys) == 2 == len(set(keys))


def test_follow_several_by_words_and_unfollow_one_by_its_button(tstack):
    sb = tstack.sb
    channel, thread = ask(sb, "follow SO-1042 and SO-1044", user=SALES1)
    confirmed = answer_in(sb, channel, thread)
    undo = [b for b in buttons(confirmed, ThreadActions.UNFOLLOW) if b["value"] == "SO-1044"]
    sb.click(undo[0]["action_id"], user=SALES1, message=confirmed)
    assert "Stopped following *SO-1044*" in texts([answer_in(sb, channel, thread, count=2)])[0]
    assert follows(tstack) == [(channel, thread)]


def test_follow_on_a_private_order_card_starts_a_thread_in_the_users_dm(tstack):
    sb = tstack.sb
    sb.slash("/order", "SO-1044", user=SALES1, channel=CHANNEL)
    card = sb.ephemerals(user=SALES1, channel=CHANNEL)[-1]
    sb.click(OrderActions.FOLLOW, user=SALES1, message=card)
    dm = sb.im_channel(SALES1)
    sb.wait_for(lambda: sb.messages(dm))
    started = sb.messages(dm)[-1]
    assert "You now follow *SO-1044*" in texts([started])[0]
    sb.wait_for(lambda: follows(tstack) == [(dm, started.ts)])  # written just after the post


def test_follow_on_a_shared_order_card_follows_in_the_cards_thread(tstack):
    sb = tstack.sb
    sb.slash("/order", "SO-1042", user=SALES1, channel=CHANNEL)
    sb.click(OrderActions.SHARE, user=SALES1, message=sb.ephemerals(user=SALES1)[-1])
    sb.wait_for(lambda: sb.messages(CHANNEL))
    card = sb.messages(CHANNEL)[-1]
    sb.click(OrderActions.FOLLOW, user=SALES1, message=card)
    assert "now follows *SO-1042*" in texts([answer_in(sb, CHANNEL, card.ts)])[0]


def test_follow_without_an_order_asks_which_and_follows_nothing(tstack):
    channel, thread = ask(tstack.sb, "follow", user=SALES1)
    assert "Which order" in texts([answer_in(tstack.sb, channel, thread)])[0]
    with tstack.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Follow)) == 0

"""A post Slack took whose answer never came back (a timeout) is found by the retry, against
the sandbox's Web API: a thread reply among the thread's replies (it is not in the channel's
history), and a check Slack rate-limits is itself retried later instead of posting blind."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from sqlalchemy import select, update

from jobs.outbox import deliver_due
from store import clock, outbox
from store.enums import OutboxStatus
from store.models import OutboxMessage

CHANNEL = "C0MGR"


def _say(db, payload: dict) -> dict:
    args = {"channel": payload["channel"], "text": payload["text"]}
    if payload.get("thread_ts"):
        args["thread_ts"] = payload["thread_ts"]
    return args


RENDERERS = {"test.say": _say}


@pytest.fixture
def client(sb):
    # Answers later than this are lost to us, though Slack acted on the call.
    return WebClient(base_url=sb.api_url, token=sb.bot_token, timeout=1, retry_handlers=[])


def _queue(db, **payload) -> int:
    with db.write() as s:
        return outbox.enqueue(s, method="chat.postMessage",
                              payload={"$render": "test.say", "channel": CHANNEL, **payload})


def _row(db, row_id: int) -> OutboxMessage:
    with db.read() as s:
        return s.get(OutboxMessage, row_id)


def _due_now(db, row_id: int) -> None:
    with db.write() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                  .values(next_attempt_at=clock.now()))


def _timed_out_after_slack_took_it(db, sb, client, row_id: int, where) -> None:
    sb.faults.add("chat.postMessage", delay_ms=1500)
    assert deliver_due(db, client, RENDERERS) == 0
    assert "network" in _row(db, row_id).last_error
    sb.wait_for(lambda: [m for m in where() if m.text == "note"])  # Slack did post it


def test_a_thread_reply_whose_answer_was_lost_is_found_in_its_thread(db, sb, client):
    parent = client.chat_postMessage(channel=CHANNEL, text="parent")["ts"]
    row_id = _queue(db, text="note", thread_ts=parent)
    _timed_out_after_slack_took_it(db, sb, client, row_id, lambda: sb.thread(CHANNEL, parent))
    _due_now(db, row_id)
    assert deliver_due(db, client, RENDERERS) == 1
    notes = [m for m in sb.thread(CHANNEL, parent) if m.text == "note"]
    assert len(notes) == 1  # posted again before: the channel's history has no replies
    assert _row(db, row_id).result_ts == notes[0].ts


def test_a_rate_limited_look_for_the_earlier_post_is_retried_not_posted_blind(db, sb, client):
    row_id = _queue(db, text="note")
    _timed_out_after_slack_took_it(db, sb, client, row_id, lambda: sb.messages(CHANNEL))
    sb.faults.add("conversations.history", status=429, retry_after=7)
    _due_now(db, row_id)
    assert deliver_due(db, client, RENDERERS) == 0
    waiting = _row(db, row_id)
    assert waiting.status == OutboxStatus.PENDING and "429" in waiting.last_error
    assert (waiting.next_attempt_at - clock.now()).total_seconds() > 6  # Slack's Retry-After
    assert len([m for m in sb.messages(CHANNEL) if m.text == "note"]) == 1
    _due_now(db, row_id)
    assert deliver_due(db, client, RENDERERS) == 1
    notes = [m for m in sb.messages(CHANNEL) if m.text == "note"]
    assert len(notes) == 1 and _row(db, row_id).result_ts == notes[0].ts
    with db.read() as s:
        assert s.scalars(select(OutboxMessage.status)).all() == [OutboxStatus.SENT]

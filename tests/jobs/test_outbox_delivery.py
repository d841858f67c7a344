"""jobs/outbox.py against a fake Slack: what is retried (429 with Retry-After, 5xx, network,
transient errors), what is given up (Slack refusing the call, a row that cannot be rendered),
and render-at-send-time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse
from sqlalchemy import select

from jobs.outbox import deliver_due as deliver
from jobs.renderers import renderer_table
from store import clock, outbox
from store.enums import OutboxStatus
from store.models import OutboxMessage
from store.questions import Audience

# A render kind for these tests alone: the row's words, said in its channel.
SAY = {"test.say": lambda db, p: {"channel": p["channel"], "text": p["text"]}}


def deliver_due(db, slack, renderers=SAY) -> int:
    return deliver(db, slack, renderers)


class TookItThenTimedOut(TimeoutError):
    """Slack took the post, but its answer never came back."""


class FakeSlack:
    """Answers api_call with the next scripted outcome: a dict (ok), (status, error, headers),
    an exception, or TookItThenTimedOut (posted, then the answer lost). Keeps what was posted,
    with its metadata, for conversations.history."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.calls: list[tuple[str, dict]] = []
        self.posted: list[dict] = []

    def conversations_history(self, *, channel, limit, include_all_metadata):
        return {"ok": True, "messages": [m for m in reversed(self.posted)
                                         if m["channel"] == channel][:limit]}

    def api_call(self, method: str, json: dict):
        self.calls.append((method, json))
        outcome = self.outcomes.pop(0) if self.outcomes else {"channel": "C1", "ts": "1.1"}
        if isinstance(outcome, TookItThenTimedOut):
            self.posted.append({"channel": json["channel"], "ts": "9.9",
                                "metadata": json.get("metadata")})
            raise outcome
        if isinstance(outcome, Exception):
            raise outcome
        if isinstance(outcome, tuple):
            status, error, headers = outcome
            response = SlackResponse(client=None, http_verb="POST", api_url=method, req_args={},
                                     data={"ok": False, "error": error}, headers=headers,
                                     status_code=status)
            raise SlackApiError(error, response)
        if method == "chat.postMessage":
            self.posted.append({"channel": json["channel"], "ts": outcome.get("ts"),
                                "metadata": json.get("metadata")})
        return {"ok": True, **outcome}


def queue(db, payload=None, **kwargs) -> int:
    with db.write() as s:
        return outbox.enqueue(s, method="chat.postMessage", **kwargs, payload=payload or {
            "$render": "test.say", "channel": "C1", "text": "hi"})


def row(db, row_id):
    with db.read() as s:
        return s.scalars(select(OutboxMessage).where(OutboxMessage.id == row_id)).one()


@pytest.mark.parametrize(("outcome", "wait_at_least"), [
    ((429, "ratelimited", {"Retry-After": "30"}), 29),
    ((503, "service_unavailable", {}), 0.5),
    ((200, "internal_error", {}), 0.5),
    (ConnectionResetError("peer reset"), 0.5),
])
def test_transient_failures_are_retried_later(db, outcome, wait_at_least):
    row_id = queue(db)
    slack = FakeSlack(outcome)
    assert deliver_due(db, slack) == 0
    failed = row(db, row_id)
    assert failed.status == OutboxStatus.PENDING and failed.last_error
    assert failed.next_attempt_at >= clock.now() + timedelta(seconds=wait_at_least - 0.5)
    with db.write() as s:
        s.get(OutboxMessage, row_id).next_attempt_at = clock.now()
    assert deliver_due(db, slack) == 1
    assert row(db, row_id).status == OutboxStatus.SENT and len(slack.calls) == 2


def test_a_post_slack_took_before_the_answer_was_lost_is_found_not_posted_again(db):
    """A timeout after Slack took the post: the retry posted it again, a second triage parent
    whose buttons never updated. The post names its row in its metadata; the retry finds it."""
    row_id = queue(db)
    slack = FakeSlack(TookItThenTimedOut("read timed out"))
    assert deliver_due(db, slack) == 0 and row(db, row_id).status == OutboxStatus.PENDING
    with db.write() as s:
        s.get(OutboxMessage, row_id).next_attempt_at = clock.now()
    assert deliver_due(db, slack) == 1
    sent = row(db, row_id)
    assert (sent.status, sent.result_ts) == (OutboxStatus.SENT, "9.9")
    assert [method for method, _ in slack.calls] == ["chat.postMessage"]  # once
    assert len(slack.posted) == 1


def test_slack_refusing_the_call_marks_the_row_dead_with_the_reason(db):
    row_id = queue(db)
    assert deliver_due(db, FakeSlack((200, "channel_not_found", {}))) == 0
    dead = row(db, row_id)
    assert dead.status == OutboxStatus.DEAD and "channel_not_found" in dead.last_error


def test_slack_gets_what_the_renderer_built_and_the_result_ts_is_kept(db):
    row_id = queue(db, {"$render": "test.say", "channel": "C1", "text": "hi", "$note": "x"})
    slack = FakeSlack({"channel": "C1", "ts": "5.5"})
    assert deliver_due(db, slack) == 1
    assert slack.calls == [("chat.postMessage", {"channel": "C1", "text": "hi", "metadata": {
        "event_type": "orderdesk_post", "event_payload": {"outbox_id": row_id}}})]
    assert row(db, row_id).result_ts == "5.5"


@pytest.mark.parametrize("payload", [
    {"channel": "C1", "text": "hi"},  # ready-made arguments: not a render request
    {"$render": "test.unknown", "channel": "C1"},
])
def test_a_row_that_cannot_be_rendered_is_parked_not_sent(db, payload):
    row_id = queue(db, payload)
    slack = FakeSlack()
    assert deliver_due(db, slack) == 0 and slack.calls == []
    parked = row(db, row_id)
    assert parked.status == OutboxStatus.DEAD and parked.last_error.startswith("render:")


def test_a_thread_note_whose_parent_never_posted_is_dropped_not_retried(db):
    row_id = queue(db, {"$render": "triage.note", "discrepancy_id": 999, "event_id": 1})
    slack = FakeSlack()
    assert deliver_due(db, slack, renderer_table(Audience())) == 0 and slack.calls == []
    assert row(db, row_id).status == OutboxStatus.DEAD

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


class FakeSlack:
    """Answers api_call with the next scripted outcome: a dict (ok), or (status, error, headers)."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.calls: list[tuple[str, dict]] = []

    def api_call(self, method: str, json: dict):
        self.calls.append((method, json))
        outcome = self.outcomes.pop(0) if self.outcomes else {"channel": "C1", "ts": "1.1"}
        if isinstance(outcome, Exception):
            raise outcome
        if isinstance(outcome, tuple):
            status, error, headers = outcome
            response = SlackResponse(client=None, http_verb="POST", api_url=method, req_args={},
                                     data={"ok": False, "error": error}, headers=headers,
                                     status_code=status)
            raise SlackApiError(error, response)
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


def test_slack_refusing_the_call_marks_the_row_dead_with_the_reason(db):
    row_id = queue(db)
    assert deliver_due(db, FakeSlack((200, "channel_not_found", {}))) == 0
    dead = row(db, row_id)
    assert dead.status == OutboxStatus.DEAD and "channel_not_found" in dead.last_error


def test_slack_gets_what_the_renderer_built_and_the_result_ts_is_kept(db):
    row_id = queue(db, {"$render": "test.say", "channel": "C1", "text": "hi", "$note": "x"})
    slack = FakeSlack({"channel": "C1", "ts": "5.5"})
    assert deliver_due(db, slack) == 1
    assert slack.calls == [("chat.postMessage", {"channel": "C1", "text": "hi"})]
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

"""Rendering the outbox's triage rows at send time (jobs/outbox.py calls these): each reads the
record's current state through store/ and builds the message through messages/. None means
there is nothing to send any more (the parent was never posted, the record is gone)."""

from __future__ import annotations

from messages.approvals import approval_outcome, approval_request
from messages.fulfilment import cancel_notice, pick_request
from messages.triage import (
    batch_summary,
    dm_batch_summary,
    escalation_message,
    parent_message,
    rep_dm,
    thread_note,
)
from store.db import Database
from store.errors import NotFound
from store.fulfilment import NOTICE, OUTCOME, PICK, REQUEST, install_renderers
from store.triage import SNOOZE_OPTIONS, batch_state, get_discrepancy, get_note, posts


def _parent(db: Database, p: dict) -> dict | None:
    d = get_discrepancy(db, discrepancy_id=p["discrepancy_id"])
    message = parent_message(d, snooze_options=SNOOZE_OPTIONS)
    if p["$method"] == posts.POST:
        return {"channel": p["channel"], **message}
    if not d.message_ts:
        return None
    return {"channel": d.channel_id, "ts": d.message_ts, **message}


def _note(db: Database, p: dict) -> dict | None:
    note = get_note(db, discrepancy_id=p["discrepancy_id"], event_id=p["event_id"])
    if note is None or not note.discrepancy.message_ts:
        return None
    d = note.discrepancy
    return {"channel": d.channel_id, "thread_ts": d.message_ts, **thread_note(note)}


def _rep_dm(db: Database, p: dict) -> dict:
    d = get_discrepancy(db, discrepancy_id=p["discrepancy_id"])
    return {"channel": p["channel"], **rep_dm(d, what=p["what"])}


def _batch(db: Database, p: dict) -> dict | None:
    ts, value = batch_state(db, counter=p["counter"])
    count = max(0, value - int(p["threshold"]))
    if p["$render"] == posts.DM_BATCH:
        return {"channel": p["channel"], **dm_batch_summary(count=count)}
    message = batch_summary(count=count, channel_id=p["channel"])
    if p["$method"] == posts.POST:
        return {"channel": p["channel"], **message}
    return {"channel": p["channel"], "ts": ts, **message} if ts else None


def _escalation(db: Database, p: dict) -> dict | None:
    note = get_note(db, discrepancy_id=p["discrepancy_id"], event_id=p["event_id"])
    if note is None:
        return None
    return {"channel": p["channel"],
            **escalation_message(note.discrepancy, by=note.event.actor_id)}


def _tolerant(render):
    """A record deleted since it was queued: nothing to send, not an error."""
    def wrapped(db: Database, payload: dict) -> dict | None:
        try:
            return render(db, payload)
        except NotFound:
            return None
    return wrapped


RENDERERS = {name: _tolerant(fn) for name, fn in {
    posts.PARENT: _parent, posts.NOTE: _note, posts.REP_DM: _rep_dm, posts.BATCH: _batch,
    posts.DM_BATCH: _batch, posts.ESCALATION: _escalation}.items()}


def install_post_renderers() -> None:
    """store/ queues fulfilment posts rendered by these (store renders no Block Kit itself)."""
    install_renderers(**{PICK: pick_request, REQUEST: approval_request,
                         OUTCOME: approval_outcome, NOTICE: cancel_notice})

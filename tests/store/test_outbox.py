"""The outbox: enqueue inside the caller's transaction, dedupe, claim once, retry, give up."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from store import clock, outbox
from store.enums import OutboxStatus
from store.models import Discrepancy, OutboxMessage
from store.triage import flag_order
from tests.support.desk import build


def _enqueue(db, **kwargs):
    with db.write() as session:
        return outbox.enqueue(session, method="chat.postMessage",
                              payload={"channel": "C1", "text": "hi"}, **kwargs)


def test_enqueue_returns_the_row_id_and_a_repeated_dedupe_key_returns_none(db):
    first = _enqueue(db, dedupe_key="k1")
    assert isinstance(first, int)
    assert _enqueue(db, dedupe_key="k1") is None
    assert isinstance(_enqueue(db), int) and isinstance(_enqueue(db), int)
    assert outbox.pending_count(db) == 3


def test_a_rolled_back_transaction_queues_nothing(db):
    try:
        with db.write() as session:
            outbox.enqueue(session, method="chat.postMessage", payload={}, dedupe_key="gone")
            raise RuntimeError("the caller's change failed")
    except RuntimeError:
        pass
    assert outbox.pending_count(db) == 0
    assert _enqueue(db, dedupe_key="gone") is not None


def test_a_claimed_row_is_not_claimed_again_until_its_lease_ends(db):
    row_id = _enqueue(db)
    assert [i.id for i in outbox.claim_due(db)] == [row_id]
    assert outbox.claim_due(db) == []
    later = clock.now() + outbox.LEASE + timedelta(seconds=1)
    assert [i.attempts for i in outbox.claim_due(db, now=later)] == [2]


def test_failure_schedules_retry_after_and_sent_rows_are_done(db):
    row_id = _enqueue(db)
    outbox.claim_due(db)
    outbox.mark_failed(db, item_id=row_id, error="ratelimited", retry_after_s=30)
    assert outbox.claim_due(db) == []
    assert outbox.claim_due(db, now=clock.now() + timedelta(seconds=31))[0].id == row_id
    outbox.mark_sent(db, item_id=row_id, channel="C1", ts="1.0002")
    with db.read() as session:
        row = session.get(OutboxMessage, row_id)
        assert (row.status, row.result_ts) == (OutboxStatus.SENT, "1.0002")
    assert outbox.claim_due(db, now=clock.now() + timedelta(hours=1)) == []


def test_a_permanent_failure_marks_the_row_dead(db):
    row_id = _enqueue(db)
    outbox.claim_due(db)
    outbox.mark_failed(db, item_id=row_id, error="channel_not_found", permanent=True)
    with db.read() as session:
        assert session.get(OutboxMessage, row_id).status == OutboxStatus.DEAD


def test_rows_of_one_target_go_out_in_order_and_a_dead_one_unblocks_the_rest(db):
    with db.write() as session:
        ids = [outbox.enqueue(session, method="chat.postMessage", payload={"n": n},
                              target="discrepancy:1") for n in range(3)]
        other = outbox.enqueue(session, method="chat.postMessage", payload={}, target="x:2")
    assert [i.id for i in outbox.claim_due(db)] == [ids[0], other]
    assert outbox.claim_due(db) == []  # ids[1] waits for ids[0], which is in flight
    outbox.mark_failed(db, item_id=ids[0], error="channel_not_found", permanent=True)
    assert [i.id for i in outbox.claim_due(db)] == [ids[1]]


def test_retrying_a_dead_post_brings_back_the_posts_parked_behind_it(db):
    """The parent died (an archived channel), so its thread note and card update were parked
    at once; retrying the parent, as /orders outbox suggests, left them dead for good."""
    with db.write() as session:
        parent, note, update_ = [outbox.enqueue(session, method="chat.postMessage",
                                                payload={"n": n}, target="discrepancy:1")
                                 for n in range(3)]
        other = outbox.enqueue(session, method="chat.postMessage", payload={}, target="x:2")
        earlier = outbox.enqueue(session, method="chat.postMessage", payload={}, target="x:3")
    for row_id in (parent, note, update_, other, earlier):
        outbox.claim_due(db)
        outbox.mark_failed(db, item_id=row_id, error="is_archived", permanent=True)
    assert outbox.retry_dead(db, ids=[parent]) == 3
    with db.read() as session:
        status = {r.id: r.status for r in session.scalars(select(OutboxMessage))}
    assert [status[i] for i in (parent, note, update_)] == [OutboxStatus.PENDING] * 3
    assert (status[other], status[earlier]) == (OutboxStatus.DEAD, OutboxStatus.DEAD)
    assert [i.id for i in outbox.claim_due(db)] == [parent]  # the rest follow it, in order


def test_the_first_sent_row_of_a_discrepancy_stores_where_it_landed_on_it(db):
    build(db)
    d_id = flag_order(db, ref="SO-1042", actor="U0PROC1", reason="wrong colour").discrepancy.id
    with db.write() as session:
        ids = [outbox.enqueue(session, method="chat.postMessage", payload={},
                              target=f"discrepancy:{d_id}") for _ in range(2)]
        other = outbox.enqueue(session, method="chat.postMessage", payload={}, target="pick:1")
    for row_id, ts in ((ids[0], "9.1"), (ids[0], "9.1"), (ids[1], "9.2"), (other, "9.3")):
        outbox.claim_due(db)
        outbox.mark_sent(db, item_id=row_id, channel="C1", ts=ts)  # a repeat changes nothing
    with db.read() as session:
        d = session.get(Discrepancy, d_id)
        assert (d.channel_id, d.message_ts) == ("C1", "9.1")  # a later reply does not move it


def test_rate_limits_however_many_neither_kill_a_row_nor_slow_its_later_retries(db):
    """Slack rate-limiting a burst for minutes (Retry-After: 1, retried each second) is not a
    failure: the row stays pending, and a 5xx after it backs off as after a first failure.
    Found by bench/faults.py: 50 rate-limited tries marked rows dead, and a 503 after many
    429s waited the 300 s cap, so posts arrived 4-5 min after a 60 s Slack outage."""
    row_id = _enqueue(db)
    now = clock.now()
    for _ in range(outbox.MAX_ATTEMPTS + 10):
        (item,) = outbox.claim_due(db, now=now + timedelta(hours=1))
        outbox.mark_failed(db, item_id=item.id, error="429 ratelimited", retry_after_s=0)
    (item,) = outbox.claim_due(db, now=now + timedelta(hours=1))
    outbox.mark_failed(db, item_id=item.id, error="503 http_503")
    with db.read() as session:
        row = session.get(OutboxMessage, row_id)
        assert row.status == OutboxStatus.PENDING
        assert row.next_attempt_at <= clock.now() + timedelta(seconds=2)

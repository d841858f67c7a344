"""Nothing lost, nothing doubled: Slack answering 500 and 429 for a while, a deliverer dying
between commit and post, deliverers racing, and a flood batched into one summary."""

from __future__ import annotations

import threading
from datetime import timedelta

from slack_sdk import WebClient
from sqlalchemy import select, update

from bench.app_stack import PROCESSOR, SALES, TRIAGE, WAREHOUSE, text_of
from bench.triage_desk import import_problems, row
from jobs.outbox import deliver_due, sending_client
from messages.actions import TriageActions as A
from store import clock
from store.enums import OutboxStatus
from store.models import OutboxMessage
from store.outbox import claim_due
from store.triage.operations import flag_order


def statuses(t) -> list[str]:
    with t.db.read() as s:
        return [r.value for r in s.scalars(select(OutboxMessage.status))]


def test_slack_failing_for_a_while_loses_no_post_and_doubles_none(triage, tmp_path):
    t = triage
    # Counted, not timed: a loaded machine may take over a second to queue the first post.
    t.sb.faults.add(method="chat.postMessage", status=500, times=2)
    t.sb.faults.add(method="chat.postMessage", status=429, retry_after=1, times=3)
    t.import_problems(tmp_path)
    t.sb.wait_for(lambda: set(statuses(t)) == {"sent"}, timeout=20)
    assert len(t.parents(TRIAGE)) == 7 and len(t.parents(WAREHOUSE)) == 1
    assert len(t.dms(SALES)) == 7 and len(t.dms("U0SALES2")) == 1
    failed = [c for c in t.sb.calls("chat.postMessage") if not c.ok]
    assert {c.status for c in failed} == {500, 429} and len(failed) >= 4
    with t.db.read() as s:
        assert max(s.scalars(select(OutboxMessage.attempts))) >= 2


def test_a_post_committed_before_a_crash_arrives_later_once(triage, tmp_path):
    t = triage
    import_problems(t.db, tmp_path, [row("SO-9101", "WID-1001-BL", 1, "12.50")])
    flag_order(t.db, ref="SO-9101", actor=PROCESSOR, reason="customer called: wrong colour")
    # A deliverer claims the rows, then dies before sending: nothing reaches Slack...
    assert len(claim_due(t.db)) == 2
    sender = sending_client(t.client())
    assert deliver_due(t.db, sender, t.renderers) == 0 and t.parents(TRIAGE) == []
    # ...until its lease runs out; then the post (and the rep's DM) arrive, once.
    with t.db.write() as s:
        s.execute(update(OutboxMessage).values(next_attempt_at=clock.now() - timedelta(seconds=1)))
    assert deliver_due(t.db, sender, t.renderers) == 2
    assert deliver_due(t.db, sender, t.renderers) == 0
    assert len(t.parents(TRIAGE)) == 1 and "wrong colour" in t.parents(TRIAGE)[0].text
    assert len(t.dms(SALES)) == 1


def test_a_post_slack_took_after_the_deliverer_gave_up_waiting_arrives_once(triage, tmp_path):
    """Slack answered after the client's timeout: the post was in the channel, the row was
    retried, and #order-triage got a second parent (only the second one's ts was kept)."""
    t = triage
    import_problems(t.db, tmp_path, [row("SO-9101", "WID-1001-BL", 1, "12.50")])
    flag_order(t.db, ref="SO-9101", actor=PROCESSOR, reason="customer called: wrong colour")
    impatient = WebClient(token=t.client().token, base_url=t.client().base_url, timeout=0.5,
                          retry_handlers=[])
    t.sb.faults.add(method="chat.postMessage", delay_ms=1500, times=1)
    deliver_due(t.db, impatient, t.renderers)
    t.sb.wait_for(lambda: len(t.parents(TRIAGE)) == 1)  # Slack took it meanwhile
    with t.db.write() as s:
        s.execute(update(OutboxMessage).values(next_attempt_at=clock.now() - timedelta(seconds=1)))
    deliver_due(t.db, sending_client(t.client()), t.renderers)
    assert set(statuses(t)) == {"sent"}
    parents = t.parents(TRIAGE)
    assert len(parents) == 1
    with t.db.read() as s:
        kept = s.scalars(select(OutboxMessage.result_ts).where(
            OutboxMessage.attempts == 2)).all()
    assert kept == [parents[0].ts]


def test_racing_deliverers_send_each_post_once(triage, tmp_path):
    t = triage
    import_problems(t.db, tmp_path)
    sender = sending_client(t.client())
    sent: list[int] = []
    threads = [threading.Thread(target=lambda: sent.append(deliver_due(t.db, sender, t.renderers)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(sent) == len(statuses(t)) == 16
    assert len(t.parents(TRIAGE)) == 7 and len(t.parents(WAREHOUSE)) == 1
    assert len(t.sb.calls("chat.postMessage")) == 16


def test_a_flood_is_batched_into_one_summary_with_the_queue(triage, tmp_path):
    t = triage
    rows = [row(f"SO-95{n:02d}", "WID-1001-BL", n + 1, "1.00") for n in range(14)]
    t.import_problems(tmp_path, rows)
    t.sb.wait_for(lambda: set(statuses(t)) == {OutboxStatus.SENT.value}, timeout=10)
    messages = t.parents(TRIAGE)
    summaries = [m for m in messages if "batched" in text_of(m)]
    # 14 at once (an import): one summary of their own, with a way to each of them.
    assert len(messages) == 1 and len(summaries) == 1
    assert "*14* new discrepancies arrived at once" in text_of(summaries[0])
    dm_summaries = [m for m in t.dms(SALES) if "more of your accounts" in text_of(m)]
    assert len(t.dms(SALES)) == 11 and len(dm_summaries) == 1
    t.sb.click(A.QUEUE, user=PROCESSOR, message=summaries[0])
    t.sb.wait_for(lambda: any("*14* open discrepancies batched in" in text_of(m)
                              for m in t.sb.ephemerals(user=PROCESSOR)))

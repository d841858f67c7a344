"""A triage button does its store operation before it acks (the team's rule): when that
operation fails, the person is told by the time Slack has the answer, and Bolt never turns
the ack into a 404. Found by bench/faults.py: with PostgreSQL restarting, "Take it" was acked
first and failed after, which read as taken."""

from __future__ import annotations

import json

from sqlalchemy import delete

from bench.app_stack import PROCESSOR, action_id
from messages.actions import TriageActions as A
from store.models import Discrepancy, Event


def test_a_take_that_fails_is_answered_with_the_reason_before_the_ack(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    parent = t.parent("SO-9002")
    take = action_id(parent, A.ASSIGN_ME)
    # The item is gone by the time of the click: the store operation fails after the role check.
    with t.db.write() as s:
        s.execute(delete(Event).where(Event.discrepancy_id == int(take.split(":")[1])))
        s.execute(delete(Discrepancy).where(Discrepancy.id == int(take.split(":")[1])))
    before = len(t.sb.ephemerals(user=PROCESSOR))
    # Telling takes a moment; acked before the failure, the click's answer would come first.
    t.sb.faults.add(method="chat.postEphemeral", delay_ms=300)
    delivery = t.sb.click(take, user=PROCESSOR, message=parent)
    assert delivery.status == 200, delivery.problems
    told = [json.dumps(m.blocks) for m in t.sb.ephemerals(user=PROCESSOR)[before:]]
    assert len(told) == 1 and ":warning:" in told[0], told

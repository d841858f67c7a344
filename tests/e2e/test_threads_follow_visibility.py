"""A followed thread hears of changes by the rules of a thread answer: under
ORDERDESK_REP_VISIBILITY=status another rep's thread gets status-only notices (no prices,
problem titles, tracking numbers or cancel reasons), the account's own rep and the desk get the
details; under `full` every thread does."""

import json

import pytest

from tests.support.threads import (
    CHANNEL,
    answer_in,
    ask,
    bot_replies,
    deliver_outbox,
    edit_requested_date,
)
from tests.support.threads_desk import build_threads_desk, start

SALES1, SALES2, PROCESSOR = "U0SALES1", "U0SALES2", "U0PROC1"
REF = "SO-1042"  # Acme's: U0SALES1's account, not U0SALES2's
PRICE = "$17.25"


@pytest.fixture(params=["status", "full"])
def policy_stack(request, frozen_clock, db):
    stack, running = start(db, {"ORDERDESK_REP_VISIBILITY": request.param})
    build_threads_desk(db)
    stack.policy = request.param
    yield stack
    running.stop()
    stack.sb.stop()


def following_threads(stack) -> dict[str, tuple[str, str]]:
    """The owner, another rep and a processor each make a thread follow REF."""
    threads = {}
    for user in (SALES1, SALES2, PROCESSOR):
        threads[user] = ask(stack.sb, f"follow {REF}", user=user, how="thread")
        answer_in(stack.sb, *threads[user])
    return threads


def notices(stack, threads, words: str) -> dict[str, str]:
    """user -> the notice saying `words` in the thread they started, once all are there."""
    def found():
        out = {}
        for user, (channel, thread) in threads.items():
            hits = [json.dumps([m.text, m.blocks], ensure_ascii=False)
                    for m in bot_replies(stack.sb, channel, thread) if words in m.text]
            if hits:
                out[user] = hits[-1]
        return out if len(out) == len(threads) else None
    stack.sb.wait_for(found, message=f"every thread told {words!r}")
    return found()


def flag(stack, reason: str) -> None:
    delivery = stack.sb.slash("/order", f"flag {REF} {reason}", user=PROCESSOR, channel=CHANNEL)
    assert delivery.status == 200 and not delivery.problems, delivery.problems


def test_a_flag_whose_title_has_a_price_reaches_another_rep_per_the_policy(policy_stack):
    threads = following_threads(policy_stack)
    flag(policy_stack, f"unit price should be {PRICE} per the contract")
    deliver_outbox(policy_stack)
    heard = notices(policy_stack, threads, "Flagged")
    assert PRICE in heard[SALES1] and PRICE in heard[PROCESSOR]  # owner and desk: always
    if policy_stack.policy == "status":
        assert PRICE not in heard[SALES2] and "contract" not in heard[SALES2], heard[SALES2]
        assert "Flagged: a problem (other)" in heard[SALES2]
    else:
        assert PRICE in heard[SALES2]


def test_a_resolution_repeats_the_title_only_where_the_policy_allows(policy_stack):
    threads = following_threads(policy_stack)
    flag(policy_stack, f"charged {PRICE} twice")
    deliver_outbox(policy_stack)
    notices(policy_stack, threads, "Flagged")
    from store.models import Discrepancy
    from store.triage.operations import resolve

    with policy_stack.db.read() as s:
        [d_id] = s.query(Discrepancy.id).filter(Discrepancy.title.like("charged%")).one()
    resolve(policy_stack.db, discrepancy_id=d_id, actor=PROCESSOR, reason="fixed")
    deliver_outbox(policy_stack)
    heard = notices(policy_stack, threads, "Resolved")
    assert PRICE in heard[SALES1]
    assert (PRICE in heard[SALES2]) == (policy_stack.policy == "full"), heard[SALES2]


def test_an_edit_of_a_price_names_the_new_price_only_where_the_policy_allows(policy_stack):
    threads = following_threads(policy_stack)
    sb = policy_stack.sb
    sb.slash("/order", f"edit {REF}", user=PROCESSOR, channel=CHANNEL)
    sb.wait_for(lambda: sb.views(user=PROCESSOR))
    delivery = sb.submit(sb.views(user=PROCESSOR)[-1], {"lines.1.unit_price": "17.25"},
                         user=PROCESSOR)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    deliver_outbox(policy_stack)
    heard = notices(policy_stack, threads, "was edited")
    assert "line 1 unit price" in heard[SALES2]
    assert "17.25" in heard[SALES1] and "17.25" in heard[PROCESSOR]
    assert ("17.25" in heard[SALES2]) == (policy_stack.policy == "full"), heard[SALES2]


def test_a_date_change_is_status_and_reaches_every_thread_with_its_value(policy_stack):
    threads = following_threads(policy_stack)
    edit_requested_date(policy_stack, REF, "2026-12-03")
    deliver_outbox(policy_stack)
    heard = notices(policy_stack, threads, "was edited")
    assert all("requested date → 2026-12-03" in text for text in heard.values())

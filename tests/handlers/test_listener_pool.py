"""Bolt's listener pool (handlers.kit.ListenerPool): Bolt's `submit` returns when the listener
acks, not before it and not after; an event (acked by Bolt before its listener runs) at once;
a listener that never acks lets Bolt give up after Slack's 3 s, as without the pool."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from handlers.kit import ListenerPool, Reply, listen

GATE_S = 5  # how long a gate waits before the test fails: never reached when it passes


def submitted(pool: ListenerPool, kit_listener, body: dict) -> tuple[threading.Event, list]:
    """Bolt's call: `pool.submit(listener, ...)` from another thread; the Event is set when
    submit returns, the list holds the listener's acks."""
    acks, returned = [], threading.Event()
    bolt_listener = listen(SimpleNamespace(), kit_listener)

    def bolt():
        pool.submit(bolt_listener, ack=lambda *args: acks.append(args), body=body, client=None,
                    respond=None, context=SimpleNamespace(bot_user_id=None))
        returned.set()

    threading.Thread(target=bolt, daemon=True).start()
    return returned, acks


def test_submit_returns_at_the_ack_not_before_and_not_after_the_work_that_follows_it():
    pool = ListenerPool(workers=1, ack_within_s=60)
    may_answer, may_finish, finished = threading.Event(), threading.Event(), threading.Event()

    def work_after_the_ack() -> Reply:
        may_finish.wait(GATE_S)
        finished.set()
        return Reply()

    def on_slow_command(request) -> Reply:
        may_answer.wait(GATE_S)
        return Reply.message({"text": "found"}).later(work_after_the_ack)

    returned, acks = submitted(pool, on_slow_command, {"command": "/order", "text": "x"})
    assert not returned.wait(0.2) and acks == []  # a plain pool returns here, before the ack
    may_answer.set()
    assert returned.wait(GATE_S) and acks == [({"text": "found"},)]
    assert not finished.is_set()  # Slack has its answer while the work after it still runs
    may_finish.set()
    assert finished.wait(GATE_S)


def test_an_event_is_handed_back_at_once_bolt_acked_it_before_the_listener():
    pool = ListenerPool(workers=1, ack_within_s=60)
    may_finish = threading.Event()

    def on_mention_event(request) -> Reply:
        may_finish.wait(GATE_S)
        return Reply()

    returned, _ = submitted(pool, on_mention_event,
                            {"type": "event_callback", "event": {"type": "app_mention"}})
    assert returned.wait(GATE_S - 1) and not may_finish.is_set()
    may_finish.set()


def test_a_listener_that_never_acks_is_left_to_bolt_after_the_ack_window():
    pool = ListenerPool(workers=1, ack_within_s=0.2)
    may_finish = threading.Event()

    def on_stuck_command(request) -> Reply:
        may_finish.wait(GATE_S)  # a write waiting for a lock
        return Reply.message({"text": "late"})

    returned, acks = submitted(pool, on_stuck_command, {"command": "/order", "text": "x"})
    assert returned.wait(GATE_S - 1) and acks == []  # Bolt then answers 404, as it always has
    may_finish.set()

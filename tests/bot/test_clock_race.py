"""Three clock processes started by mistake, racing over three weeks of ticks against one
database and one Slack sandbox: every period is posted exactly once (0 duplicates,
0 missed), on SQLite and on PostgreSQL (DESIGN.md, "Scheduling")."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import UTC, datetime, timedelta

from sandbox import SlackSandbox
from store.metrics.runs import run_states
from store.metrics.subscriptions import list_digest_subscriptions, subscribe_digest
from store.periods import due_periods
from tests.support.metrics_desk import build_desk

CLOCKS = 3
START = datetime(2026, 11, 1, 9, tzinfo=UTC)
END = datetime(2026, 11, 21, 12, tzinfo=UTC)
SUBSCRIPTIONS = (("daily", "C0MGR", "08:00", "UTC"),
                 ("daily", "C0ORDERS", "07:30", "Europe/Berlin"),
                 ("weekly", "C0WH", "09:00", "America/New_York"))


def tick_times() -> list[datetime]:
    times, t = [], START
    while t <= END:
        times.append(t)
        t += timedelta(hours=6)
    return times


def _clock(url: str, api_url: str, token: str, name: str, start, results) -> None:
    """One clock process: every tick of the three weeks, as fast as it can."""
    from slack_sdk import WebClient

    from jobs.digests import run_due_digests
    from store.db import open_database

    db = open_database(url)
    client = WebClient(base_url=api_url, token=token, timeout=30)
    counts: Counter = Counter()
    start.wait()
    for now in tick_times():
        for outcome in run_due_digests(db, client, now=now, claimed_by=name):
            counts[outcome.status] += 1
    db.dispose()
    results.put((name, dict(counts)))


def test_three_racing_clocks_post_each_period_exactly_once(db, set_clock):
    set_clock.set(END)  # a fixed three weeks of the hand-counted desk's calendar: pinned
    build_desk(db)
    for period, channel, at_time, tz in SUBSCRIPTIONS:
        subscribe_digest(db, period=period, channel_id=channel, at_time=at_time, timezone=tz,
                         actor="U0MGR1", now=START)
    expected = {(s.channel_id, p.label()) for s in list_digest_subscriptions(db)
                for p in due_periods(s.period, at_time=s.at_time, tz=s.timezone, since=START,
                                     now=END, limit=1000)}
    url = db.engine.url.render_as_string(hide_password=False)
    sb = SlackSandbox().start()
    try:
        outcomes = _race(url, sb)
        posted = Counter((m.channel, m.blocks[0]["text"]["text"].split(" · ", 1)[1])
                         for channel in ("C0MGR", "C0ORDERS", "C0WH")
                         for m in sb.messages(channel) if m.blocks)
        charts = len(sb.files())
    finally:
        sb.stop()

    assert len(expected) == 43  # 20 + 20 daily, 3 weekly
    assert set(posted) == expected, "missed or unexpected periods"
    assert max(posted.values()) == 1, [k for k, n in posted.items() if n > 1]
    assert sum(o.get("posted", 0) for o in outcomes.values()) == len(expected)
    assert sum(o.get("skipped", 0) for o in outcomes.values()) > 0  # they really raced
    assert not any(o.get("failed") for o in outcomes.values())
    assert charts == len(expected)
    states = run_states(db, subscription_ids=[1, 2, 3], since=START.date() - timedelta(days=7))
    assert len(states) == len(expected) and {s.status for s in states.values()} == {"posted"}


def _race(url: str, sb: SlackSandbox) -> dict[str, dict]:
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(CLOCKS), ctx.Queue()  # all begin ticking together
    clocks = [ctx.Process(target=_clock, args=(url, sb.api_url, sb.bot_token, f"clock-{n}",
                                               start, results)) for n in range(CLOCKS)]
    for clock in clocks:
        clock.start()
    outcomes = dict(results.get(timeout=300) for _ in clocks)
    for clock in clocks:
        clock.join(timeout=60)
        assert clock.exitcode == 0
    return outcomes

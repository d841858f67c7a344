"""The clock's digest tick against the Slack sandbox: each due period posted once, as valid
Block Kit, with its chart in the thread; catch-up after downtime; failed posts retried."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from bot.clock import build_scheduler
from bot.config import Settings
from jobs.digests import EVENT_TYPE, run_due_digests
from jobs.schedule import tick_digests
from messages.home import home_view
from store import clock
from store.metrics.runs import RETRY_AFTER, run_states
from store.metrics.subscriptions import subscribe_digest
from store.orders.home import home_for
from store.workspace import Viewer
from tests.support.clock import days_ago, in_days
from tests.support.metrics_desk import build_desk

CHANNEL = "C0MGR"


@pytest.fixture
def client(sb) -> WebClient:
    return WebClient(base_url=sb.api_url, token=sb.bot_token)


def subscribe(db, period="daily", *, created: datetime, at_time="08:00", tz="UTC",
              channel=CHANNEL):
    return subscribe_digest(db, period=period, channel_id=channel, at_time=at_time,
                            timezone=tz, actor="U0MGR1", now=created).subscription


def digests(sb, channel=CHANNEL) -> list:
    return [m for m in sb.messages(channel) if m.blocks and m.blocks[0]["type"] == "header"]


def test_a_tick_posts_the_due_digest_once_with_its_chart_in_the_thread(db, sb, client, set_clock):
    # The hand-counted desk's week (ISO week 45 2026) is a fixed calendar: pinned to it.
    now = datetime(2026, 11, 9, 8, 1, tzinfo=UTC)
    set_clock.set(now)
    build_desk(db)
    subscribe(db, "weekly", created=datetime(2026, 11, 2, 9, tzinfo=UTC))

    outcomes = tick_digests(db=db, client=client, claimed_by="clock-1", now=now)
    again = tick_digests(db=db, client=client, claimed_by="clock-1", now=now + timedelta(hours=1))

    assert [o.status for o in outcomes] == ["posted"] and again == []
    (posted,) = digests(sb)
    assert posted.blocks[0]["text"]["text"] == "Weekly digest · Week 45 2026, 2–8 Nov 2026"
    assert posted.metadata["event_type"] == EVENT_TYPE
    assert all(c.ok for c in sb.calls("chat.postMessage"))  # the sandbox validated the blocks
    (chart,) = sb.thread(CHANNEL, posted.ts)
    assert chart.files and sb.files(CHANNEL)[0].data.startswith(b"\x89PNG")
    (state,) = run_states(db, subscription_ids=[1], since=date(2026, 11, 2)).values()
    assert (state.status, state.message_ts) == ("posted", posted.ts)


def test_a_chart_that_fails_to_draw_leaves_the_figures_posted_and_is_drawn_again(
        db, sb, client, set_clock, monkeypatch):
    """The chart is drawn while the figures are read (jobs.digests.Chart); if that fails the
    digest still posts, and the chart is drawn again for its thread, as before."""
    from jobs import digests as job

    now = datetime(2026, 11, 9, 8, 1, tzinfo=UTC)
    set_clock.set(now)
    build_desk(db)
    subscribe(db, "weekly", created=datetime(2026, 11, 2, 9, tzinfo=UTC))
    drawn, draw = [], job.digest_chart

    def fails_once(*args, **kwargs):
        drawn.append(args)
        if len(drawn) == 1:
            raise RuntimeError("no fonts")
        return draw(*args, **kwargs)

    monkeypatch.setattr(job, "digest_chart", fails_once)
    (outcome,) = tick_digests(db=db, client=client, claimed_by="clock-1", now=now)

    assert outcome.status == "posted" and len(drawn) == 2
    (posted,) = digests(sb)
    (chart,) = sb.thread(CHANNEL, posted.ts)
    assert chart.files and sb.files(CHANNEL)[0].data.startswith(b"\x89PNG")


def test_nothing_is_posted_before_the_digest_is_due(db, sb, client, set_clock):
    now = days_ago(0, 7, 59)
    set_clock.set(now)
    subscribe(db, created=days_ago(1, 9))
    assert tick_digests(db=db, client=client, claimed_by="c", now=now) == []
    assert digests(sb) == []


def test_a_clock_that_was_down_posts_every_missed_period_oldest_first(db, sb, client, set_clock):
    now = days_ago(0, 8, 30)
    set_clock.set(now)
    subscribe(db, created=days_ago(5, 9))
    outcomes = tick_digests(db=db, client=client, claimed_by="c", now=now)
    missed = [in_days(-n) for n in (5, 4, 3, 2, 1)]
    assert [o.period.start for o in outcomes] == missed
    titles = [m.blocks[0]["text"]["text"] for m in digests(sb)]
    assert titles == [f"Daily digest · {day:%a %d %b %Y}" for day in missed]


def test_an_empty_period_posts_a_quiet_digest_not_an_error(db, sb, client, set_clock):
    now = days_ago(0, 9)
    set_clock.set(now)
    subscribe(db, created=days_ago(1, 9))
    (outcome,) = tick_digests(db=db, client=client, claimed_by="c", now=now)
    assert outcome.status == "posted"
    assert "A quiet period" in str(digests(sb)[0].blocks)


def test_a_failed_post_is_retried_after_a_pause_and_posted_once(db, sb, client, set_clock):
    subscribe(db, created=days_ago(1, 9))
    now = days_ago(0, 9)
    sb.faults.add(method="chat.postMessage", error="not_in_channel")
    set_clock.set(now, ticking=False)

    first = run_due_digests(db, client, now=now, claimed_by="c")
    soon = run_due_digests(db, client, now=now, claimed_by="c")
    set_clock.advance(RETRY_AFTER)
    later = run_due_digests(db, client, now=now, claimed_by="c")

    assert [o.status for o in first] == ["failed"] and first[0].error == "not_in_channel"
    assert [o.status for o in soon] == ["skipped"]
    assert [o.status for o in later] == ["posted"] and len(digests(sb)) == 1


def test_a_failing_digest_says_why_on_the_admins_home_until_it_posts(db, sb, client, set_clock):
    """Orderdesk not in the channel: the post failed on every tick, the log took a traceback
    each time, and the admin's Home read only "last posted —", as for a digest not yet due."""
    subscribe(db, created=days_ago(1, 9))
    now = days_ago(0, 9)
    sb.faults.add(method="chat.postMessage", error="not_in_channel")
    set_clock.set(now, ticking=False)
    run_due_digests(db, client, now=now, claimed_by="c")

    def clock_health() -> str:
        home = home_for(db, viewer=Viewer("U0ADMIN", "admin"), admins=("U0ADMIN",), now=now)
        return json.dumps(home_view(home, snooze_options=[]), ensure_ascii=False)
    assert f"<#{CHANNEL}>: last posted — · :warning: failing: `not_in_channel`" in clock_health()
    set_clock.advance(RETRY_AFTER)
    run_due_digests(db, client, now=now, claimed_by="c")  # invited: it posts
    assert "failing" not in clock_health() and len(digests(sb)) == 1


class LostAnswer(WebClient):
    """Slack takes the post but the answer never arrives (a timeout after the fact)."""

    def chat_postMessage(self, **kwargs):  # noqa: N802 - slack_sdk's name
        super().chat_postMessage(**kwargs)
        raise TimeoutError("read timed out")


def test_a_retry_finds_its_own_earlier_post_instead_of_posting_twice(db, sb, set_clock):
    subscribe(db, created=days_ago(1, 9))
    now = days_ago(0, 9)
    set_clock.set(now, ticking=False)
    lossy = LostAnswer(base_url=sb.api_url, token=sb.bot_token)
    plain = WebClient(base_url=sb.api_url, token=sb.bot_token)

    (first,) = run_due_digests(db, lossy, now=now, claimed_by="c")
    set_clock.advance(RETRY_AFTER)
    (retry,) = run_due_digests(db, plain, now=now, claimed_by="c")

    assert first.status == "failed" and retry.status == "posted"
    (posted,) = digests(sb)
    assert retry.message_ts == posted.ts


def test_the_clock_registers_a_tick_that_runs_at_start_and_catches_up(db, sb, client):
    subscribe(db, created=clock.now() - timedelta(days=3), at_time="00:00")
    settings = Settings.from_env({"SLACK_BOT_TOKEN": sb.bot_token, "SLACK_SIGNING_SECRET": "s",
                                  "SLACK_API_URL": sb.api_url})
    scheduler = build_scheduler(settings, db, scheduler=BackgroundScheduler(timezone="UTC"),
                                client=client)
    assert {"digests.tick", "digests.statistics"} <= {j.id for j in scheduler.get_jobs()}
    scheduler.start()
    try:
        sb.wait_for(lambda: len(digests(sb)) == 3, timeout=30)
    finally:
        scheduler.shutdown(wait=True)
    assert len(digests(sb)) == 3  # and nothing more once it stopped


def test_a_daily_digest_moved_to_another_zone_posts_each_new_day_once_and_no_old_one(
        db, sb, client, set_clock):
    """Kiritimati (UTC+14) to Honolulu (UTC-10) on 4 May 12:00 UTC, the clock ticking every
    30 minutes. Changed in place, it then posted Thu 30 Apr (a day the old zone never owed) on
    4 May, and never Honolulu's 3 May: that local day was already posted in Kiritimati."""
    start = datetime(2026, 5, 1, tzinfo=UTC)
    subscribe(db, created=start, tz="Pacific/Kiritimati")
    posted = []
    moment, moved = start, False
    while moment < datetime(2026, 5, 7, tzinfo=UTC):
        if not moved and moment >= datetime(2026, 5, 4, 12, tzinfo=UTC):
            subscribe(db, created=moment, tz="Pacific/Honolulu")
            moved = True
        set_clock.set(moment)
        posted += [(o.subscription_id, o.period.start.day, moment.day)
                   for o in tick_digests(db=db, client=client, claimed_by="c", now=moment)
                   if o.status == "posted"]
        moment += timedelta(minutes=30)
    # Kiritimati's days 1-3 May (the 4th ends after the move), then Honolulu's from 3 May on:
    # each on the day after it, once.
    assert posted == [(1, 1, 1), (1, 2, 2), (1, 3, 3), (2, 3, 4), (2, 4, 5), (2, 5, 6)]

"""Claim -> build -> post -> record, for the clock (every due period) and the CLI (one).

No database transaction is open during a Slack call: the claim commits first, the figures
are read in their own transaction, then the post, then the record. The chart goes up in
the digest's thread only after the post is recorded, so a failed upload never re-posts.
A retried claim first looks for its own earlier post (message metadata carries the run
id), because Slack may have taken a post whose answer never came back. A digest is written in
its subscription's language, else the workspace's (ORDERDESK_DEFAULT_LOCALE).
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from jobs.own_posts import earlier_post, marked
from messages import i18n
from messages.charts import digest_chart
from messages.digest import chart_title, digest_message
from messages.scorecard import scorecard_message
from store import clock
from store.db import Database
from store.errors import DigestAlreadyPosted, PeriodNotOver
from store.metrics import (
    SubscriptionView,
    build_digest,
    build_scorecard,
    claim_digest_run,
    get_subscription,
    list_digest_subscriptions,
    record_digest_failed,
    record_digest_posted,
    run_states,
)
from store.periods import (
    Period,
    due_at,
    due_periods,
    last_complete_period,
    local_date,
    period_containing,
)
from store.workspace import connected_customer

log = logging.getLogger("orderdesk.digests")
EVENT_TYPE = "orderdesk_digest"


@dataclass(frozen=True)
class Outcome:
    period: Period
    channel_id: str
    status: str  # posted, skipped (another clock has it, or it is posted), failed
    subscription_id: int | None = None
    message_ts: str | None = None
    error: str | None = None

    def summary_line(self) -> str:
        where = f"#{self.subscription_id} " if self.subscription_id else ""
        detail = f" ts={self.message_ts}" if self.message_ts else ""
        why = f": {self.error}" if self.error else ""
        return f"digest {where}{self.period.kind} {self.period.label()} -> {self.channel_id}: " \
               f"{self.status}{detail}{why}"


def clock_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def run_due_digests(db: Database, client: WebClient, *, claimed_by: str,
                    now: datetime | None = None,
                    default_locale: str = i18n.ENGLISH) -> list[Outcome]:
    """Post every period each active subscription owes as of `now` (the clock's, by default),
    oldest first. Periods already posted are skipped without a claim attempt."""
    now = now or clock.now()
    owed = [(sub, period) for sub in list_digest_subscriptions(db)
            for period in due_periods(sub.period, at_time=sub.at_time, tz=sub.timezone,
                                      since=sub.created_at, now=now)]
    if not owed:
        return []
    states = run_states(db, subscription_ids={s.id for s, _ in owed},
                        since=min(p.start for _, p in owed))
    outcomes = []
    for sub, period in sorted(owed, key=lambda sp: (due_at(sp[1], at_time=sp[0].at_time,
                                                           tz=sp[0].timezone), sp[0].id)):
        state = states.get((sub.id, period.start))
        if state is not None and state.status == "posted":
            continue
        outcomes.append(run_subscription_digest(db, client, subscription=sub, period=period,
                                                claimed_by=claimed_by, now=now,
                                                default_locale=default_locale))
    return outcomes


def run_subscription_digest(db: Database, client: WebClient, *, subscription: SubscriptionView,
                            period: Period, claimed_by: str, now: datetime | None = None,
                            default_locale: str = i18n.ENGLISH) -> Outcome:
    """The figures are as of `now`; the claim records when it really happened (the clock).
    Written in the subscription's language, else `default_locale`."""
    with i18n.using(subscription.language or default_locale):
        return _run_subscription_digest(db, client, subscription=subscription, period=period,
                                        claimed_by=claimed_by, now=now)


def _run_subscription_digest(db: Database, client: WebClient, *,
                             subscription: SubscriptionView, period: Period, claimed_by: str,
                             now: datetime | None) -> Outcome:
    channel = subscription.channel_id
    if connected_customer(db, channel_id=channel) is not None:
        # Linked to a customer since it was subscribed (before connect refused that): its
        # people would read every customer's figures. Not posted; an admin moves it.
        log.warning("digest #%s not posted to %s: the channel is linked to a customer "
                    "(/orders connect); subscribe one of your own channels", subscription.id,
                    channel)
        return Outcome(period, channel, "skipped", subscription.id)
    run = claim_digest_run(db, subscription_id=subscription.id, period=period,
                           claimed_by=claimed_by, at=clock.now())
    if run is None:
        return Outcome(period, channel, "skipped", subscription.id)
    scorecard = subscription.report == "scorecard"
    chart = Chart(period, subscription.timezone)
    try:
        if scorecard:
            view = build_scorecard(db, period=period, timezone=subscription.timezone,
                                   now=now or clock.now())
        else:
            view = build_digest(db, period=period, timezone=subscription.timezone,
                                now=now or clock.now(), on_days=chart.draw)
        ts = (earlier_post(client, channel, EVENT_TYPE, run_id=run.id) if run.retry else None) \
            or post_digest(client, channel=channel, view=view, run_id=run.id,
                           message=scorecard_message(view) if scorecard else None)
    except Exception as error:  # noqa: BLE001 - any failure gives the claim back for a retry
        record_digest_failed(db, run=run, at=clock.now(), error=_reason(error))
        if isinstance(error, SlackApiError):  # Slack's answer says it all: no traceback
            log.warning("digest #%s %s not posted to %s (%s); retried later", subscription.id,
                        period.label(), channel, _reason(error))
        else:
            log.exception("digest #%s %s failed; retried later", subscription.id,
                          period.label())
        return Outcome(period, channel, "failed", subscription.id, error=_reason(error))
    if not record_digest_posted(db, run=run, channel_id=channel, message_ts=ts, at=clock.now()):
        log.warning("digest #%s %s posted but its claim was taken over", subscription.id,
                    period.label())
    if not scorecard:  # the scorecard has no chart
        upload_chart(client, channel=channel, thread_ts=ts, view=view, png=chart.png)
    return Outcome(period, channel, "posted", subscription.id, message_ts=ts)


def post_digest(client: WebClient, *, channel: str, view, run_id: int | None = None,
                message: dict | None = None) -> str:
    """Post the digest of `view` (or `message`, built from it elsewhere: the scorecard)."""
    message = message or digest_message(view)
    extra = {}
    if run_id is not None:
        extra["metadata"] = marked(EVENT_TYPE, run_id=run_id)
    posted = client.chat_postMessage(channel=channel, text=message["text"],
                                     blocks=message["blocks"], **extra)
    return posted["ts"]


class Chart:
    """The digest's chart, drawn by build_digest's on_days while its other figures are read."""

    def __init__(self, period: Period, timezone: str):
        self.period, self.timezone = period, timezone
        self.png: bytes | None = None

    def draw(self, days) -> None:
        try:
            self.png = digest_chart(days, title=chart_title(self.period), timezone=self.timezone)
        except Exception:  # noqa: BLE001 - the figures go out without it; upload_chart tries again
            log.exception("digest chart for %s not drawn", self.period.label())


def upload_chart(client: WebClient, *, channel: str, thread_ts: str, view,
                 png: bytes | None = None) -> bool:
    """The chart of `view` in the digest's thread; `png` when it was drawn already (Chart)."""
    title = chart_title(view.period)
    try:
        png = png or digest_chart(view.days, title=title, timezone=view.timezone)
        client.files_upload_v2(channel=channel, thread_ts=thread_ts, file=png,
                               filename=f"digest-{view.period.start.isoformat()}.png",
                               title=title, alt_txt=title)
        return True
    except SlackApiError as error:
        log.warning("digest chart not uploaded to %s: %s", channel, _reason(error))
        return False


def _reason(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error", error))
    return f"{type(error).__name__}: {error}"


# --- the command line (`orderdesk digest run`) ---


def run_digest_command(db: Database, client: WebClient, *, timezone: str,
                       subscription_id: int | None = None, kind: str | None = None,
                       channel: str | None = None, at: date | None = None,
                       now: datetime | None = None,
                       default_locale: str = i18n.ENGLISH) -> Outcome:
    """A subscription's period, through the claim (never posted twice), or an ad-hoc digest
    of `kind` to `channel` in the workspace zone and language (no claim: an extra copy on
    purpose)."""
    now = now or clock.now()
    if subscription_id is not None:
        sub = get_subscription(db, subscription_id=subscription_id)
        period = _pick_period(sub.period, at, sub.timezone, now)
        if period.end > local_date(now, sub.timezone):
            raise PeriodNotOver(period.label())
        outcome = run_subscription_digest(db, client, subscription=sub, period=period,
                                          claimed_by=f"cli:{clock_identity()}", now=now,
                                          default_locale=default_locale)
        if outcome.status == "skipped":
            raise DigestAlreadyPosted(sub.id, period.label())
        return outcome
    period = _pick_period(kind, at, timezone, now)
    chart = Chart(period, timezone)
    with i18n.using(default_locale):
        view = build_digest(db, period=period, timezone=timezone, now=now, on_days=chart.draw)
        ts = post_digest(client, channel=channel, view=view)
        upload_chart(client, channel=channel, thread_ts=ts, view=view, png=chart.png)
    return Outcome(period, channel, "posted", message_ts=ts)


def _pick_period(kind: str, at: date | None, timezone: str, now: datetime) -> Period:
    if at is not None:
        return period_containing(kind, at)
    return last_complete_period(kind, local_date(now, timezone))

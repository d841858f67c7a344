"""Claims: each subscription's period is posted exactly once, however many clocks run.

    run = claim_digest_run(db, subscription_id=3, period=p, claimed_by="host:123", at=now)
    ... build and post, with no transaction open ...
    record_digest_posted(db, run=run, channel_id="C0MGR", message_ts="123.456", at=now)
    record_digest_failed(db, run=run, at=now)      # retried after RETRY_AFTER

The claim is `INSERT ... ON CONFLICT DO NOTHING RETURNING id` on the (subscription_id,
period_start) unique key, committed before anything is posted: of several racing clocks
exactly one gets the id back (DESIGN.md, "Scheduling"). RETURNING is checked, never rowcount.
A failed claim is taken over after RETRY_AFTER, one left "claimed" by a crashed clock after
STALE_AFTER; a posted run is never claimed again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from store.db import Database
from store.enums import DigestRunStatus
from store.models import DigestRun
from store.periods import Period

RETRY_AFTER = timedelta(minutes=5)
STALE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class ClaimedRun:
    id: int
    subscription_id: int
    period: Period
    claimed_by: str
    retry: bool = False  # taken over from a failed or stale attempt


@dataclass(frozen=True)
class RunState:
    subscription_id: int
    period_start: date
    status: str
    claimed_at: datetime
    message_ts: str | None


def claim_digest_run(db: Database, *, subscription_id: int, period: Period, claimed_by: str,
                     at: datetime) -> ClaimedRun | None:
    """The run if this caller may post it now; None if another clock has it or it is posted."""
    insert = pg_insert if db.dialect == "postgresql" else sqlite_insert
    claim = (insert(DigestRun)
             .values(subscription_id=subscription_id, period_start=period.start,
                     period_end=period.last_day, status=DigestRunStatus.CLAIMED,
                     claimed_by=claimed_by, claimed_at=at)
             .on_conflict_do_nothing(index_elements=["subscription_id", "period_start"])
             .returning(DigestRun.id))
    retry = (update(DigestRun)
             .where(DigestRun.subscription_id == subscription_id,
                    DigestRun.period_start == period.start,
                    or_(and_(DigestRun.status == DigestRunStatus.FAILED,
                             DigestRun.claimed_at <= at - RETRY_AFTER),
                        and_(DigestRun.status == DigestRunStatus.CLAIMED,
                             DigestRun.claimed_at <= at - STALE_AFTER)))
             # The WHERE is re-checked under the row lock, so two takers cannot both win.
             .values(status=DigestRunStatus.CLAIMED, claimed_by=claimed_by, claimed_at=at)
             .returning(DigestRun.id))
    with db.write() as session:
        run_id = session.execute(claim).scalar_one_or_none()
        retried = run_id is None
        if retried:
            run_id = session.execute(retry).scalar_one_or_none()
    if run_id is None:
        return None
    return ClaimedRun(id=run_id, subscription_id=subscription_id, period=period,
                      claimed_by=claimed_by, retry=retried)


def record_digest_posted(db: Database, *, run: ClaimedRun, channel_id: str, message_ts: str,
                         at: datetime) -> bool:
    """Mark the run posted. False if the claim was lost meanwhile (taken over as stale)."""
    with db.write() as session:
        done = session.execute(
            update(DigestRun)
            .where(DigestRun.id == run.id, DigestRun.claimed_by == run.claimed_by,
                   DigestRun.status == DigestRunStatus.CLAIMED)
            .values(status=DigestRunStatus.POSTED, posted_at=at, channel_id=channel_id,
                    message_ts=message_ts)
            .returning(DigestRun.id)).scalar_one_or_none()
    return done is not None


def record_digest_failed(db: Database, *, run: ClaimedRun, at: datetime,
                         error: str | None = None) -> None:
    """Give the claim back for a later retry; claimed_at becomes the time of this attempt,
    and `error` (Slack's, e.g. not_in_channel) says why, for the admin's Home."""
    with db.write() as session:
        session.execute(
            update(DigestRun)
            .where(DigestRun.id == run.id, DigestRun.claimed_by == run.claimed_by,
                   DigestRun.status == DigestRunStatus.CLAIMED)
            .values(status=DigestRunStatus.FAILED, claimed_at=at,
                    error=(error or "")[:200] or None))


def run_states(db: Database, *, subscription_ids: Iterable[int], since: date
               ) -> dict[tuple[int, date], RunState]:
    """Known runs of these subscriptions from `since` on, by (subscription id, period start)."""
    ids = list(subscription_ids)
    if not ids:
        return {}
    with db.read() as session:
        rows = session.execute(
            select(DigestRun.subscription_id, DigestRun.period_start, DigestRun.status,
                   DigestRun.claimed_at, DigestRun.message_ts)
            .where(DigestRun.subscription_id.in_(ids), DigestRun.period_start >= since)).all()
    return {(sid, start): RunState(sid, start, str(getattr(status, "value", status)), claimed,
                                   ts)
            for sid, start, status, claimed, ts in rows}

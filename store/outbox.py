"""The outbox: Slack posts committed in the same transaction as the change that caused them.

A caller enqueues inside its own write transaction; a deliverer (jobs/outbox.py) later claims
pending rows, sends them, and records the result. If the process dies between commit and
post, the row is still pending and the next sweep sends it. A `dedupe_key` is unique, so a
replayed operation never queues the same post twice; claiming stamps a lease
(`next_attempt_at` in the future) inside a write transaction, so two deliverers never send
the same row at the same time.

`target` names the record a row is about, e.g. "discrepancy:42". Rows of one target are
delivered in order (a row waits while an older row of its target is pending), so a parent
post goes out before its updates and thread replies. When the target's kind is one of
POSTED_ON's records, the first sent row stores where it landed (channel, ts) on the record, in
the same transaction that marks the row sent: its updates and replies read it at send time.

Payloads are render requests, {"$render": kind, ...ids} (store.enums.PostKind): the
deliverer renders each from the record's current state at send time (jobs/renderers.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from store import clock
from store.db import MAX_ROW_ID, Database
from store.enums import OutboxStatus
from store.models import Approval, Discrepancy, Event, OutboxMessage

# A claimed row is leased for this long; a deliverer killed mid-send frees it after.
LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 50  # ~ hours of backoff before a row is marked dead
BACKOFF_CAP_S = 300

# A target's kind -> the record (by id) whose channel_id and message_ts keep where its first
# post landed. Data, not hooks: every record here has both columns.
POSTED_ON = {"discrepancy": Discrepancy, "approval": Approval}


@dataclass(frozen=True)
class OutboxItem:
    id: int
    method: str
    payload: dict
    target: str | None
    attempts: int


def enqueue(session: Session, *, method: str, payload: dict, dedupe_key: str | None = None,
            target: str | None = None) -> int | None:
    """Queue one Web API call inside the caller's write transaction.

    Returns the new row id, or None when a row with `dedupe_key` already exists (nothing
    queued). `payload` is the call's JSON arguments (channel, text, blocks, thread_ts...).
    """
    now = clock.now()
    values = dict(method=method, payload=payload, dedupe_key=dedupe_key, target=target,
                  status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now)
    if dedupe_key is None:
        row = OutboxMessage(**values)
        session.add(row)
        session.flush()
        return row.id
    make = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # RETURNING, not rowcount: psycopg 3 reports -1 for ON CONFLICT inserts (DESIGN.md).
    return session.execute(
        make(OutboxMessage).values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    ).scalar_one_or_none()


def claim_due(db: Database, *, limit: int = 20, now: datetime | None = None) -> list[OutboxItem]:
    """Lease up to `limit` due rows, oldest first, so no other deliverer takes them.

    A row whose target has an older pending row waits for it (per-target order)."""
    now = now or clock.now()
    older = aliased(OutboxMessage)
    blocked = exists().where(older.target == OutboxMessage.target,
                             older.status == OutboxStatus.PENDING, older.id < OutboxMessage.id)
    with db.write() as session:
        query = (select(OutboxMessage)
                 .where(OutboxMessage.status == OutboxStatus.PENDING,
                        OutboxMessage.next_attempt_at <= now, ~blocked)
                 .order_by(OutboxMessage.id).limit(limit))
        if db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        items = []
        for row in session.scalars(query):
            # The lease: next_attempt_at moves ahead, so the row is not due for anyone else.
            row.next_attempt_at = now + LEASE
            row.attempts += 1
            items.append(OutboxItem(row.id, row.method, dict(row.payload), row.target,
                                    row.attempts))
        return items


def mark_sent(db: Database, *, item_id: int, channel: str | None, ts: str | None) -> None:
    with db.write() as session:
        row = session.get(OutboxMessage, item_id)
        if row is None or row.status != OutboxStatus.PENDING:
            return
        row.status = OutboxStatus.SENT
        row.sent_at = clock.now()
        row.result_ts = ts
        row.last_error = None
        if row.target and ts and channel:
            _remember_where_posted(session, row.target, channel=channel, ts=ts)


def _remember_where_posted(session: Session, target: str, *, channel: str, ts: str) -> None:
    kind, _, record_id = target.partition(":")
    record = POSTED_ON.get(kind)
    if record is None:
        return
    # Core UPDATE, no version check, and only while unset (the first post, not its replies):
    # storing where the post landed must never fail, the post is out.
    session.execute(update(record).where(record.id == int(record_id),
                                         record.message_ts.is_(None))
                    .values(channel_id=channel, message_ts=ts))


def mark_failed(db: Database, *, item_id: int, error: str, retry_after_s: float | None = None,
                permanent: bool = False) -> None:
    """Schedule another attempt (Retry-After if Slack gave one, else backoff), or give up."""
    with db.write() as session:
        row = session.get(OutboxMessage, item_id)
        if row is None or row.status != OutboxStatus.PENDING:
            return
        row.last_error = error[:2000]
        if retry_after_s is not None and not permanent:
            # Rate-limited: Slack said when to come back, nothing failed. Not counted, so a
            # long rate limit neither kills the row nor inflates the backoff of a later 5xx.
            row.attempts = max(0, row.attempts - 1)
        if permanent or row.attempts >= MAX_ATTEMPTS:
            row.status = OutboxStatus.DEAD
            _record_undelivered(session, row, error)
            return
        delay = retry_after_s if retry_after_s is not None else min(
            BACKOFF_CAP_S, 0.5 * 2 ** min(row.attempts, 10))
        row.next_attempt_at = clock.now() + timedelta(seconds=delay)


_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def _record_undelivered(session: Session, row: OutboxMessage, error: str) -> None:
    """A DM Slack refused for good (no such user, a deactivated account): recorded on the
    order it was about, so the card and history show that person was not told."""
    payload = row.payload or {}
    user = str(payload.get("channel") or "")
    if row.method != "chat.postMessage" or not _USER_ID.match(user):
        return
    order_id = payload.get("order_id")
    kind, _, record_id = (row.target or "").partition(":")
    if order_id is None and kind == "notice" and record_id.isdecimal():
        order_id = int(record_id)
    if order_id is None and payload.get("discrepancy_id"):
        order_id = session.scalar(select(Discrepancy.order_id).where(
            Discrepancy.id == payload["discrepancy_id"]))
    if order_id is None:
        return
    session.add(Event(actor_id="system", kind="notice.undelivered", order_id=int(order_id),
                      at=clock.now(), summary=f"a DM to {user} could not be delivered "
                      f"({error.split()[-1] if error else 'refused'}); tell them another way"))


def pending_count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.status == OutboxStatus.PENDING))


def next_due_at(db: Database) -> datetime | None:
    with db.read() as session:
        return session.scalar(
            select(OutboxMessage.next_attempt_at)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .order_by(OutboxMessage.next_attempt_at).limit(1))


def release(db: Database, *, ids: list[int]) -> None:
    """Give leased rows back at once (a deliverer shutting down cleanly)."""
    if not ids:
        return
    with db.write() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING)
            .values(next_attempt_at=clock.now()))


@dataclass(frozen=True)
class DeadLetter:
    """A post Slack refused for good (channel_not_found, not_in_channel, is_archived...) or
    that failed MAX_ATTEMPTS times: kept, for an admin to see and send again."""

    id: int
    method: str
    kind: str          # the render request's kind, or the method
    channel: str | None
    error: str
    created_at: datetime
    attempts: int


def dead_letters(db: Database, *, limit: int = 15) -> tuple[list[DeadLetter], int]:
    """The newest dead posts, and how many there are."""
    with db.read() as session:
        dead = OutboxMessage.status == OutboxStatus.DEAD
        total = session.scalar(select(func.count()).select_from(OutboxMessage).where(dead))
        rows = session.scalars(select(OutboxMessage).where(dead)
                               .order_by(OutboxMessage.id.desc()).limit(limit))
        return [DeadLetter(id=r.id, method=r.method,
                           kind=str((r.payload or {}).get("$render") or r.method),
                           channel=(r.payload or {}).get("channel"),
                           error=r.last_error or "", created_at=r.created_at,
                           attempts=r.attempts) for r in rows], int(total or 0)


def retry_dead(db: Database, *, ids: list[int] | None = None) -> int:
    """Send dead posts again (all when `ids` is None): pending, due now, attempts reset.
    A chosen post brings back the dead posts queued after it about the same record (a
    parent's thread notes and card updates, parked because it never posted): they go out
    after it, in order. Returns how many."""
    with db.write() as session:
        where = [OutboxMessage.status == OutboxStatus.DEAD]
        if ids is not None:
            wanted, chosen = [i for i in ids if i <= MAX_ROW_ID], aliased(OutboxMessage)
            where.append(or_(OutboxMessage.id.in_(wanted), exists().where(
                chosen.id.in_(wanted), chosen.target == OutboxMessage.target,
                chosen.id < OutboxMessage.id)))
        result = session.execute(
            update(OutboxMessage).where(*where)
            .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=clock.now())
            .returning(OutboxMessage.id))
        return len(result.all())


__all__ = ["DeadLetter", "OutboxItem", "claim_due", "dead_letters", "enqueue", "mark_failed",
           "mark_sent", "next_due_at", "pending_count", "release", "retry_dead"]

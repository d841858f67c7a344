"""The Slack posts triage queues in the outbox, inside the caller's write transaction.

Payloads are render requests ({"$render": kind, ...ids}): the deliverer (jobs/outbox.py)
renders the record's current state at send time, so store/ never builds Block Kit. Every row
about one discrepancy carries target "discrepancy:<id>", and the outbox delivers rows of one
target in order: the parent post first (its channel and ts stored on the discrepancy when
sent, store.outbox.POSTED_ON), then its updates and thread notes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store import outbox
from store.enums import OutboxStatus, PostKind
from store.models import Counter, Discrepancy, OutboxMessage

POST, UPDATE = "chat.postMessage", "chat.update"


def target_of(discrepancy_id: int) -> str:
    return f"discrepancy:{discrepancy_id}"


def hour_bucket(now: datetime) -> str:
    """The UTC hour of `now`, as the counters and the queue's batch filter name it."""
    return now.astimezone(UTC).strftime("%y%m%d%H")


def post_parent(session: Session, discrepancy_id: int, channel_id: str) -> None:
    outbox.enqueue(session, method=POST, dedupe_key=f"triage-parent:{discrepancy_id}",
                   target=target_of(discrepancy_id),
                   payload={"$render": PostKind.TRIAGE_PARENT, "discrepancy_id": discrepancy_id,
                            "channel": channel_id})


def refresh_parent(session: Session, d: Discrepancy) -> None:
    """Queue a chat.update of the parent, unless one not yet picked up is already queued
    (it will render the state as it is when sent, so one is enough)."""
    if not d.channel_id:
        return  # batched or unrouted: no parent message to keep current
    target = target_of(d.id)
    waiting = session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.target == target, OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.attempts == 0, OutboxMessage.method == UPDATE).limit(1))
    if waiting is None:
        outbox.enqueue(session, method=UPDATE, target=target,
                       payload={"$render": PostKind.TRIAGE_PARENT, "discrepancy_id": d.id})


def thread_note(session: Session, d: Discrepancy, event_id: int) -> None:
    if d.channel_id:
        outbox.enqueue(session, method=POST, dedupe_key=f"triage-note:{event_id}",
                       target=target_of(d.id),
                       payload={"$render": PostKind.TRIAGE_NOTE, "discrepancy_id": d.id,
                                "event_id": event_id})


def rep_dm(session: Session, discrepancy_id: int, user_id: str, what: str) -> None:
    """`what`: flagged | resolved."""
    outbox.enqueue(session, method=POST, dedupe_key=f"triage-dm:{discrepancy_id}:{what}",
                   payload={"$render": PostKind.TRIAGE_REP_DM, "discrepancy_id": discrepancy_id,
                            "channel": user_id, "what": what})


def escalation(session: Session, d: Discrepancy, channel_id: str, event_id: int) -> None:
    outbox.enqueue(session, method=POST, dedupe_key=f"triage-escalation:{event_id}",
                   payload={"$render": PostKind.TRIAGE_ESCALATION, "discrepancy_id": d.id,
                            "channel": channel_id, "event_id": event_id})


def bump(session: Session, name: str, n: int) -> int:
    """Add n to a named counter (created at 0) and return the new value, atomically."""
    make = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = make(Counter).values(name=name, value=n)
    stmt = stmt.on_conflict_do_update(index_elements=["name"],
                                      set_={"value": Counter.__table__.c.value + n})
    return session.execute(stmt.returning(Counter.value)).scalar_one()


def batch_summary(session: Session, *, render: PostKind, channel: str, counter: str,
                  threshold: int, updates: bool = True) -> None:
    """One summary message per channel (or DM) per hour for the items past the threshold:
    posted once, then (with `updates`) kept current as more arrive."""
    target = f"batch:{counter}"
    payload = {"$render": render, "channel": channel, "counter": counter, "threshold": threshold}
    if outbox.enqueue(session, method=POST, dedupe_key=target, target=target,
                      payload=payload) is not None or not updates:
        return
    waiting = session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.target == target, OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.attempts == 0).limit(1))
    if waiting is None:
        outbox.enqueue(session, method=UPDATE, target=target, payload=payload)


def batch_message(session: Session, counter: str) -> tuple[str | None, int]:
    """(ts of the summary message if posted, the counter's value) for rendering a summary."""
    ts = session.scalar(select(OutboxMessage.result_ts).where(
        OutboxMessage.dedupe_key == f"batch:{counter}"))
    value = session.scalar(select(Counter.value).where(Counter.name == counter)) or 0
    return ts, value


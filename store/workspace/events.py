"""Answer each Slack event once, across processes: claim it in the database first.

Slack retries a delivery (X-Slack-Retry-Num) when it thinks we missed it, and sends a
channel @mention twice (app_mention and message, different event ids). A claim inserts the
event id, and the message's own key, into processed_events with INSERT ... ON CONFLICT DO
NOTHING RETURNING; whoever gets both rows back answers, everyone else stays quiet.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store import clock
from store.db import Database
from store.models import ProcessedEvent

KEY_LIMIT = 64  # processed_events.event_id is VARCHAR(64)


def message_key(channel_id: str, ts: str) -> str:
    """One message's identity, whichever event carried it."""
    return f"msg:{channel_id}:{ts}"[:KEY_LIMIT]


def claim_event(db: Database, *, event_id: str, message_key: str | None = None,
                now: datetime | None = None) -> bool:
    """True for the first caller only, per event id and per message key."""
    now = now or clock.now()
    with db.write() as session:
        won = _claim(session, db.dialect, event_id, now)
        if message_key is not None:
            # Both rows are inserted even when the first lost, so a retry of the twin event
            # also finds its id taken.
            won = _claim(session, db.dialect, message_key, now) and won
        return won


def _claim(session: Session, dialect: str, key: str, now: datetime) -> bool:
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    row = session.execute(
        insert(ProcessedEvent).values(event_id=key[:KEY_LIMIT], received_at=now)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(ProcessedEvent.event_id)  # RETURNING, not rowcount (DESIGN.md)
    ).scalar_one_or_none()
    return row is not None


def forget_events(db: Database, *, before: datetime) -> int:
    """Drop claims older than `before` (Slack stops retrying after minutes; a day is plenty)."""
    with db.write() as session:
        ids = session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.received_at < before)
            .returning(ProcessedEvent.event_id)).all()
        return len(ids)

"""Deliveries kept once per source, and each source's counts (what `orderdesk connect list`
shows). A delivery is claimed inside the write transaction that acts on it, so a retry that
races the first delivery waits for it and is then answered as a duplicate."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store import clock
from store.db import Database
from store.models import ConnectEvent, ConnectSource
from store.views.connect import SourceView

OUTCOMES = ("accepted", "refused", "duplicate")
SOURCES = ("shopify", "woocommerce", "tracking")


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def claim(session: Session, *, source: str, delivery_id: str, topic: str) -> dict | None:
    """None: this delivery is new and now claimed; else the answer given the first time."""
    stmt = (_insert(session)(ConnectEvent).on_conflict_do_nothing(
        index_elements=["source", "delivery_id"]).returning(ConnectEvent.id))
    new = session.execute(stmt, [{"source": source, "delivery_id": delivery_id[:200],
                                  "topic": topic[:64], "result": {},
                                  "received_at": clock.now()}]).first()
    if new is not None:
        return None
    return session.scalar(select(ConnectEvent.result).where(
        ConnectEvent.source == source, ConnectEvent.delivery_id == delivery_id[:200])) or {}


def seen(session: Session, *, source: str, delivery_id: str) -> bool:
    """Whether this delivery id (or a marker kept under one) was claimed before."""
    return session.scalar(select(ConnectEvent.id).where(
        ConnectEvent.source == source, ConnectEvent.delivery_id == delivery_id[:200])) is not None


def remember(session: Session, *, source: str, delivery_id: str, result: dict) -> None:
    session.execute(update(ConnectEvent).where(
        ConnectEvent.source == source, ConnectEvent.delivery_id == delivery_id[:200])
        .values(result=result))


def count(session: Session, source: str, outcome: str, error: str | None = None) -> None:
    session.execute(_insert(session)(ConnectSource).on_conflict_do_nothing(
        index_elements=["source"]), [{"source": source, "accepted": 0, "refused": 0,
                                      "duplicate": 0}])
    column = getattr(ConnectSource, outcome)
    values = {outcome: column + 1, "last_event_at": clock.now()}
    if error:
        values |= {"last_error": error[:500], "last_error_at": clock.now()}
    session.execute(update(ConnectSource).where(ConnectSource.source == source).values(values))


def record_refusal(db: Database, *, source: str, error: str) -> None:
    """A delivery refused before it was read (bad signature, not JSON, no such field): counted
    in a transaction of its own, nothing else stored."""
    with db.write() as session:
        count(session, source, "refused", error)


def list_sources(db: Database) -> tuple[SourceView, ...]:
    """Every source, those never heard from with zero counts."""
    with db.read() as session:
        rows = {r.source: r for r in session.scalars(select(ConnectSource))}
    return tuple(
        SourceView(name, r.accepted, r.refused, r.duplicate, r.last_event_at, r.last_error,
                   r.last_error_at) if (r := rows.get(name)) is not None
        else SourceView(name, 0, 0, 0, None, None, None)
        for name in sorted({*SOURCES, *rows}, key=lambda n: (n not in SOURCES, n)))

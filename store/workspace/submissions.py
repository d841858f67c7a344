"""Each modal submission changes things once, however often it is delivered.

A double click on Submit, or Slack's client sending it again after a late ack, delivers the
same view_submission twice. Every modal carries a token (handlers put it in private_metadata
when the modal opens); `submit_once` claims the token in the write transaction that makes the
change, and stores the answer given with it. A repeat finds the token taken and gets that
answer back, writing nothing. Concurrent deliveries queue on the claim (SQLite's one writer;
PostgreSQL's unique index waits for the first transaction) and see the first one's outcome:
its answer when it committed, the field for a retry when it rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store import clock
from store.db import Database
from store.models import Submission

R = TypeVar("R")
TOKEN_LIMIT = 64  # submissions.token is VARCHAR(64)


@dataclass(frozen=True)
class Submitted(Generic[R]):
    """`result` is the work's result, None when this delivery is a repeat (nothing ran);
    `answer` is what the first delivery answered, the same both times."""

    result: R | None
    answer: dict

    @property
    def repeat(self) -> bool:
        return self.result is None


def submit_once(db: Database, *, token: str | None, kind: str, actor: str,
                work: Callable[[], R], answer: Callable[[R], dict]) -> Submitted[R]:
    """Run `work` (a store operation: its write joins this one) unless `token` was submitted
    before; `answer(result)` is stored with the token. Without a token, just run it."""
    if not token:
        result = work()
        return Submitted(result, answer(result))
    token = token[:TOKEN_LIMIT]
    with db.write() as session:
        stored = _claim(session, db.dialect, token, kind, actor)
        if stored is not None:
            return Submitted(None, stored)
        result = work()
        said = answer(result)
        session.execute(update(Submission).where(Submission.token == token).values(result=said))
        return Submitted(result, said)


def _claim(session: Session, dialect: str, token: str, kind: str, actor: str) -> dict | None:
    """None when this delivery claimed the token; else what the first one answered."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    won = session.execute(
        insert(Submission).values(token=token, kind=kind, actor_id=actor, result={},
                                  created_at=clock.now())
        .on_conflict_do_nothing(index_elements=["token"])
        .returning(Submission.token)  # RETURNING, not rowcount (DESIGN.md)
    ).scalar_one_or_none()
    if won is not None:
        return None
    return session.scalar(select(Submission.result).where(Submission.token == token))


def forget_submissions(db: Database, *, before: datetime) -> int:
    """Drop tokens older than `before` (a modal is submitted within hours; a week is plenty)."""
    with db.write() as session:
        return len(session.execute(delete(Submission).where(Submission.created_at < before)
                                   .returning(Submission.token)).all())

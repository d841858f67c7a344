"""Human-facing numbers (order refs, RMAs) from the counters table, on both databases.

The counter row is bumped with UPDATE ... RETURNING inside the caller's transaction, so two
transactions never get the same number: PostgreSQL holds the row lock until commit, and
SQLite writes are serialised by BEGIN IMMEDIATE. Numbers already taken (an import, a seed, a
hand-made ref) are skipped.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute, Session

from store.models import Counter, Order, Return

ORDER_COUNTER = "order_ref"
RMA_COUNTER = "rma"
ORDER_START = 100_000  # first ref handed out is SO-100001
RMA_START = 1_000


def next_ref(session: Session, prefix: str = "SO-") -> str:
    """The next free order ref, e.g. 'SO-100001'."""
    return _next(session, ORDER_COUNTER, prefix, Order.ref, ORDER_START)


def next_rma(session: Session, prefix: str = "RMA-") -> str:
    """The next free return number, e.g. 'RMA-1001'."""
    return _next(session, RMA_COUNTER, prefix, Return.rma, RMA_START)


def _next(session: Session, name: str, prefix: str, column: InstrumentedAttribute,
          start: int) -> str:
    _ensure_counter(session, name, prefix, column, start)
    while True:
        value = session.execute(
            update(Counter).where(Counter.name == name)
            .values(value=Counter.value + 1).returning(Counter.value)
        ).scalar_one()
        candidate = f"{prefix}{value}"
        if session.execute(select(column).where(column == candidate)).first() is None:
            return candidate


def _ensure_counter(session: Session, name: str, prefix: str, column, start: int) -> None:
    """Create the counter on first use, starting past the highest number already taken."""
    if session.get(Counter, name) is not None:
        return
    begin = max(start, _highest_taken(session, prefix, column))
    dialect = session.get_bind().dialect.name
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(make(Counter).values(name=name, value=begin).on_conflict_do_nothing())


def _highest_taken(session: Session, prefix: str, column) -> int:
    # Longest, then greatest string: the biggest number among refs of the form prefix+digits.
    rows = session.execute(
        select(column).where(column.startswith(prefix, autoescape=True))
        .order_by(func.length(column).desc(), column.desc()).limit(50)
    ).scalars()
    numbers = [int(r[len(prefix):]) for r in rows if r[len(prefix):].isdigit()]
    return max(numbers, default=0)


def set_counter(session: Session, name: str, value: int) -> None:
    """Move a counter to at least `value` (used after bulk loads that pick numbers themselves)."""
    current = session.get(Counter, name)
    if current is None:
        dialect = session.get_bind().dialect.name
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        session.execute(make(Counter).values(name=name, value=value).on_conflict_do_nothing())
    elif current.value < value:
        current.value = value

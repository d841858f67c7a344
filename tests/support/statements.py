"""Counting what a database is asked: SQL statements and transactions, for tests that pin
the cost of a hot path so it cannot silently grow."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, event

_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@dataclass
class Statements:
    sql: list[str] = field(default_factory=list)
    transactions: int = 0


@contextmanager
def counting(engine: Engine) -> Iterator[Statements]:
    """Statements (transaction control left out: SQLite sends BEGIN as SQL) and transactions
    the engine runs inside the block, on any thread."""
    seen = Statements()

    def on_statement(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(_CONTROL):
            seen.sql.append(" ".join(statement.split()))

    def on_begin(_conn):
        seen.transactions += 1

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "begin", on_begin)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "begin", on_begin)

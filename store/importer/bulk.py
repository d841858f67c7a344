"""Bulk inserts that stay fast on both databases: COPY on PostgreSQL (psycopg's executemany
sends one statement per row, and SQLAlchemy's multi-VALUES statements cost seconds to parse),
plain executemany on SQLite. Ids are allocated up front, so no RETURNING is needed."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from enum import Enum

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def refresh_statistics(db, tables: Sequence[Table]) -> None:
    """ANALYZE on PostgreSQL, so the planner keeps using the indexes while a big import grows
    tables from empty (autovacuum may lag or be off). SQLite's planner needs no statistics
    to pick these indexes, so nothing is done there."""
    if db.is_sqlite:
        return
    with db.write() as session:
        session.execute(text("ANALYZE " + ", ".join(f'"{t.name}"' for t in tables)))


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` fresh primary keys for `table`, safe against concurrent writers: PostgreSQL
    draws them from the table's sequence; SQLite writes are serialised by BEGIN IMMEDIATE,
    so max(id) + 1 ... is ours until commit."""
    if is_postgres(session):
        rows = session.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('\"{table.name}\"', 'id')) "
            "FROM generate_series(1, :n)"), {"n": count}).scalars()
        return list(rows)
    start = (session.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    return list(range(start, start + count))


def insert_rows(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert dicts that all have the same keys (every column the table needs)."""
    if not rows:
        return
    if not is_postgres(session):
        _sqlite_insert(session, table, rows)
        return
    columns = list(rows[0])
    # Convert only the columns that need it (enums, JSON); judged by the first row, since
    # every row of one insert carries the same kinds of values.
    special = {c for c in columns if isinstance(rows[0][c], Enum | list | dict)}
    if not special:
        copy_rows(session, table.name, columns, ([row[c] for c in columns] for row in rows))
        return
    copy_rows(session, table.name, columns, (
        [_pg(row[c]) if c in special else row[c] for c in columns] for row in rows))


def _sqlite_insert(session: Session, table: Table, rows: list[dict]) -> None:
    """executemany of plain tuples, each value through its column type's own bind processor
    (what Core would store): Core's per-row parameter building cost more than the insert."""
    columns = list(rows[0])
    dialect = session.get_bind().dialect
    convert = [(c, table.c[c].type.dialect_impl(dialect).bind_processor(dialect))
               for c in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    session.connection().exec_driver_sql(sql, [
        tuple(row[c] if p is None else p(row[c]) for c, p in convert)
        for row in rows])


def copy_rows(session: Session, table_name: str, columns: Sequence[str],
              rows: Iterable[Sequence]) -> None:
    """COPY rows into a PostgreSQL table inside the session's transaction."""
    raw = session.connection().connection.dbapi_connection
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table_name}" ({names}) FROM STDIN') as copy:
        write = copy.write_row
        for row in rows:
            write(row)


def _pg(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value

"""Secondary indexes (and, on PostgreSQL, foreign keys) set aside during the seed's bulk load
and built once after it.

Building an index over loaded rows (one sort) costs far less than keeping it in step with
every inserted row, and the seed only ever fills an empty database, so nothing reads these
tables meanwhile. Primary keys and constraint-backed indexes stay; the others are dropped
and re-created from their own stored DDL (sqlite_master.sql, pg_indexes.indexdef), exactly as
they were, even when the load fails.

PostgreSQL checks a foreign key with a trigger and a lookup per inserted row; adding the
constraint back after the load checks every row in one join instead, and fails as the load
would have if a row had no parent. (SQLite's per-row check is a cheap B-tree probe: measured
at ~0.6 of 12 CPU-s at 100k orders, so it stays on there.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import bindparam, text

from store.db import Database

_SQLITE = text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
               "AND tbl_name IN :tables ORDER BY name").bindparams(
    bindparam("tables", expanding=True))
_POSTGRES = text(
    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
    "AND i.tablename IN :tables AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid "
    "= format('%I.%I', i.schemaname, i.indexname)::regclass) ORDER BY i.indexname").bindparams(
    bindparam("tables", expanding=True))
_FOREIGN_KEYS = text(
    "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
    "JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'f' "
    "AND t.relnamespace = current_schema()::regnamespace AND t.relname IN :tables "
    "ORDER BY t.relname, c.conname").bindparams(
    bindparam("tables", expanding=True))


@contextmanager
def indexes_deferred(db: Database, tables: Sequence[str]) -> Iterator[None]:
    with db.write() as session:
        found = session.execute(_SQLITE if db.is_sqlite else _POSTGRES,
                                {"tables": list(tables)}).all()
        keys = [] if db.is_sqlite else session.execute(
            _FOREIGN_KEYS, {"tables": list(tables)}).all()
        for table, name, _ in keys:
            session.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'))
        for name, _ in found:
            session.execute(text(f'DROP INDEX "{name}"'))
    try:
        yield
    finally:
        with db.write() as session:
            for _, ddl in found:
                session.execute(text(ddl))
            for table, name, ddl in keys:
                session.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {ddl}'))

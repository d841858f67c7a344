"""Secondary indexes set aside during the seed's bulk load and built once after it.

Building an index over loaded rows (one sort) costs far less than keeping it in step with
every inserted row, and the seed only ever fills an empty database, so nothing reads these
tables meanwhile. Primary keys and constraint-backed indexes stay; the others are dropped
and re-created from their own stored DDL (sqlite_master.sql, pg_indexes.indexdef), exactly as
they were, even when the load fails.
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


@contextmanager
def indexes_deferred(db: Database, tables: Sequence[str]) -> Iterator[None]:
    with db.write() as session:
        found = session.execute(_SQLITE if db.is_sqlite else _POSTGRES,
                                {"tables": list(tables)}).all()
        for name, _ in found:
            session.execute(text(f'DROP INDEX "{name}"'))
    try:
        yield
    finally:
        with db.write() as session:
            for _, ddl in found:
                session.execute(text(ddl))

"""Which indexes a database has, read from its own catalog, and which the models describe for
it: SQLAlchemy cannot read an index on an expression back from SQLite (it warns and skips it),
and Alembic does not know Index.ddl_if (an index built on one database only)."""

from __future__ import annotations

from sqlalchemy import Index, Table, text
from sqlalchemy.engine import Connection


def built_on(index: Index, dialect: str) -> bool:
    """Whether create_all builds `index` on `dialect` (Index.ddl_if keeps its DDLIf here)."""
    return index._ddl_if is None or index._ddl_if.dialect in (None, dialect)


def described_indexes(table: Table, dialect: str) -> set[str]:
    return {index.name for index in table.indexes if built_on(index, dialect)}


def index_definitions(conn: Connection, table: str) -> dict[str, str]:
    """{name: the statement that built it} of `table`'s indexes (SQLite's own, behind its
    constraints, have none and are left out)."""
    if conn.dialect.name == "sqlite":
        return dict(conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
            "AND sql IS NOT NULL"), {"t": table}).all())
    return dict(conn.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = :t"), {"t": table}).all())

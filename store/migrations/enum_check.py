"""Changing the allowed values of an enum column (store.models.base.enum_column: a VARCHAR
with a CHECK of the values, on both databases). The CHECK is rebuilt: in place on PostgreSQL,
by a table copy on SQLite (batch mode)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def _enum(name: str, values) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def change_enum_values(table: str, column: str, enum_name: str, before, after) -> None:
    """Allow `after` instead of `before`. Rows holding a value that `after` drops are deleted
    first (only a downgrade drops values: what it removes never existed before the upgrade)."""
    dropped = [v for v in before if v not in after]
    if dropped:
        op.execute(sa.table(table, sa.column(column)).delete()
                   .where(sa.column(column).in_(dropped)))
    with op.batch_alter_table(table, recreate="auto") as batch:
        batch.alter_column(column, existing_type=_enum(enum_name, before),
                           type_=_enum(enum_name, after), existing_nullable=False)

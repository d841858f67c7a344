"""Statement pieces the checks' bulk reads share."""

from __future__ import annotations

from sqlalchemy import any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session


def among(session: Session, column, values):
    """`column IN values`; on PostgreSQL as `= ANY(one array parameter)`: psycopg re-parses
    a query with hundreds of placeholders on every execution (it caches only short ones),
    which cost the import more than running the query did."""
    values = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)

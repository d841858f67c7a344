"""Bulk loading for the seed: plain tuples straight into the driver, no ORM, no per-row binds.

SQLite gets `executemany` on the raw sqlite3 connection; PostgreSQL gets COPY (psycopg's
cursor.copy), roughly ten times faster than INSERTs there. Both run inside the caller's
transaction. Rows use explicit ids, so nothing needs RETURNING; on PostgreSQL the id
sequences are moved past them afterwards.

Values the generator hands in: int, str, None, bool, ISO date strings, and timestamps as
integer Unix seconds (UTC) in the columns named in `timestamps`, formatted here per database
exactly as store.types.UTCDateTime would store them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cache

from sqlalchemy import Table, text
from sqlalchemy.orm import Session

from store.importer import copy_rows

_EPOCH_DATE = date(1970, 1, 1)


class BulkWriter:
    def __init__(self, session: Session):
        self.session = session
        connection = session.connection()
        self.postgres = connection.dialect.name == "postgresql"
        self.raw = connection.connection.dbapi_connection
        self._day_text: dict[int, str] = {}
        self._clock = _clock("+00" if self.postgres else ".000000")
        self.rows_written = 0

    def ts(self, seconds: int | None) -> str | None:
        """Unix seconds -> the text each database reads back as that UTC instant."""
        if seconds is None:
            return None
        day, rest = divmod(seconds, 86_400)
        day_text = self._day_text.get(day)
        if day_text is None:
            day_text = self._day_text[day] = f"{_EPOCH_DATE + timedelta(days=day)} "
        return day_text + self._clock[rest]

    def insert(self, table: Table, columns: Sequence[str], rows: list[tuple],
               timestamps: Sequence[str] = ()) -> None:
        if not rows:
            return
        if timestamps:
            rows = self._format_times(columns, rows, timestamps)
        if self.postgres:
            self._copy(table, columns, rows)
        else:
            marks = ", ".join("?" for _ in columns)
            self.raw.executemany(
                f'INSERT INTO "{table.name}" ({_names(columns)}) VALUES ({marks})', rows
            )
        self.rows_written += len(rows)

    def _format_times(self, columns, rows, timestamps) -> list[tuple]:
        at = [columns.index(c) for c in timestamps]
        ts = self.ts
        out = []
        for row in rows:
            row = list(row)
            for i in at:
                row[i] = ts(row[i])
            out.append(tuple(row))
        return out

    def _copy(self, table: Table, columns, rows) -> None:
        copy_rows(self.session, table.name, columns, rows)


@cache
def _clock(suffix: str) -> tuple[str, ...]:
    """Every second of a day as "HH:MM:SS" + suffix: a lookup instead of formatting three
    numbers for each of the ~5 million timestamps of a 1M-order seed. SQLite: UTCDateTime
    stores naive UTC in SQLAlchemy's format; PostgreSQL: the text says "UTC"."""
    return tuple(f"{h:02d}:{m:02d}:{s:02d}{suffix}"
                 for h in range(24) for m in range(60) for s in range(60))


def _names(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def advance_sequences(session: Session, tables: Sequence[Table]) -> None:
    """After explicit-id loads on PostgreSQL, make the next ORM insert get max(id) + 1."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
        ))


def epoch(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp())

"""Engines and transactions.

SQLite on a shared file needs three things, measured in DESIGN.md: WAL, busy_timeout
set before anything else, and BEGIN IMMEDIATE for writes (a deferred BEGIN that later
writes fails with "database is locked" instead of waiting). PostgreSQL needs none of it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import Engine, any_, bindparam, create_engine, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DataError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from store.errors import OutOfRange

SQLITE_BUSY_TIMEOUT_MS = 30_000
# The largest id a row can have (64-bit keys): a longer number typed for an id names no row,
# and compared with the column it would be an overflow, not a "no such" answer.
MAX_ROW_ID = 2**63 - 1
# A pooled PostgreSQL connection is pinged before use only when it sat unused this long
# (HikariCP's aliveBypassWindowMs, 500 ms by default): under traffic connections come back
# within milliseconds, and a ping per checkout was a round trip on every request.
PING_AFTER_IDLE_S = 0.5
_BEGIN_OPTION = "orderdesk_sqlite_begin"


# The database went away (restart, failover, network): the transaction rolled back, so the
# person is told to try again rather than handed an "unexpected error" reference.
DATABASE_DOWN = (OperationalError, InterfaceError)

def sqlite_url_for(data_dir: str | os.PathLike, *, name: str = "orderdesk.sqlite3") -> str:
    path = Path(data_dir).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / name}"


def normalise_url(url: str) -> str:
    """Accept the postgres:// and postgresql:// URLs platforms hand out; use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, **kwargs) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """A connection that sat in the pool may have been closed under us (a restart, a failover,
    an idle timeout): ping it first, and take a fresh one if it is gone. One used a moment ago
    is not pinged (PING_AFTER_IDLE_S); if the server went away in that moment, the request
    gets DATABASE_DOWN's "try again" and the pool replaces every connection it had."""
    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection, record) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection, record, _proxy) -> None:
        returned_at = record.info.get("returned_at")  # none yet: connected just now
        if returned_at is None or time.monotonic() - returned_at < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as gone:
            raise DisconnectionError() from gone  # the pool connects afresh and retries


def _sqlite_engine(url: str, **kwargs) -> Engine:
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    connect_args = {"check_same_thread": False}
    if in_memory:
        # Bolt runs listeners on worker threads: one shared connection or they see no tables.
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        # Hand transaction control to us (the "begin" hook below) instead of pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        mode = conn.get_execution_options().get(_BEGIN_OPTION)
        if mode is None:
            # A read's BEGIN DEFERRED takes no lock, so it cannot wait or fail busy: straight
            # to the driver, without SQLAlchemy's statement path (~20 of a read transaction's
            # ~80 µs CPU). A write's BEGIN IMMEDIATE can time out busy, so it keeps the error
            # wrapping (DATABASE_DOWN catches OperationalError).
            conn.connection.driver_connection.execute("BEGIN DEFERRED")
        else:
            conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    """One engine, two kinds of transaction: `read()` and `write()`.

    Each store operation opens exactly one of these and closes it before
    returning, so no caller ever holds a transaction across a Slack API call.
    A `read()` opened inside another on the same thread joins it, so a handler can make
    its role check and its lookup one transaction (one checkout, BEGIN and COMMIT).
    A `write()` opened inside another joins it too: a modal's change and the record that it
    was made (store.workspace.submit_once) commit together or not at all.
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        # Sessions know their Database: caches of what is stored (store.refs) are per Database,
        # since tests empty one engine's tables between Databases.
        self._reader = sessionmaker(bind=engine, expire_on_commit=False, info={"database": self})
        # PostgreSQL reads whose statements need not share a transaction: no BEGIN, no COMMIT
        # (read(one_transaction=False)). Autocommit is a flag on the driver's connection, set at
        # checkout and reset when the connection goes back to the pool: no round trip either.
        self._lone_reader = self._reader if self.is_sqlite else sessionmaker(
            bind=engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False,
            info={"database": self})
        writer_bind = engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._writer = sessionmaker(bind=writer_bind, expire_on_commit=False,
                                    info={"database": self})
        self._open_read: ContextVar[Session | None] = ContextVar(f"read_{id(self)}", default=None)
        self._open_write: ContextVar[Session | None] = ContextVar(f"write_{id(self)}",
                                                                  default=None)
        # The digest's per-order facts follow every ORM write of their inputs (one place,
        # so no writer can forget); imported here because store.models imports nothing of db.
        from store.facts import track_order_facts

        track_order_facts(self._writer)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def read(self, *, one_transaction: bool = True) -> Iterator[Session]:
        """A read-only session; a read opened inside it on this thread joins it.

        `one_transaction=False`: the caller's statements (and those of every read joining it)
        need not run in one transaction: none writes, none takes a lock (FOR UPDATE, SET LOCAL)
        or needs a server-side cursor (yield_per), none needs the snapshot of another. On
        PostgreSQL they then run without BEGIN and COMMIT, two round trips of a request's
        five or six. The answers are the same: at READ COMMITTED, PostgreSQL's default and
        ours, every statement in a transaction takes its own snapshot anyway, so a read-only
        transaction gives its statements nothing that running alone does not. (A REPEATABLE
        READ transaction would; none is used.) On SQLite nothing changes: a read transaction
        there is one snapshot for all its statements, and BEGIN costs no round trip."""
        joined = self._open_read.get()
        if joined is not None:
            yield joined
            return
        reader = self._reader if one_transaction else self._lone_reader
        with _out_of_range(), reader() as session, session.begin():
            token = self._open_read.set(session)
            try:
                yield session
            finally:
                self._open_read.reset(token)

    @contextmanager
    def write(self) -> Iterator[Session]:
        joined = self._open_write.get()
        if joined is not None:
            yield joined  # the outer write commits (or rolls back) for both
            return
        with _out_of_range(), self._writer() as session, session.begin():
            token = self._open_write.set(session)
            try:
                yield session
            finally:
                self._open_write.reset(token)

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _out_of_range() -> Iterator[None]:
    """A number too large for a 64-bit column or sum is bad data, not an outage: SQLite says
    "integer overflow" as an OperationalError (which DATABASE_DOWN would catch), PostgreSQL
    raises numeric_value_out_of_range (22003), the sqlite3 driver an OverflowError."""
    try:
        yield
    except OperationalError as err:
        if "integer overflow" not in str(err.orig):
            raise
        raise OutOfRange() from err
    except DataError as err:
        if getattr(err.orig, "sqlstate", None) != "22003":
            raise
        raise OutOfRange() from err
    except OverflowError as err:
        raise OutOfRange() from err


def open_database(url: str, **engine_kwargs) -> Database:
    return Database(make_engine(url, **engine_kwargs))


def among(session: Session, column, values):
    """`column IN values`; on PostgreSQL as `= ANY(one array parameter)`: psycopg re-parses
    a query with hundreds of placeholders on every execution (it caches only short ones),
    which cost the import more than running the query did, and a typo'd ref's ~750
    one-typo neighbours 8-10 ms of CPU where the array takes 2.5-3."""
    values = list(values)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)

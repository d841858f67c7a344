"""PostgreSQL: a pooled connection that sat unused is pinged before use, and replaced when the
server closed it meanwhile; one used a moment ago is not (no round trip per request)."""

import pytest
from sqlalchemy import text

from store import db as store_db
from store.db import DATABASE_DOWN, make_engine


@pytest.fixture
def engine(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to go away")
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _backend_of(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT pg_backend_pid()"))


def _terminate(engine, pid: int) -> None:
    """Close the pooled connection from the server's side, as a restart or failover does."""
    killer = make_engine(engine.url.render_as_string(hide_password=False), poolclass=None)
    with killer.connect() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


def test_a_connection_closed_while_it_sat_idle_is_replaced_before_use(engine, monkeypatch):
    monkeypatch.setattr(store_db, "PING_AFTER_IDLE_S", 0.0)  # every connection has sat "long"
    first = _backend_of(engine)
    _terminate(engine, first)
    assert _backend_of(engine) != first  # the ping found it gone; no error reached us


def test_a_connection_used_a_moment_ago_goes_unpinged(engine, monkeypatch):
    monkeypatch.setattr(store_db, "PING_AFTER_IDLE_S", 3600.0)
    first = _backend_of(engine)
    _terminate(engine, first)
    # Not pinged: the statement meets the closed connection, and is answered "try again"
    # (handlers/kit/errors.py) ...
    with pytest.raises(DATABASE_DOWN), engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    # ... and the pool has let go of it: the next one works.
    assert _backend_of(engine) != first


def test_only_a_connection_that_sat_idle_is_pinged(engine, monkeypatch):
    pings = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))
    monkeypatch.setattr(store_db, "PING_AFTER_IDLE_S", 3600.0)
    for _ in range(3):
        _backend_of(engine)
    assert pings == []  # back-to-back requests: no round trip for a ping
    monkeypatch.setattr(store_db, "PING_AFTER_IDLE_S", 0.0)
    _backend_of(engine)
    assert pings == [1]

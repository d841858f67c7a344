"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when
ORDERDESK_TEST_DATABASE_URL names a server (`.ci/run` runs it both ways)."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from store import clock
from store.clock import SetClock
from store.db import Database, make_engine, normalise_url
from store.models import Base
from tests.support.clock import TEST_NOW

PG_URL = os.environ.get("ORDERDESK_TEST_DATABASE_URL", "")


def pytest_report_header(config):
    return f"orderdesk clock: tests start at {TEST_NOW.isoformat()} (ORDERDESK_TEST_NOW)"


@pytest.fixture(autouse=True)
def set_clock():
    """Every test runs on the one clock, starting at TEST_NOW and ticking on in real time.
    A test about a particular moment sets it (`set_clock.set(...)`, `.freeze()`)."""
    test_clock = SetClock(TEST_NOW)
    previous = clock.install(test_clock)
    yield test_clock
    clock.install(previous)


def _is_postgres() -> bool:
    return PG_URL.startswith(("postgres", "postgresql"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A URL for a fresh, empty database for this test session."""
    if _is_postgres():
        return normalise_url(PG_URL)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'session.sqlite3'}"


@pytest.fixture(scope="session")
def _schema_engine(database_url):
    engine = make_engine(database_url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db(_schema_engine, tmp_path) -> Database:
    """A Database with the current schema and no rows, on SQLite or PostgreSQL."""
    if _schema_engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with _schema_engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        yield Database(_schema_engine)
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'orderdesk.sqlite3'}")
    Base.metadata.create_all(engine)
    database = Database(engine)
    yield database
    engine.dispose()

"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when
ORDERDESK_TEST_DATABASE_URL names a server (`.ci/run` runs it both ways)."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import OperationalError

import sandbox.acting
from store import clock
from store.clock import SetClock
from store.db import Database, make_engine, normalise_url
from store.models import Base
from tests.support.clock import TEST_NOW

PG_URL = os.environ.get("ORDERDESK_TEST_DATABASE_URL", "")
# Fixtures shared across folders live with their builders in tests/support/.
pytest_plugins = [
    "tests.support.stack",          # stack, desk: sandbox + app over HTTP, the small desk
    "tests.support.fulfilment",     # ful: the stack on the fulfilment desk
    "tests.support.triage",         # triage: the stack on the triage desk
    "tests.support.triage_checks",  # imported: the triage desk with its problem orders
    "tests.support.threads_desk",   # frozen_clock, tstack: the threads desk on its own day
    "tests.support.threads",        # outcomes: the threads feature's logged outcomes
    "tests.support.intake",         # intake: the stack with an intake secret
    "tests.support.connect",        # connect: the stack with the webhook secrets, signed POSTs
    "tests.support.journeys",       # journey: the stack on a desk imported from CSV
    "tests.support.smtp",           # smtp_server: a real SMTP server (aiosmtpd) on a free port
]


def pytest_report_header(config):
    return f"orderdesk clock: tests start at {TEST_NOW.isoformat()} (ORDERDESK_TEST_NOW)"


@pytest.fixture
def sb():
    """A started Slack sandbox (tests/sandbox/ has its own, signing its requests)."""
    from sandbox import SlackSandbox

    box = SlackSandbox().start()
    yield box
    box.stop()


@pytest.fixture(autouse=True)
def set_clock():
    """Every test runs on the one clock, starting at TEST_NOW and ticking on in real time.
    A test about a particular moment sets it (`set_clock.set(...)`, `.freeze()`)."""
    test_clock = SetClock(TEST_NOW)
    previous = clock.install(test_clock)
    yield test_clock
    clock.install(previous)


@pytest.fixture(autouse=True)
def patient_console(monkeypatch):
    """The console waits two seconds for the app's background work, enough at a desk; on a
    loaded test machine a Home publish can take longer, and the console would print nothing."""
    monkeypatch.setattr(sandbox.acting, "SETTLE_S", 30.0)


def _is_postgres() -> bool:
    return PG_URL.startswith(("postgres", "postgresql"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    """A URL for a fresh, empty database for this test session. Under pytest-xdist each
    worker gets a PostgreSQL database of its own (`<name>_gw0`, …), created when missing."""
    if _is_postgres():
        url = make_url(normalise_url(PG_URL))
        if worker_id != "master":
            url = url.set(database=f"{url.database}_{worker_id}")
            _create_database(url)
        return url.render_as_string(hide_password=False)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'session.sqlite3'}"


def _create_database(url) -> None:
    engine = make_engine(url.set(database="postgres").render_as_string(hide_password=False),
                         isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                       {"n": url.database}) is None:
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    engine.dispose()


@pytest.fixture(scope="session")
def _schema_engine(database_url):
    engine = make_engine(database_url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _truncate(engine, names: str, attempts: int = 5) -> None:
    """Empty every table. A previous test's last background post (an outbox worker finishing)
    may still hold a table: PostgreSQL then picks the TRUNCATE as the deadlock victim, so
    try again once that post is done."""
    for attempt in range(attempts):
        try:
            with engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        except OperationalError as err:
            if "deadlock" not in str(err) or attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


@pytest.fixture
def db(_schema_engine, tmp_path) -> Database:
    """A Database with the current schema and no rows, on SQLite or PostgreSQL."""
    if _schema_engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        _truncate(_schema_engine, names)
        yield Database(_schema_engine)
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'orderdesk.sqlite3'}")
    Base.metadata.create_all(engine)
    database = Database(engine)
    yield database
    engine.dispose()

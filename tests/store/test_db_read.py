"""Database.read(): a read opened inside another on the same thread joins it."""

import threading

from psycopg.pq import TransactionStatus
from sqlalchemy import text


def test_a_read_inside_a_read_joins_it_and_other_threads_do_not(db):
    with db.read() as outer:
        with db.read() as inner:
            assert inner is outer
        thread_session = []

        def other_thread():
            with db.read() as s:
                thread_session.append(s)

        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        assert thread_session and thread_session[0] is not outer
    with db.read() as after:
        assert after is not outer


def _driver(session):
    return session.connection().connection.driver_connection


def test_a_read_without_one_transaction_sends_no_begin_on_postgresql(db):
    """PostgreSQL: its statements run alone (autocommit), the connection goes back to the pool
    as it came (the next read is a transaction again). SQLite: still one read transaction."""
    with db.read(one_transaction=False) as session:
        session.execute(text("SELECT 1"))
        if db.is_sqlite:
            assert _driver(session).in_transaction
        else:
            assert _driver(session).autocommit
            assert _driver(session).info.transaction_status == TransactionStatus.IDLE
            # A second statement is a transaction of its own too: it starts with it.
            assert session.scalar(text("SELECT transaction_timestamp() = statement_timestamp()"))
        with db.read() as inner:  # a read inside joins it
            assert inner is session
    with db.read() as session:
        session.execute(text("SELECT 1"))
        if db.is_sqlite:
            assert _driver(session).in_transaction
        else:
            assert not _driver(session).autocommit
            assert _driver(session).info.transaction_status == TransactionStatus.INTRANS
        with db.read(one_transaction=False) as inner:  # joins the open transaction
            assert inner is session

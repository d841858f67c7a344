"""Several processes editing one order lose no update (DESIGN.md: WAL + busy_timeout +
BEGIN IMMEDIATE on SQLite; the version column on both databases)."""

import multiprocessing

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from store.db import open_database
from store.models import Customer, Order
from tests.support.clock import days_ago

PROCESSES = 4
EDITS_EACH = 40


def _edit_many(url: str, edits: int) -> int:
    """Read-modify-write the same order `edits` times; returns how many stale retries it took."""
    db = open_database(url)
    retries = 0
    done = 0
    while done < edits:
        try:
            with db.write() as session:
                order = session.scalars(select(Order).where(Order.ref == "SO-1")).one()
                order.shipping_minor = order.shipping_minor + 1
            done += 1
        except StaleDataError:  # someone else saved first: reload and try again, never overwrite
            retries += 1
    db.dispose()
    return retries


def test_concurrent_processes_editing_one_order_lose_no_update(db):
    with db.write() as session:
        customer = Customer(code="C1", name="Acme", currency="USD")
        session.add(customer)
        session.flush()
        session.add(Order(ref="SO-1", customer_id=customer.id, currency="USD",
                          ordered_at=days_ago(24), shipping_minor=0))
    url = db.engine.url.render_as_string(hide_password=False)

    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        pool.starmap(_edit_many, [(url, EDITS_EACH)] * PROCESSES)

    with db.read() as session:
        order = session.scalars(select(Order).where(Order.ref == "SO-1")).one()
        assert order.shipping_minor == PROCESSES * EDITS_EACH
        assert order.version_id == 1 + PROCESSES * EDITS_EACH

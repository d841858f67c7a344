"""A big seed makes its rows in a child process (store.seed.chunks): the same chunks and the
same afterwards-state as in process, its errors raised in the caller as themselves, and
never a hang when it fails or dies."""

import multiprocessing
import os
import random
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

import store.seed.demo as demo
from store.models import Order
from store.seed.bulk import epoch
from store.seed.chunks import ChildFailed, Chunks
from store.seed.demo import seed_demo, sizes
from store.seed.orders import OrderFactory
from store.seed.reference import make_catalog, make_customers

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


class ChunkTwoFails(OrderFactory):
    """Fails while making the second chunk (importable, so the child can build it)."""
    def take(self):
        self.taken = getattr(self, "taken", 0) + 1
        if self.taken == 2:
            raise ValueError("no rows for chunk 2")
        return super().take()


class ChunkTwoDies(OrderFactory):
    """Its process ends without a word in the second chunk (a crash, an OOM kill)."""
    def take(self):
        self.taken = getattr(self, "taken", 0) + 1
        if self.taken == 2:
            os._exit(3)
        return super().take()


def _chunks(orders: int, chunk: int, factory_type=OrderFactory, seed: int = 7) -> Chunks:
    """As seed_demo sets them up."""
    rng = random.Random(seed)
    now = epoch(NOW)
    n_customers, n_products = sizes(orders)
    catalog = make_catalog(rng, n_products)
    customers = make_customers(rng, n_customers, catalog, seed, now - 90 * 86_400)
    return Chunks(rng, catalog, customers, now, orders, chunk, factory_type=factory_type)


@pytest.mark.parametrize("facts_in_child", [False, True])
def test_the_child_makes_the_same_chunks_and_leaves_the_same_state(facts_in_child):
    here, there = _chunks(2_500, 1_000), _chunks(2_500, 1_000)
    there.facts_in_child = facts_in_child
    made_here = list(here.run(in_child=False))
    made_there = list(there.run(in_child=True))
    assert [len(c["orders"]) for c in made_there] == [1_000, 1_000, 500]
    assert made_there == made_here
    assert there.outcome == here.outcome
    assert there.outcome.problem_orders and there.outcome.reserved
    # load_stock goes on drawing from the same stream
    assert there.rng.getstate() == here.rng.getstate()


def test_an_error_in_the_child_is_raised_in_the_caller_as_itself():
    made = _chunks(2_500, 1_000, ChunkTwoFails)
    got = []
    started = time.monotonic()
    with pytest.raises(ValueError, match="no rows for chunk 2") as raised:
        for rows in made.run(in_child=True):
            got.append(rows)
    assert len(got) == 1 and time.monotonic() - started < 30
    assert any("process making the seed's rows" in note for note in raised.value.__notes__)
    assert not multiprocessing.active_children()


def test_a_child_that_dies_is_reported_not_waited_for():
    made = _chunks(2_500, 1_000, ChunkTwoDies)
    with pytest.raises(ChildFailed, match="code 3"):
        list(made.run(in_child=True))
    assert not multiprocessing.active_children()


def test_the_child_stops_when_the_caller_does():
    made = _chunks(5_000, 500)
    rows = made.run(in_child=True)
    next(rows)
    rows.close()  # as when loading a chunk raised
    assert not multiprocessing.active_children()


def test_the_child_stops_when_the_caller_fails_before_the_first_chunk():
    made = _chunks(5_000, 500)
    with pytest.raises(RuntimeError, match="reference rows failed"):
        with made.started(in_child=True):
            raise RuntimeError("reference rows failed")
    assert not multiprocessing.active_children()


def test_a_failed_seed_in_a_child_raises_and_leaves_the_indexes(db, monkeypatch):
    monkeypatch.setattr(demo, "CHUNK_ORDERS", 1_000)
    monkeypatch.setattr(demo, "CHILD_FROM_ORDERS", 0)
    monkeypatch.setattr(demo, "_FACTORY", ChunkTwoFails)
    indexes = ("SELECT count(*) FROM sqlite_master WHERE type = 'index'" if db.is_sqlite
               else "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()")
    with db.read() as s:
        before = s.scalar(text(indexes))
    with pytest.raises(ValueError, match="no rows for chunk 2"):
        seed_demo(db, orders=2_500, seed=3, now=NOW)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 1_000  # chunk 1 loaded
        assert s.scalar(text(indexes)) == before
    assert not multiprocessing.active_children()


def test_a_seed_made_in_a_child_reports_as_one_made_in_process(db, monkeypatch):
    monkeypatch.setattr(demo, "CHUNK_ORDERS", 1_000)
    monkeypatch.setattr(demo, "CHILD_FROM_ORDERS", 0)
    calls = []
    report = seed_demo(db, orders=2_500, seed=3, now=NOW,
                       progress=lambda done, total: calls.append(done))
    assert calls == [1_000, 2_000, 2_500]
    made = _chunks(2_500, 1_000, seed=3)
    lines = sum(len(rows["order_lines"]) for rows in made.run(in_child=False))
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 2_500
    outcome = made.outcome
    assert (report.order_lines, report.shipments, report.returns, report.holds) == (
        lines, outcome.counts["shipments"], outcome.counts["returns"],
        outcome.counts["order_holds"])
    assert report.problems == dict(sorted(outcome.problems.items()))
    assert report.problem_orders == {k: tuple(v)
                                     for k, v in sorted(outcome.problem_orders.items())}

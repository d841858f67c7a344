"""The demo orders as chunks of rows, made here or in a child process while the caller loads.

    made = Chunks(rng, catalog, customers, now, orders, chunk=10_000)
    with made.started(in_child=True) as chunks:   # the child starts making chunks here
        prepare()
        for rows in chunks:                       # the same chunks either way, facts added
            load(rows)
    made.outcome  # what the caller needs afterwards (rng state, reserved stock, counts...)

Making the rows is pure Python, one core's work; loading them is mostly the database's. A big
seed makes the rows in a child process (spawned: a fresh interpreter that never sees the
caller's threads or database connections) from the caller's random state, so it draws the
same stream in the same order, and hands each chunk over through a bounded queue: the caller
loads chunk N while the child makes N+1. An error in the child is raised in the caller as
itself; a child that dies is reported, never waited for.
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue
import random
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from store.seed.facts import add_facts
from store.seed.orders import OrderFactory
from store.seed.reference import Catalog, CustomerSet
from store.seed.states import SeedRandom
from store.seed.times import order_times

_AHEAD = 2  # chunks the child may make ahead of the loading
_POLL_SECONDS = 1.0


@dataclass
class Outcome:
    """What the caller needs once every chunk is made."""
    rng_state: tuple
    reserved: dict[tuple[int, int], int]
    counts: dict[str, int]
    problems: dict[str, int]
    problem_orders: dict[str, list[int]] = field(default_factory=dict)


class ChildFailed(RuntimeError):
    """The child stopped without a word (killed, crashed) or sent an error that would not
    travel (unpicklable); the message has what is known."""


@dataclass
class Chunks:
    rng: random.Random
    catalog: Catalog
    customers: CustomerSet
    now: int
    orders: int
    chunk: int
    factory_type: type = OrderFactory  # tests put a failing one here; it must be importable
    # Where a child makes the facts rows (store.seed.facts.add_facts): on the side with more
    # room. SQLite's loading is the slow end at 1M (its executemany), PostgreSQL's the child.
    facts_in_child: bool = False
    outcome: Outcome | None = None

    def run(self, *, in_child: bool) -> Iterator[dict[str, list[tuple]]]:
        """Every chunk, in order; then self.outcome is set and self.rng is where the
        in-process run would have left it."""
        with self.started(in_child=in_child) as chunks:
            yield from chunks

    @contextmanager
    def started(self, *, in_child: bool) -> Iterator[Iterator[dict[str, list[tuple]]]]:
        """run's chunks, with the child (if any) started on entering, so it makes the first
        chunks while the caller gets ready; leaving stops it if it is still at work."""
        if not in_child:
            yield self._here()
            return
        context = multiprocessing.get_context("spawn")
        handover = context.Queue(maxsize=_AHEAD)
        child = context.Process(
            target=_child, name="orderdesk-seed-rows", daemon=True,
            args=(handover, self.rng.getstate(), self.catalog, self.customers, self.now,
                  self.orders, self.chunk, self.factory_type, self.facts_in_child))
        child.start()
        try:
            yield self._from_child(handover, child)
        finally:
            if self.outcome is None and child.is_alive():  # the caller stopped early
                child.terminate()
            child.join()
            handover.close()
            handover.cancel_join_thread()

    def _here(self) -> Iterator[dict[str, list[tuple]]]:
        made = _make(self.rng, self.catalog, self.customers, self.now, self.orders,
                     self.chunk, self.factory_type)
        while True:
            try:
                yield add_facts(next(made))
            except StopIteration as done:
                self.outcome = done.value
                return

    def _from_child(self, handover, child) -> Iterator[dict[str, list[tuple]]]:
        while True:
            kind, value = _receive(handover, child)
            if kind == "rows":
                yield value if self.facts_in_child else add_facts(value)
            elif kind == "done":
                self.outcome = value
                self.rng.setstate(value.rng_state)
                return
            elif isinstance(value, BaseException):  # "error": the exception itself,
                raise value
            else:  # or its text if it would not pickle
                raise ChildFailed(value)


def _receive(handover, child) -> tuple[str, object]:
    while True:
        try:
            return handover.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if child.is_alive():
                continue
        try:  # it may have put its last word just before it exited
            return handover.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            raise ChildFailed(f"the process making the seed's rows exited "
                              f"(code {child.exitcode}) before it was done") from None


def _child(handover, rng_state, catalog, customers, now, orders, chunk, factory_type,
           facts) -> None:
    rng = SeedRandom()
    rng.setstate(rng_state)
    try:
        made = _make(rng, catalog, customers, now, orders, chunk, factory_type)
        while True:
            try:
                rows = next(made)
                handover.put(("rows", add_facts(rows) if facts else rows))
            except StopIteration as done:
                handover.put(("done", done.value))
                break
    except BaseException as error:  # noqa: BLE001 - every failure goes to the caller
        handover.put(("error", _portable(error)))
    handover.close()
    handover.join_thread()


def _portable(error: BaseException) -> BaseException | str:
    """The exception if it survives pickling (the queue pickles in a thread, where a failure
    would be lost), else its traceback text."""
    told = "".join(traceback.format_exception(error))
    try:
        error.add_note(f"in the process making the seed's rows:\n{told}")
        error.__traceback__ = None
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001
        return told
    return error


def _make(rng, catalog, customers, now, orders, chunk, factory_type):
    """The chunks as seed_demo always made them: a factory fed the order times."""
    factory = factory_type(rng, catalog, customers, now, total=orders)
    done = 0
    for at in order_times(rng, orders, now):
        factory.make(at)
        done += 1
        if done % chunk == 0:
            yield factory.take()
    yield factory.take()
    return Outcome(
        rng_state=rng.getstate(), reserved=dict(factory.reserved),
        counts=dict(factory.fulfil.counts), problems=dict(factory.problems),
        problem_orders={k: list(v) for k, v in factory.problem_orders.items()})

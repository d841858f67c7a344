"""An import stopped half-way leaves only whole orders, and running it again completes it."""

import pytest
from sqlalchemy import func, select

from store.importer import import_file, order_batch
from store.importer import orders as orders_import
from store.models import Event, Order, OrderLine
from tests.support.imports import (
    ORDER_HEADER,
    import_runs,
    load_reference,
    order_row,
    write_csv,
)

ORDERS = 130


@pytest.fixture
def big_file(db, tmp_path, monkeypatch):
    """130 two-line orders in batches of 50; every fifth order's second line is far below."""
    monkeypatch.setattr(orders_import, "BATCH_ORDERS", 50)
    load_reference(db)
    rows, late = [], []
    for n in range(ORDERS):
        ref = f"SO-{1000 + n}"
        rows.append(order_row(ref, quantity=str(n % 7 + 1)))
        second = order_row(ref, sku="GIZ-2002-RD", price="99.00")
        (late if n % 5 == 0 else rows).append(second)
    return write_csv(tmp_path / "orders.csv", ORDER_HEADER, rows + late)


def counts(db) -> tuple[int, int, int, set[int]]:
    with db.read() as s:
        orders = s.scalar(select(func.count()).select_from(Order))
        lines = s.scalar(select(func.count()).select_from(OrderLine))
        events = s.scalar(select(func.count()).select_from(Event))
        per_order = set(s.scalars(select(func.count(OrderLine.id)).group_by(OrderLine.order_id)))
    return orders, lines, events, per_order


def test_progress_reports_rows_done_of_rows_total(db, big_file):
    calls = []
    import_file(db, kind="orders", path=big_file, progress=lambda done, total: calls.append(
        (done, total)))
    assert calls[-1] == (2 * ORDERS, 2 * ORDERS)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert len(calls) >= 3


def test_interrupted_import_keeps_whole_orders_and_a_rerun_completes(db, big_file):
    def stop_after_first_batch(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_file(db, kind="orders", path=big_file, progress=stop_after_first_batch)
    orders, lines, events, per_order = counts(db)
    assert (orders, lines, events, per_order) == (50, 100, 50, {2})
    stopped = import_runs(db)[-1]
    assert stopped.finished_at is None and stopped.rows_imported == 100

    report = import_file(db, kind="orders", path=big_file)
    assert (report.rows_imported, report.rows_unchanged, report.rows_rejected) == (160, 100, 0)
    assert counts(db) == (ORDERS, 2 * ORDERS, ORDERS, {2})
    with db.read() as s:
        refs = list(s.scalars(select(Order.ref)))
    assert len(refs) == len(set(refs)) == ORDERS


def test_a_crash_inside_a_batch_writes_none_of_that_batch(db, big_file, monkeypatch):
    real_insert = order_batch.insert_rows
    calls = {"n": 0}

    def failing_insert(session, table, rows):
        real_insert(session, table, rows)
        calls["n"] += 1
        if calls["n"] == 5:  # batch 2: orders and lines are in, events not yet
            raise RuntimeError("power cut")

    monkeypatch.setattr(order_batch, "insert_rows", failing_insert)
    with pytest.raises(RuntimeError):
        import_file(db, kind="orders", path=big_file)
    assert counts(db) == (50, 100, 50, {2})
    monkeypatch.setattr(order_batch, "insert_rows", real_insert)
    import_file(db, kind="orders", path=big_file)
    assert counts(db) == (ORDERS, 2 * ORDERS, ORDERS, {2})

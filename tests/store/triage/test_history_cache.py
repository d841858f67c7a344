"""An import keeps its customers' histories across batches (store.triage.history.HistoryCache):
what its checks see must be what reading the database would give."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bench.triage_desk import import_problems, row, triage_desk
from store import clock
from store.importer import orders as order_import
from store.models import Discrepancy, Order
from store.triage.facts import load_orders
from store.triage.history import HistoryCache, load_history


def day(n: int) -> str:
    return (clock.today() - timedelta(days=n)).isoformat()


def past(customer="ACME", quantities=(10, 11, 12, 11, 10, 12)) -> list[list]:
    return [row(f"H-{customer}-{n}", "WID-1001-BL", q, "12.50", customer=customer,
                order_date=day(90 - 5 * n)) for n, q in enumerate(quantities)]


def test_history_from_earlier_batches_of_the_same_file_counts(db, tmp_path, monkeypatch):
    # Two orders a batch: the odd order's batch sees the first six only through the cache.
    triage_desk(db)
    monkeypatch.setattr(order_import, "BATCH_ORDERS", 2)
    import_problems(db, tmp_path, [*past(), row("SO-1", "WID-1001-BL", 120, "12.50")])
    with db.read() as s:
        titles = s.scalars(select(Discrepancy.title).join(Order).where(
            Order.ref == "SO-1", Discrepancy.fingerprint.startswith("unusual_order:"))).all()
    assert titles == ["Line 1: WID-1001-BL usually 10–12, this order 120"]


def _ids(s, *refs) -> list[int]:
    return list(s.scalars(select(Order.id).where(Order.ref.in_(refs)).order_by(Order.id)))


def test_orders_added_elsewhere_between_batches_are_read_again(db, tmp_path):
    triage_desk(db)
    import_problems(db, tmp_path, past() + past("GLOBEX"))
    cache = HistoryCache()
    with db.read() as s:
        first = load_orders(s, _ids(s, "H-ACME-5", "H-GLOBEX-5"))
        assert cache.history(s, first).lines == load_history(s, first).lines
    # Someone else adds an ACME order; then the run's next batch holds one of each customer.
    import_problems(db, tmp_path, [row("ELSEWHERE-1", "WID-1001-BL", 40, "12.50")])
    import_problems(db, tmp_path, [row("SO-A", "WID-1001-BL", 11, "12.50"),
                                   row("SO-G", "WID-1001-BL", 12, "12.50", customer="GLOBEX")])
    with db.read() as s:
        batch = load_orders(s, _ids(s, "SO-A", "SO-G"))
        cached, read = cache.history(s, batch), load_history(s, batch)
    assert cached.lines == read.lines
    assert cached.ship_tos == read.ship_tos
    acme = batch[0].customer_id
    assert sum(cached.lines[(acme, "WID-1001-BL")].values()) == 8  # 6 + elsewhere + its own

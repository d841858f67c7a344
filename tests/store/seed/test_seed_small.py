"""Small seeds: progress reporting and the minimum sizes (a separate module, because the
`db` fixture empties the database that test_seed.py shares between its tests)."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from store.models import Order, Warehouse
from store.seed.demo import seed_demo, sizes

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def test_progress_is_reported_per_chunk_and_small_seeds_work(db):
    calls = []
    report = seed_demo(db, orders=120, seed=1, now=NOW,
                       progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (120, 120)
    assert report.orders == 120 and report.customers == 50


def test_sizes_scale_with_orders_within_bounds():
    assert sizes(1_000) == (50, 200)
    assert sizes(20_000) == (100, 400)
    assert sizes(1_000_000) == (5_000, 5_000)


def test_zero_orders_gives_reference_data_only(db):
    report = seed_demo(db, orders=0, seed=1, now=NOW)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 0
        assert s.scalar(select(func.count()).select_from(Warehouse)) == 3
    assert (report.first_ref, report.last_ref) == (None, None)

"""Helpers for the order-check tests (no tests here): the `imported` fixture (the triage desk
with its problem orders imported; refs to ids) and `history`, a customer's past orders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bench.triage_desk import import_problems, row, triage_desk
from store import clock
from store.models import Order

USUAL = (10, 11, 12, 11, 10, 12)


def day(n: int) -> str:
    return (clock.today() - timedelta(days=n)).isoformat()


def history(db, tmp_path, quantities=USUAL, *, sku="WID-1001-BL", price="12.50",
            customer="ACME") -> None:
    """Past orders five days apart (further apart than the duplicate window)."""
    import_problems(db, tmp_path, [
        row(f"H-{customer}-{n}", sku, q, price, customer=customer, order_date=day(90 - 5 * n))
        for n, q in enumerate(quantities)])


def ids_by_ref(db) -> dict[str, int]:
    with db.read() as s:
        return dict(s.execute(select(Order.ref, Order.id)).all())


@pytest.fixture
def imported(db, tmp_path):
    triage_desk(db)
    report = import_problems(db, tmp_path)
    assert report.rows_rejected == 0, report.rejections
    return ids_by_ref(db)

"""The read-only card view (lookup, the card's buttons) equals the view writers build from
the ORM order, for every part a card shows."""

import pytest
from sqlalchemy import event, select

from store import clock
from store.enums import DiscrepancyStatus, DiscrepancyType, HoldReason, Severity
from store.errors import OrderNotFound
from store.models import Discrepancy, Event, Order, OrderHold, Shipment
from store.records import load_order, order_view, read_order_view
from tests.support.clock import days_ago
from tests.support.desk import build

REFS = ("SO-1042", "SO-1043", "SO-1044", "SO-1045", "SO-1046")


@pytest.fixture
def desk(db):
    ids = build(db)
    with db.write() as s:
        o1042 = s.scalar(select(Order).where(Order.ref == "SO-1042"))
        s.add_all([
            OrderHold(order_id=o1042.id, reason=HoldReason.HIGH_RISK, note="check <id>",
                      placed_by="U0PROC1", placed_at=days_ago(4)),
            OrderHold(order_id=o1042.id, reason=HoldReason.AWAITING_PAYMENT, placed_at=days_ago(5),
                      released_at=days_ago(4), released_by="U0PROC1"),
            *[Discrepancy(order_id=o1042.id, type=DiscrepancyType.PRICE_MISMATCH,
                          severity=Severity.HIGH, status=status, fingerprint=f"f{n}",
                          title=f"price {n}")
              for n, status in enumerate((DiscrepancyStatus.NEW, DiscrepancyStatus.RESOLVED))],
            *[Event(order_id=o1042.id, actor_id="U0PROC1", kind="edited", at=clock.now(),
                    summary=f"edit {n}", changes=[{"field": "notes", "before": None,
                                                   "after": str(n)}])
              for n in range(5)],
        ])
    return ids


@pytest.mark.parametrize("ref", REFS)
def test_the_read_only_view_equals_the_orm_view(db, desk, ref):
    with db.read() as s:
        expected = order_view(s, load_order(s, ref))
        assert read_order_view(s, ref.lower()) == expected
        assert read_order_view(s, "ignored", order_id=expected.id) == expected


def test_the_read_only_view_shows_open_holds_discrepancies_and_recent_events(db, desk):
    with db.read() as s:
        view = read_order_view(s, "1042")
    assert [h.reason for h in view.holds] == ["high_risk"]
    assert [d.title for d in view.open_discrepancies] == ["price 0"]
    assert [e.summary for e in view.recent_events] == ["edit 4", "edit 3", "edit 2"]
    assert view.recent_events[0].changes[0].after == "4"


def test_the_read_only_view_of_an_unknown_ref_raises(db, desk):
    with db.read() as s, pytest.raises(OrderNotFound, match="SO-9"):
        read_order_view(s, "SO-9")


def test_the_card_carries_its_shipments_in_one_statement_on_postgresql(db, desk):
    """Two shipments, one delivered with no service or tracking number: the same view as the
    ORM's, in id order; on PostgreSQL the shipments come with the card's own statement."""
    with db.write() as s:
        order = s.scalar(select(Order).where(Order.ref == "SO-1044"))
        s.add(Shipment(order_id=order.id, carrier="DHL", shipped_at=days_ago(1),
                       delivered_at=clock.now()))
    statements = []
    listen = event.listens_for(db.engine, "before_cursor_execute")
    record = listen(lambda *args: statements.append(args[2]))
    try:
        with db.read() as s:
            view = read_order_view(s, "SO-1044")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    with db.read() as s:
        assert view == order_view(s, load_order(s, "SO-1044"))
    assert [(x.carrier, x.service, x.tracking_number, x.delivered_at is not None)
            for x in view.shipments] == [("UPS", "Ground", "1Z999AA10123456784", False),
                                         ("DHL", None, None, True)]
    assert view.shipments[0].tracking_url
    card_reads = [x for x in statements if "ref_prefix" not in x]  # not the refs' prefixes
    assert len(card_reads) == (2 if db.is_sqlite else 1)

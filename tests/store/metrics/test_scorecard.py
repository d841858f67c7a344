"""The processor scorecard: each person's entries, edits, resolutions (with the median time
and the re-flagged ones) and approval requests, against the week before."""

from datetime import UTC, datetime

import pytest

from store.enums import (
    ApprovalKind,
    DiscrepancyStatus,
    DiscrepancyType,
    OrderStatus,
    Role,
    Severity,
)
from store.metrics.scorecard import build_scorecard
from store.models import Approval, Customer, Discrepancy, Event, Order, User
from store.periods import period_containing
from tests.support.metrics_desk import WEEK_START

WEEK = period_containing("weekly", WEEK_START)  # 2-8 Nov 2026; before: 26 Oct-1 Nov
BUILT = datetime(2026, 11, 9, 8, tzinfo=UTC)
PRIYA, OMAR, IDLE = "U0PROC1", "U0PROC2", "U0PROC3"


def at(month, day, hour=9):
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def desk(db):
    with db.write() as s:
        s.add_all([User(slack_user_id=PRIYA, role=Role.PROCESSOR, display_name="Priya"),
                   User(slack_user_id=IDLE, role=Role.PROCESSOR)])
        customer = Customer(code="ACME", name="Acme", currency="USD")
        s.add(customer)
        s.flush()
        orders = [Order(ref=f"SO-{n}", customer_id=customer.id, currency="USD",
                        ordered_at=at(11, 2), status=OrderStatus.OPEN) for n in range(4)]
        s.add_all(orders)
        s.flush()
        for actor, kind, when in [(PRIYA, "imported", at(11, 2)), (PRIYA, "imported", at(11, 3)),
                                  (PRIYA, "edited", at(11, 4)), (OMAR, "edited", at(11, 4)),
                                  (OMAR, "edited", at(10, 28)), ("system", "edited", at(11, 4)),
                                  ("intake", "imported", at(11, 5))]:
            s.add(Event(actor_id=actor, kind=kind, at=when, order_id=orders[0].id,
                        summary=kind))

        def problem(order, kind, opened, resolved=None, by=None):
            s.add(Discrepancy(order_id=order.id, type=kind, severity=Severity.MEDIUM,
                              status=DiscrepancyStatus.RESOLVED if resolved else
                              DiscrepancyStatus.NEW, fingerprint=f"{order.ref}{opened}",
                              title="t", opened_at=opened, resolved_at=resolved,
                              resolved_by=by))

        price, stock = DiscrepancyType.PRICE_MISMATCH, DiscrepancyType.INSUFFICIENT_STOCK
        problem(orders[0], price, at(11, 2), at(11, 2, 11), PRIYA)  # 2 h, flagged again:
        problem(orders[0], price, at(11, 6))
        problem(orders[1], price, at(11, 2), at(11, 3, 9), PRIYA)  # 24 h; a different
        problem(orders[1], stock, at(11, 5))  # type afterwards is not a re-flag
        problem(orders[2], stock, at(11, 1), at(11, 4, 9), PRIYA)  # 72 h
        problem(orders[3], stock, at(11, 3), at(11, 3, 12), "system")  # no longer found
        problem(orders[3], price, at(10, 27), at(10, 28), OMAR)  # the week before
        s.add(Approval(kind=ApprovalKind.DISCOUNT, order_id=orders[0].id, amount_minor=100,
                       requested_by=OMAR, requested_at=at(11, 5)))


def test_each_person_gets_their_own_figures(db, desk):
    view = build_scorecard(db, period=WEEK, timezone="UTC", now=BUILT)
    rows = {r.current.user_id: r for r in view.rows}
    assert set(rows) == {PRIYA, OMAR, IDLE}  # not system or intake; the idle processor too
    priya = rows[PRIYA].current
    assert (priya.name, priya.orders_entered, priya.edits, priya.resolved) == ("Priya", 2, 1, 3)
    assert priya.resolve_median_hours == 24.0 and priya.reflagged == 1
    assert priya.error_rate == pytest.approx(1 / 3)
    omar = rows[OMAR]
    assert (omar.current.edits, omar.current.approvals_requested, omar.current.resolved) == \
        (1, 1, 0)
    assert (omar.previous.edits, omar.previous.resolved) == (1, 1)
    assert rows[IDLE].current.resolved == 0 and rows[IDLE].current.error_rate is None
    assert view.rows[0].current.user_id == PRIYA  # most resolved first


def test_one_person_sees_only_their_own(db, desk):
    view = build_scorecard(db, period=WEEK, timezone="UTC", now=BUILT, user_id=OMAR)
    assert [r.current.user_id for r in view.rows] == [OMAR]

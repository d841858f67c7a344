"""The defects an audit of the digest against independent SQL found (issue #17): each test
failed before its fix."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from store.enums import OrderStatus
from store.metrics.digest import build_digest
from store.metrics.drill import drill_orders
from store.models import Customer, Order, OrderLine, Shipment, ShipmentLine
from store.periods import month_of, period_containing
from tests.support.metrics_desk import WEEK_START, build_desk

WEEK = period_containing("weekly", WEEK_START)
BUILT = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)
NEW_YORK = "America/New_York"


def test_the_previous_backlog_is_counted_not_derived(db):
    build_desk(db)
    with db.write() as s:  # received in the week, completed without ever shipping
        acme = s.scalar(select(Customer).where(Customer.code == "ACME"))
        for n in range(5):
            order = Order(ref=f"SO-C{n}", customer_id=acme.id, currency="USD",
                          ordered_at=datetime(2026, 11, 3, 9, n, tzinfo=UTC),
                          status=OrderStatus.COMPLETED)
            order.lines.append(OrderLine(line_no=1, sku="SKU-1", quantity=1,
                                         unit_price_minor=100))
            s.add(order)
    view = build_digest(db, period=WEEK, timezone="UTC", now=BUILT)
    assert view.previous.backlog == 2  # P2 (shipped 2 Nov) and P3 at the start of the week
    assert view.current.backlog == 3


def test_top_customer_ties_go_to_the_older_customer_not_the_lower_id(db):
    build_desk(db)
    with db.write() as s:  # Beta (the higher id) has been a customer longer
        s.execute(update(Customer).where(Customer.code == "BETA")
                  .values(created_at=datetime(2020, 1, 1, tzinfo=UTC)))
        s.execute(update(Customer).where(Customer.code == "ACME")
                  .values(created_at=datetime(2024, 1, 1, tzinfo=UTC)))
    view = build_digest(db, period=WEEK, timezone="UTC", now=BUILT)
    assert [(c.code, c.orders) for c in view.top_customers] == [("BETA", 4), ("ACME", 4)]


def _late_evening_shipments(db, due: date, count: int = 6) -> None:
    """Orders due `due` shipped at 23:30 New York standard time (UTC-5) that day."""
    with db.write() as s:
        customer = Customer(code="NYC", name="Gotham Supply", currency="USD")
        s.add(customer)
        s.flush()
        shipped = datetime.combine(due + timedelta(days=1), datetime.min.time(), UTC) \
            + timedelta(hours=4, minutes=30)
        for n in range(count):
            order = Order(ref=f"SO-NY{n}", customer_id=customer.id, currency="USD",
                          ordered_at=shipped - timedelta(days=1), promised_date=due,
                          status=OrderStatus.COMPLETED)
            order.lines.append(OrderLine(line_no=1, sku="SKU-1", quantity=1,
                                         unit_price_minor=100))
            s.add(order)
            s.flush()
            order.shipments.append(Shipment(carrier="UPS", shipped_at=shipped, lines=[
                ShipmentLine(order_line_id=order.lines[0].id, quantity=1)]))


def test_on_time_reads_each_shipment_at_its_own_utc_offset(db):
    # New York left summer time on 1 Nov 2026: November starts at UTC-4, the 10th is UTC-5.
    _late_evening_shipments(db, date(2026, 11, 10))
    november = month_of(date(2026, 11, 1))
    view = build_digest(db, period=november, timezone=NEW_YORK,
                        now=datetime(2026, 12, 2, tzinfo=UTC))
    assert view.current.orders_shipped == view.current.orders_due == 6
    assert view.current.due_on_time == view.current.due_in_full_on_time == 6
    assert view.current.shipped_perfect == 6
    for kind in ("late", "imperfect"):
        assert drill_orders(db, kind=kind, period=november, timezone=NEW_YORK).total == 0


def test_the_last_evening_of_a_week_that_changed_offset_is_still_that_day(db):
    # Week 26 Oct .. 1 Nov: EDT until 1 Nov 02:00, EST after; 1 Nov 23:30 EST is 2 Nov UTC.
    _late_evening_shipments(db, date(2026, 11, 1), count=1)
    week = period_containing("weekly", date(2026, 10, 29))
    view = build_digest(db, period=week, timezone=NEW_YORK,
                        now=datetime(2026, 11, 20, tzinfo=UTC))
    assert (view.current.orders_due, view.current.due_on_time) == (1, 1)
    assert view.current.shipped_perfect == 1

"""A shipment recorded with an earlier ship date (it left yesterday; the desk records it this
morning). The day is the workspace's; it was stored as 12:00 UTC of that date: a cycle time
below zero, an on-time shipment counted late in UTC+14, and in UTC-10 an evening order could
not be given the day it shipped."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from store import clock
from store.clock import SetClock
from store.fulfilment import ShipRequest, ship_order
from store.metrics.digest import build_digest
from store.models import Order, Shipment
from store.periods import period_containing
from tests.support.clock import TODAY, days_ago
from tests.support.fulfil_desk import REF, fulfil_desk

EVERYTHING = {"l1": "4", "l2": "10", "l3": "2"}


def local(day, hour: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo(zone)).astimezone(UTC)


def ship_on(db, day):
    ship_order(db, ref=REF, actor="U0PROC1", request=ShipRequest(
        carrier="UPS", service=None, ship_date=day, tracking_number=None,
        quantities=EVERYTHING))
    with db.read() as s:
        return s.scalar(select(Shipment.shipped_at).join(Order).where(Order.ref == REF))


def placed(db, at: datetime, promised=None) -> None:
    with db.write() as s:
        order = s.scalars(select(Order).where(Order.ref == REF)).one()
        order.ordered_at = at
        if promised is not None:
            order.promised_date = promised


def test_shipped_the_afternoon_it_was_ordered_is_never_before_the_order(db):
    fulfil_desk(db)
    placed(db, days_ago(1, 15))  # yesterday 15:00 UTC
    shipped = ship_on(db, TODAY - timedelta(days=1))
    assert shipped >= days_ago(1, 15)
    view = build_digest(db, period=period_containing("daily", TODAY - timedelta(days=1)),
                        timezone="UTC")
    assert view.current.cycle_median_hours >= 0


def test_in_utc_plus_14_a_shipment_on_its_due_day_is_on_time(db):
    zone = "Pacific/Kiritimati"
    fulfil_desk(db)
    now = local(TODAY, 10, zone)
    clock.install(SetClock(now, zone=zone))  # the set_clock fixture puts the test's back
    due = TODAY - timedelta(days=1)
    placed(db, local(due - timedelta(days=2), 10, zone), promised=due)
    ship_on(db, due)
    view = build_digest(db, period=period_containing("daily", due), timezone=zone, now=now)
    assert (view.current.orders_due, view.current.due_on_time) == (1, 1)


def test_in_utc_minus_10_an_evening_order_ships_the_day_it_was_placed(db):
    zone = "Pacific/Honolulu"
    fulfil_desk(db)
    now = local(TODAY, 9, zone)
    clock.install(SetClock(now, zone=zone))
    yesterday = TODAY - timedelta(days=1)
    placed(db, local(yesterday, 20, zone))  # 06:00 UTC today
    shipped = ship_on(db, yesterday)
    assert shipped >= local(yesterday, 20, zone)
    assert shipped.astimezone(ZoneInfo(zone)).date() == yesterday

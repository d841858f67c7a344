"""One period, the same orders, every surface: the Home tab's day against the daily digest,
a running week's past due, the XLSX Days sheet against its own columns, and rates that are
not 100 % never shown as 100.0 %."""
from datetime import UTC, date, datetime, timedelta

from store.enums import (
    DiscrepancyStatus,
    DiscrepancyType,
    FulfilmentStatus,
    OrderStatus,
    Severity,
)
from store.metrics.digest import build_digest
from store.models import Customer, Discrepancy, Order, OrderLine, Shipment, ShipmentLine
from store.orders import home_for
from store.periods import period_containing
from store.workspace import Viewer

D = date(2026, 11, 4)  # a Wednesday


def at(day, hour=0, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def customer(s, code="ACME", currency="USD"):
    c = Customer(code=code, name=code.title(), currency=currency)
    s.add(c)
    s.flush()
    return c


def order(s, ref, cust, ordered_at, lines, *, currency="USD", status=OrderStatus.OPEN,
          promised=None, fulfilment=FulfilmentStatus.UNFULFILLED):
    o = Order(ref=ref, customer_id=cust.id, currency=currency, ordered_at=ordered_at,
              status=status, fulfilment_status=fulfilment, shipping_minor=0,
              promised_date=promised, ship_name="R", ship_line1="1 Main", ship_city="X",
              ship_region="IL", ship_postal_code="62701", ship_country="US")
    for n, (q, price) in enumerate(lines, start=1):
        o.lines.append(OrderLine(line_no=n, sku=f"SKU-{n}", quantity=q, unit_price_minor=price))
    s.add(o)
    s.flush()
    return o


def ship(s, o, when, units, return_id=None):
    sh = Shipment(order_id=o.id, carrier="UPS", shipped_at=when, created_by="U0P",
                  return_id=return_id)
    for line, q in zip(o.lines, units, strict=False):
        if q:
            sh.lines.append(ShipmentLine(order_line_id=line.id, quantity=q))
    s.add(sh)
    s.flush()
    return sh


def test_home_orders_shipped_yesterday_matches_the_daily_digest(db, set_clock):
    now = at(D, 10)
    set_clock.set(now)
    with db.write() as s:
        c = customer(s)
        o = order(s, "SO-1", c, at(D - timedelta(days=3), 9), [(10, 100)])
        ship(s, o, at(D - timedelta(days=2), 12), [4])   # first shipment, 2 days ago
        ship(s, o, at(D - timedelta(days=1), 12), [6])   # the rest, yesterday
    home = home_for(db, viewer=Viewer("U0MGR", "manager"), admins=(), now=now)
    shipped = {f.name: f for f in home.manager.today}["orders shipped"]
    digest = build_digest(db, period=period_containing("daily", D - timedelta(days=1)),
                          timezone="UTC", now=now)
    assert shipped.previous == digest.current.orders_shipped


def test_days_sheet_rate_is_what_its_header_says(db, set_clock):
    import io

    from openpyxl import load_workbook

    from store.metrics.workbook import report_xlsx
    now = at(D + timedelta(days=7), 8)
    set_clock.set(now)
    with db.write() as s:
        c = customer(s)
        old = order(s, "SO-OLD", c, at(D - timedelta(days=9), 9), [(1, 100)])
        a = order(s, "SO-A", c, at(D, 9), [(1, 100)])
        order(s, "SO-B", c, at(D, 10), [(1, 100)])
        for o, fp in ((a, "x1"), (a, "x2"), (old, "x3")):  # 3 opened on D, 1 of D's 2 orders
            s.add(Discrepancy(order_id=o.id, type=DiscrepancyType.OTHER, severity=Severity.LOW,
                              status=DiscrepancyStatus.NEW, fingerprint=fp, title="t",
                              opened_at=at(D, 12)))
    week = period_containing("weekly", D)
    book = load_workbook(io.BytesIO(report_xlsx(db, period=week, timezone="UTC",
                                                now=now).content))
    rows = list(book["Days"].iter_rows(values_only=True))
    header, day = rows[0], next(r for r in rows[1:] if r[0].date() == D)
    assert header[3:] == ("Orders received that were flagged", "Share of orders flagged")
    assert (day[1], day[2], day[3], day[4]) == (2, 3, 1, 0.5)  # its columns reconcile


def test_a_running_week_does_not_call_orders_due_later_this_week_past_due(db, set_clock):
    from store.metrics.drill import drill_orders
    now = at(D, 10)  # Wednesday morning; the week runs to Sunday
    set_clock.set(now)
    with db.write() as s:
        c = customer(s)
        order(s, "SO-FRI", c, at(D - timedelta(days=1), 9), [(1, 100)],
              promised=D + timedelta(days=2))  # due Friday, not shipped yet
    week = period_containing("weekly", D)
    view = build_digest(db, period=week, timezone="UTC", now=now)
    drill = drill_orders(db, kind="past_due", period=week, timezone="UTC")
    assert view.current.past_due == 0  # due in two days: not past due now
    assert drill.total == 0


def test_a_rate_that_is_not_whole_is_never_shown_as_100_or_0():
    from messages.digest import pct, pt
    assert pct(1999 / 2000) == "99.9%" and pct(1.0) == "100.0%"
    assert pct(1 / 2000) == "0.1%" and pct(0.0) == "0.0%"
    assert "0.1 pt" in pt(1999 / 2000, 1.0)  # it read "(= 100.0%)": no change

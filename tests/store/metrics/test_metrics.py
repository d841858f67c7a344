"""Every digest figure on the hand-built desk equals the value worked out by hand
(tests/support/metrics_desk.py explains each order)."""

from dataclasses import asdict
from datetime import UTC, date, datetime

import pytest

from store.enums import OrderStatus
from store.metrics import queries
from store.metrics.digest import build_digest
from store.metrics.queries import top_customers
from store.models import Customer, Order, OrderLine, Shipment, ShipmentLine
from store.periods import Period, custom_period, period_containing, utc_offsets
from store.views.metrics import Money
from tests.support.metrics_desk import (
    EXPECTED_AGES,
    EXPECTED_CURRENT,
    EXPECTED_DAYS,
    EXPECTED_PAST_DUE,
    EXPECTED_PREVIOUS,
    WEEK_START,
    build_desk,
)

WEEK = period_containing("weekly", WEEK_START)
BUILT = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)


@pytest.fixture
def view(db):
    build_desk(db)
    return build_digest(db, period=WEEK, timezone="UTC", now=BUILT)


def _figures(figures) -> dict:
    found = asdict(figures)
    found["value"] = sum(m["minor"] for m in found.pop("value_received"))
    return {k: found[k] for k in EXPECTED_CURRENT}


def test_every_current_figure_matches_the_hand_count(view):
    assert _figures(view.current) == EXPECTED_CURRENT


def test_every_previous_figure_matches_the_hand_count(view):
    assert _figures(view.previous) == EXPECTED_PREVIOUS


def test_rates_are_the_counts_divided(view):
    cur = view.current
    assert cur.order_fill_rate == pytest.approx(5 / 6)
    assert cur.first_shipment_fill_rate == pytest.approx(4 / 6)
    assert cur.line_fill_rate == pytest.approx(7 / 8)
    assert cur.on_time_rate == pytest.approx(3 / 5)  # of the orders due, not those shipped
    assert cur.otif_rate == pytest.approx(3 / 5)
    assert cur.due_not_shipped == 1  # O6
    assert cur.perfect_order_rate == pytest.approx(2 / 6)
    assert cur.backorder_rate == pytest.approx(1 / 8)
    assert cur.return_rate == 0  # P1's return follows a shipment of the week before
    assert view.previous.return_rate == view.previous.return_approved_rate == 1.0


def test_perfect_orders_are_counted_per_order_not_by_multiplying_rates(view):
    cur = view.current
    undamaged_and_documented, in_full_on_time = 4 / 6, 4 / 6
    product = in_full_on_time * cur.order_fill_rate * undamaged_and_documented
    assert cur.perfect_order_rate == pytest.approx(2 / 6)
    assert cur.perfect_order_rate != pytest.approx(product)


def test_days_count_orders_received_and_discrepancies_opened(view):
    assert [d.day for d in view.days] == WEEK.days
    assert [(d.orders, d.discrepancies, d.flagged) for d in view.days] == EXPECTED_DAYS
    assert view.days[1].discrepancy_rate == 1.0  # both of 3 Nov's orders were flagged


def test_orders_past_due_at_the_end_by_days_past_their_due_date(view):
    assert [b.count for b in view.past_due_by_age] == EXPECTED_PAST_DUE
    assert view.current.past_due == sum(EXPECTED_PAST_DUE)
    assert view.previous.past_due == 1  # P3, a day past due when the week began


def test_open_discrepancies_by_age_at_the_end_of_the_period(view):
    assert [b.count for b in view.open_by_age] == EXPECTED_AGES


def test_discrepancies_by_type_with_the_previous_period(view):
    rows = {r.type: (r.opened, r.resolved, r.previous_opened, r.previous_resolved)
            for r in view.discrepancy_types}
    assert rows == {"price_mismatch": (2, 1, 0, 0), "bad_address": (1, 1, 0, 0),
                    "unknown_sku": (1, 0, 0, 0), "late": (0, 1, 1, 0), "other": (0, 0, 1, 1)}
    assert view.discrepancy_types[0].type == "price_mismatch"


def test_top_customers_by_orders_received_ties_go_to_the_older_customer(view):
    top = [(c.code, c.orders, c.value, c.previous_orders) for c in view.top_customers]
    assert top == [("ACME", 4, (Money("USD", 6300),), 2), ("BETA", 4, (Money("USD", 3600),), 1)]


def test_an_empty_period_gives_zeros_and_no_rates(db):
    view = build_digest(db, period=WEEK, timezone="UTC", now=BUILT)
    cur = view.current
    assert cur.is_empty and cur.orders_received == 0 and cur.value_received == ()
    assert cur.order_fill_rate is None and cur.perfect_order_rate is None
    assert cur.cycle_median_hours is None and cur.resolve_median_hours is None
    assert cur.backlog == 0 and view.previous.backlog == 0
    assert [d.orders for d in view.days] == [0] * 7 and view.top_customers == ()


def test_a_report_of_a_period_not_over_yet_is_marked_partial(db):
    build_desk(db)
    view = build_digest(db, period=WEEK, timezone="UTC", now=datetime(2026, 11, 5, tzinfo=UTC))
    assert view.partial
    assert view.current.orders_received == 8  # what is in the database, as of now


def test_local_days_follow_the_time_zone(db):
    ids = build_desk(db)
    # New York is UTC-5 in November: the week starts 2 Nov 05:00 UTC and ends 9 Nov 05:00 UTC.
    view = build_digest(db, period=WEEK, timezone="America/New_York", now=BUILT)
    assert view.current.start == datetime(2026, 11, 2, 5, tzinfo=UTC)
    # O9 (8 Nov 23:30 UTC = 18:30 in New York) is still in the week; so is its shipment
    # (9 Nov 01:00 UTC = 8 Nov 20:00 local), so it is shipped, not backlog.
    assert view.current.orders_received == 8 and view.current.orders_shipped == 7
    assert view.current.backlog == 2
    # O4 shipped 6 Nov 20:00 UTC = 15:00 local, due 6 Nov: still on time; O9 has no due date.
    assert (view.current.orders_due, view.current.due_on_time) == (5, 3)
    assert view.current.shipped_perfect == 3  # O9 too, now shipped in the week
    assert [d.orders for d in view.days] == [1, 2, 1, 1, 1, 1, 1]
    assert ids["O9"]


def test_due_dates_are_read_in_the_report_zone(db):
    build_desk(db)
    # In Tokyo (UTC+9) O1's shipment, 3 Nov 10:00 UTC, is 3 Nov 19:00 local: on time (due
    # 4 Nov); O2 stays late; O4's 6 Nov 20:00 UTC is 7 Nov 05:00 local: late (due 6 Nov).
    week = Period("weekly", date(2026, 11, 2), date(2026, 11, 9))
    view = build_digest(db, period=week, timezone="Asia/Tokyo", now=BUILT)
    assert view.current.start == datetime(2026, 11, 1, 15, tzinfo=UTC)
    assert view.current.orders_shipped == 6
    assert view.current.orders_due - view.current.due_on_time == 3  # O2, O4 late; O6 unshipped
    assert view.current.due_in_full_on_time == 2


def test_values_in_two_currencies_are_summed_apart(db):
    build_desk(db)
    from sqlalchemy import select

    from store.models import Order

    with db.write() as s:  # through the ORM, as every writer does, so the facts follow
        for order in s.scalars(select(Order).where(Order.ref.in_(["SO-O1", "SO-O6"]))):
            order.currency = "EUR"
    view = build_digest(db, period=WEEK, timezone="UTC", now=BUILT)
    assert view.current.value_received == (Money("EUR", 3200), Money("USD", 6700))


def test_a_custom_range_compares_with_as_many_days_before(db):
    build_desk(db)
    period = custom_period(date(2026, 11, 3), date(2026, 11, 4))
    view = build_digest(db, period=period, timezone="UTC", now=BUILT)
    assert view.period.previous() == Period("custom", date(2026, 11, 1), date(2026, 11, 3))
    assert view.current.orders_received == 3  # O2, O3, O4
    assert view.previous.orders_received == 1  # O1 (2 Nov)


@pytest.mark.parametrize("ranking", ["sqlite", "postgresql"])
def test_both_rankings_of_the_top_customers_order_ties_by_age_then_id(db, ranking):
    """SQLite ranks by a count per customer, PostgreSQL (and SQLite with many customers) by
    grouping the period's orders: both statements rank the same way, on both databases."""

    with db.write() as s:
        # The customer added first is the younger: ties go by age, not by id.
        younger = Customer(code="YOUNG", name="Younger", currency="USD",
                           created_at=datetime(2026, 6, 1, tzinfo=UTC))
        older = Customer(code="OLD", name="Older", currency="USD",
                         created_at=datetime(2026, 1, 1, tzinfo=UTC))
        busiest = Customer(code="BUSY", name="Busiest", currency="USD",
                           created_at=datetime(2026, 9, 1, tzinfo=UTC))
        quiet = Customer(code="QUIET", name="Only ordered the week before", currency="USD",
                         created_at=datetime(2025, 1, 1, tzinfo=UTC))
        s.add_all([younger, older, busiest, quiet])
        s.flush()
        week = [(younger, 2), (older, 2), (busiest, 3)]
        s.add_all([Order(ref=f"SO-{c.code}-{i}", customer_id=c.id, currency="USD",
                         ordered_at=datetime(2026, 11, 3, i, tzinfo=UTC), status=OrderStatus.OPEN)
                   for c, count in week for i in range(count)])
        s.add(Order(ref="SO-QUIET", customer_id=quiet.id, currency="USD",
                    ordered_at=datetime(2026, 10, 27, tzinfo=UTC), status=OrderStatus.OPEN))
    with db.read() as s:
        top = top_customers(s, ranking, WEEK.utc_bounds("UTC"),
                            WEEK.previous().utc_bounds("UTC"), limit=5)
    assert [(c["code"], c["orders"]) for c in top] == [("BUSY", 3), ("OLD", 2), ("YOUNG", 2)]


def test_sqlite_with_many_customers_ranks_them_by_grouping(db, monkeypatch):
    """Beyond RANK_BY_PROBES_MAX_CUSTOMERS a probe per customer would cost more than the
    period's orders: the digest then groups them, with the same answer."""
    build_desk(db)
    monkeypatch.setattr(queries, "RANK_BY_PROBES_MAX_CUSTOMERS", 0)
    monkeypatch.setattr(queries, "_ranked_by_probes", None)  # fails if it is used
    view = build_digest(db, period=WEEK, timezone="UTC", now=BUILT)
    assert [(c.code, c.orders) for c in view.top_customers] == [("ACME", 4), ("BETA", 4)]


def test_on_days_gets_the_charts_days_once_on_the_callers_thread(db):
    """The digest job draws its chart there, in the subscription's language: the language is
    the calling thread's (messages.i18n), so the callback must not run on a report thread."""
    import threading

    build_desk(db)
    seen = []
    view = build_digest(db, period=WEEK, timezone="UTC", now=BUILT,
                        on_days=lambda days: seen.append((days, threading.current_thread())))
    assert seen == [(view.days, threading.current_thread())]


@pytest.mark.parametrize(("zone", "completed", "perfect"), [
    ("Pacific/Kiritimati", datetime(2026, 11, 4, 23, 30, tzinfo=UTC), True),  # 5 Nov 13:30
    ("Pacific/Kiritimati", datetime(2026, 11, 5, 10, 30, tzinfo=UTC), False),  # 6 Nov 00:30
    ("Pacific/Pago_Pago", datetime(2026, 11, 6, 10, 30, tzinfo=UTC), True),  # 5 Nov 23:30
    ("Pacific/Pago_Pago", datetime(2026, 11, 6, 11, 30, tzinfo=UTC), False),  # 6 Nov 00:30
    ("UTC", datetime(2026, 11, 5, 23, 59, 59, tzinfo=UTC), True),
    ("UTC", datetime(2026, 11, 6, tzinfo=UTC), False),
])
def test_in_full_on_time_reads_the_completion_day_in_the_report_zone(db, zone, completed,
                                                                    perfect):
    """Due 5 Nov: completed on or before 5 Nov local time is on time, whatever day it is in
    UTC (completions before the due date's UTC midnight are read as on time without
    computing their local day; those on or after it are read in the zone)."""
    with db.write() as s:
        customer = Customer(code="K", name="Kiribati Traders", currency="USD")
        s.add(customer)
        s.flush()
        order = Order(ref="SO-K1", customer_id=customer.id, currency="USD",
                      ordered_at=datetime(2026, 11, 2, tzinfo=UTC), status=OrderStatus.OPEN,
                      promised_date=date(2026, 11, 5))
        order.lines.append(OrderLine(line_no=1, sku="K-1", quantity=1, unit_price_minor=100))
        s.add(order)
        s.flush()
        shipment = Shipment(order_id=order.id, carrier="UPS", shipped_at=completed)
        shipment.lines.append(ShipmentLine(order_line_id=order.lines[0].id, quantity=1))
        s.add(shipment)
    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 9, tzinfo=UTC)
    with db.read() as s:
        found = queries.shipped(s, db.dialect, start, end, utc_offsets(start, end, zone))
    assert (found["shipped_complete"], found["shipped_perfect"]) == (1, int(perfect))

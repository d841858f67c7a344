"""The export reproduces every digest figure: counted from the CSVs alone (as the README tells
a spreadsheet user to), each equals the digest's, on the hand-built desk and on demo data
over a month with a daylight-saving change."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from store.metrics.digest import build_digest
from store.metrics.export import discrepancies_csv, orders_csv
from store.periods import month_of, period_containing
from store.seed.demo import seed_demo
from tests.support.export_sums import read_csv, sums_of_export
from tests.support.metrics_desk import WEEK_START, build_desk

WEEK = period_containing("weekly", WEEK_START)
NOVEMBER = month_of(date(2026, 11, 1))


def export_sums(db, period, timezone, now):
    return sums_of_export(orders_csv(db, period=period, timezone=timezone).content,
                          discrepancies_csv(db, period=period, timezone=timezone,
                                            now=now).content)


def digest_figures(view) -> dict:
    cur = view.current
    names = ("orders_received", "lines_received", "orders_backordered", "orders_shipped",
             "shipped_complete", "shipped_first_complete", "shipped_perfect", "lines_shipped",
             "lines_filled", "orders_due", "due_on_time", "due_shipped_late",
             "due_in_full_on_time", "past_due", "orders_returned", "shipped_returned",
             "shipped_return_approved", "shipped_return_received", "backlog",
             "discrepancies_opened", "discrepancies_resolved")
    return {name: getattr(cur, name) for name in names}


def assert_export_adds_up(db, period, timezone, now):
    view = build_digest(db, period=period, timezone=timezone, now=now)
    sums = export_sums(db, period, timezone, now)
    assert {k: sums[k] for k in digest_figures(view)} == digest_figures(view)
    cur = view.current
    assert sums["value_received"] == {
        m.currency: Decimal(m.minor).scaleb(-2) for m in cur.value_received}
    for name in ("cycle_median_hours", "cycle_p90_hours", "resolve_median_hours"):
        ours, theirs = sums[name], getattr(cur, name)
        assert (ours is None) == (theirs is None), name
        if ours is not None:  # the CSV writes hours to 2 decimals
            assert ours == pytest.approx(theirs, abs=0.005), name
    assert sums["backlog_at_start"] == view.previous.backlog
    assert sums["past_due_at_start"] == view.previous.past_due
    assert sums["past_due_by_age"] == [b.count for b in view.past_due_by_age]
    types = {t.type: (t.opened, t.resolved) for t in view.discrepancy_types if t.opened
             or t.resolved}
    assert {t: (sums["opened_by_type"][t], sums["resolved_by_type"][t]) for t in types} == types
    assert sums["open_by_age"] == [b.count for b in view.open_by_age]
    assert [(d.orders, d.discrepancies, d.flagged) for d in view.days] == [
        (sums["orders_by_day"][d.day.isoformat()], sums["opened_by_day"][d.day.isoformat()],
         sums["flagged_by_day"][d.day.isoformat()]) for d in view.days]
    assert sums["top_customers"] == [(c.code, c.orders) for c in view.top_customers]
    # The previous period's figures come from the previous period's export.
    before = export_sums(db, period.previous(), timezone, now)
    previous = build_digest(db, period=period.previous(), timezone=timezone, now=now).current
    assert {k: before[k] for k in digest_figures(view)} == {
        k: getattr(previous, k) for k in digest_figures(view)}
    return sums


@pytest.mark.parametrize("timezone", ["UTC", "America/New_York", "Asia/Tokyo"])
def test_the_hand_desks_export_adds_up_to_its_digest(db, timezone):
    build_desk(db)
    sums = assert_export_adds_up(db, WEEK, timezone, datetime(2026, 11, 9, 8, tzinfo=UTC))
    if timezone == "UTC":  # P1's return (opened this week on an order of last week) counts
        assert sums["orders_returned"] == 1 and sums["backlog"] == 3


def test_a_demo_months_export_adds_up_to_its_digest_across_a_dst_change(db):
    now = datetime(2026, 12, 3, 12, tzinfo=UTC)
    seed_demo(db, orders=400, seed=5, now=now)
    sums = assert_export_adds_up(db, NOVEMBER, "America/New_York", now)
    assert sums["orders_received"] > 50 and sums["orders_returned"] > 0
    assert sums["orders_due"] > 0 and sums["past_due"] > 0


def test_the_export_rows_say_why_each_order_is_in_it(db):
    build_desk(db)
    rows = {r["ref"]: r for r in read_csv(orders_csv(db, period=WEEK, timezone="UTC").content)}
    # P1: received and shipped the week before, its return opened this week.
    assert rows["SO-P1"]["returned_in_period"] == "yes"
    assert rows["SO-P1"]["received_in_period"] == rows["SO-P1"]["shipped_in_period"] == "no"
    # P3: open since the week before, never shipped: in the backlog at both ends.
    assert rows["SO-P3"]["backlog_at_start"] == rows["SO-P3"]["backlog_at_end"] == "yes"

"""The orders behind each digest figure, and the CSV of a report's orders, on the hand-built
desk: the lists hold exactly the orders the figures count."""

import csv
import io

import pytest

from store.errors import ValidationFailed
from store.metrics.drill import drill_orders
from store.metrics.export import orders_csv
from store.periods import period_containing
from tests.support.metrics_desk import WEEK_START, build_desk

WEEK = period_containing("weekly", WEEK_START)


@pytest.fixture
def desk(db):
    return build_desk(db)


@pytest.mark.parametrize(("kind", "refs"), [
    ("late", ["SO-O2", "SO-O6"]),
    ("past_due", ["SO-P3", "SO-O6"]),
    ("short", ["SO-O3"]),
    ("imperfect", ["SO-O2", "SO-O3", "SO-O4", "SO-O5"]),
    ("returned", ["SO-P1"]),
    ("backlog", ["SO-P3", "SO-O6", "SO-O9"]),
])
def test_each_list_holds_the_orders_its_figure_counts(db, desk, kind, refs):
    view = drill_orders(db, kind=kind, period=WEEK, timezone="UTC")
    assert [o.ref for o in view.orders] == refs
    assert view.total == len(refs)


def test_the_reasons_say_why_an_order_is_not_perfect(db, desk):
    view = drill_orders(db, kind="imperfect", period=WEEK, timezone="UTC")
    reasons = {o.ref: o.reasons for o in view.orders}
    assert reasons == {"SO-O2": ("late",), "SO-O3": ("not_in_full",),
                       "SO-O4": ("problem_shipment",), "SO-O5": ("problem_shipment",)}


def test_late_orders_say_whether_they_shipped_late_or_not_at_all(db, desk):
    view = drill_orders(db, kind="late", period=WEEK, timezone="UTC")
    assert {o.ref: o.reasons for o in view.orders} == {"SO-O2": ("late",),
                                                       "SO-O6": ("unshipped",)}


def test_a_long_list_is_cut_but_the_total_stays(db, desk):
    view = drill_orders(db, kind="backlog", period=WEEK, timezone="UTC", limit=2)
    assert [o.ref for o in view.orders] == ["SO-P3", "SO-O6"] and view.total == 3


def test_returns_name_their_rma_and_first_shipment(db, desk):
    (order,) = drill_orders(db, kind="returned", period=WEEK, timezone="UTC").orders
    assert order.rma == "RMA-1" and order.first_shipped_at.day == 28  # not the replacement


def test_an_unknown_list_is_refused(db):
    with pytest.raises(ValidationFailed):
        drill_orders(db, kind="everything", period=WEEK, timezone="UTC")


def test_the_csv_has_every_order_received_shipped_returned_or_owed_in_the_period(db, desk):
    export = orders_csv(db, period=WEEK, timezone="UTC")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert export.rows == len(rows) == 11
    assert [r["ref"] for r in rows] == ["SO-P1", "SO-P2", "SO-P3", "SO-O1", "SO-O2", "SO-O3",
                                        "SO-O4", "SO-O5", "SO-O6", "SO-O8", "SO-O9"]
    by_ref = {r["ref"]: r for r in rows}
    assert by_ref["SO-P2"]["received_in_period"] == "no" and by_ref["SO-P2"]["perfect"] == "yes"
    assert by_ref["SO-O1"]["value"] == "25.00" and by_ref["SO-O1"]["lines"] == "2"
    assert by_ref["SO-O2"]["due_on_time"] == "no" and by_ref["SO-O2"]["due_shipped_late"] == "yes"
    assert by_ref["SO-O4"]["problem_shipment"] == "yes"
    assert by_ref["SO-O6"]["past_due_at_end"] == "yes"
    assert by_ref["SO-O5"]["complete"] == "yes"
    assert by_ref["SO-O5"]["complete_in_first_shipment"] == "no"
    assert by_ref["SO-O3"]["backordered_lines"] == "1"
    assert by_ref["SO-O4"]["cycle_hours"] == "60.00"
    assert by_ref["SO-O9"]["shipped_in_period"] == "no"
    assert by_ref["SO-O6"]["first_shipped_at_utc"] == ""
    # The CSV adds up to the figures.
    shipped = [r for r in rows if r["shipped_in_period"] == "yes"]
    assert len(shipped) == 6 and sum(r["perfect"] == "yes" for r in shipped) == 2
    assert sum(int(r["lines"]) for r in rows if r["received_in_period"] == "yes") == 10
    assert export.filename == "orders-weekly-2026-11-02-to-2026-11-08.csv"


def test_an_empty_period_gives_a_csv_with_only_the_header(db):
    export = orders_csv(db, period=WEEK, timezone="UTC")
    assert export.rows == 0 and export.content.decode().count("\n") == 1

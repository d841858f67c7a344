"""The unusual_order check: an order against its customer's own history (median and MAD, so
one odd order moves neither), the evidence in words, and bounded reads."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import event, select

from bench.triage_desk import import_problems, row, triage_desk
from store import clock
from store.enums import DiscrepancyType, Severity
from store.models import Customer, Discrepancy, Order
from store.triage.checks import findings_for
from store.triage.history import median_mad
from store.triage.rules import RULES
from store.workspace.routing import set_route
from tests.support.triage_checks import USUAL, day, history


def unusual(db, ref: str, rules=RULES):
    with db.read() as s:
        order_id = s.scalars(select(Order.id).where(Order.ref == ref)).one()
        return [f for f in findings_for(s, [order_id], rules=rules)
                if f.fingerprint.startswith("unusual_order:unusual:")]


@pytest.fixture
def desk(db, tmp_path):
    triage_desk(db)
    history(db, tmp_path)
    return db


def test_median_and_mad_ignore_one_odd_value():
    from collections import Counter
    assert median_mad(Counter({10: 2, 11: 2, 12: 2})) == (11.0, 1.0)
    assert median_mad(Counter({10: 2, 11: 2, 12: 2, 500: 1})) == (11.0, 1.0)


def test_ten_times_the_usual_quantity_is_flagged_with_its_evidence(desk, tmp_path):
    import_problems(desk, tmp_path, [row("SO-1", "WID-1001-BL", 120, "12.50")])
    (found,) = unusual(desk, "SO-1")
    assert found.title == "Line 1: WID-1001-BL usually 10–12, this order 120"
    assert (found.severity, found.evidence["found"]) == (Severity.HIGH, "120")
    assert found.evidence["expected"] == "usually 10–12 (median of 6 orders)"


def test_a_quantity_well_outside_the_spread_is_flagged_medium_and_a_usual_one_not(desk,
                                                                                 tmp_path):
    import_problems(desk, tmp_path, [row("SO-1", "WID-1001-BL", 40, "12.50"),
                                     row("SO-2", "WID-1001-BL", 13, "12.50")])
    (found,) = unusual(desk, "SO-1")
    assert (found.severity, found.title) == (
        Severity.MEDIUM, "Line 1: WID-1001-BL usually 10–12, this order 40")
    assert unusual(desk, "SO-2") == []


def test_one_odd_past_order_does_not_move_the_usual(db, tmp_path):
    triage_desk(db)
    history(db, tmp_path, (*USUAL, 500))
    import_problems(db, tmp_path, [row("SO-1", "WID-1001-BL", 120, "12.50"),
                                   row("SO-2", "WID-1001-BL", 11, "12.50")])
    assert [f.evidence["found"] for f in unusual(db, "SO-1")] == ["120"]
    assert unusual(db, "SO-2") == []
    # and the odd order itself, re-checked, is unusual against the others
    assert [f.evidence["found"] for f in unusual(db, "H-ACME-6")] == ["500"]


def test_a_price_unlike_the_customers_own_is_flagged(desk, tmp_path):
    import_problems(desk, tmp_path, [row("SO-1", "WID-1001-BL", 11, "1.25")])
    (found,) = unusual(desk, "SO-1")
    assert found.title == "Line 1: WID-1001-BL usually $12.50 each, this order $1.25"


def test_too_little_history_says_nothing(db, tmp_path):
    triage_desk(db)
    history(db, tmp_path, (10, 11, 12))  # three past orders: fewer than unusual_min_history
    import_problems(db, tmp_path, [row("SO-1", "WID-1001-BL", 120, "12.50")])
    assert unusual(db, "SO-1") == []


def test_a_high_value_order_to_a_new_address_is_flagged(desk, tmp_path):
    rules = dataclasses.replace(RULES, unusual_high_value_minor=10_000)
    import_problems(desk, tmp_path, [
        row("SO-1", "WID-1001-BL", 12, "12.50", ship_line1="77 Harbor Rd",
            ship_postal_code="60601", ship_city="Chicago"),
        row("SO-2", "WID-1001-BL", 12, "12.50", order_date=day(1))])
    (found,) = unusual(desk, "SO-1", rules)
    assert found.title == "$150.00 to a new address (77 Harbor Rd, Chicago)"
    assert found.severity == Severity.HIGH
    assert unusual(desk, "SO-2", rules) == []  # the address of every earlier order
    assert unusual(desk, "SO-1") == []  # under the default high-value threshold


def test_a_first_order_far_above_the_typical_first_order_is_flagged(desk, tmp_path):
    rules = dataclasses.replace(RULES, unusual_first_order_min_sample=1)
    with desk.write() as s:
        s.add(Customer(code="NEWCO", name="New Co", currency="USD", created_at=clock.now()))
    import_problems(desk, tmp_path, [row("SO-1", "WID-1001-BL", 200, "12.50", customer="NEWCO"),
                                     row("SO-2", "WID-1001-BL", 11, "12.50",
                                         customer="GLOBEX")])
    (found,) = unusual(desk, "SO-1", rules)
    assert found.title == ("First order of this customer: $2,500.00, a typical first order "
                           "is $137.50")
    assert unusual(desk, "SO-2", rules) == []


def test_the_history_read_is_a_fixed_number_of_queries_for_any_batch(desk, tmp_path):
    import_problems(desk, tmp_path, [row(f"SO-{n}", sku, 5 + n, "12.50", order_date=day(n))
                                     for n in range(40)
                                     for sku in ("WID-1001-BL",)])

    def history_reads(refs) -> int:
        statements = []
        engine = desk.engine
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listen)
        try:
            with desk.read() as s:
                ids = list(s.scalars(select(Order.id).where(Order.ref.in_(refs))))
                findings_for(s, ids)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return sum("GROUP BY orders.customer_id, order_lines.sku" in q for q in statements)

    assert history_reads(["SO-1"]) == history_reads([f"SO-{n}" for n in range(40)]) == 1


def test_an_unusual_order_has_its_own_type_and_route(desk, tmp_path):
    set_route(desk, actor="U0ADMIN", key="default", channel_id="C0TRIAGE")
    set_route(desk, actor="U0ADMIN", key="unusual_order", channel_id="C0RISK")
    import_problems(desk, tmp_path, [row("SO-1", "WID-1001-BL", 120, "12.50")])
    with desk.read() as s:
        found = {d.type: d.channel_id for d in s.scalars(select(Discrepancy).join(
            Order, Order.id == Discrepancy.order_id).where(Order.ref == "SO-1"))}
        assert found[DiscrepancyType.UNUSUAL_ORDER] == "C0RISK"
        assert set(found.values()) - {"C0RISK"} <= {"C0TRIAGE"}  # the others: the default

"""The order checks: each problem found once with its evidence; clean orders pass; re-checks
find nothing new; an edit that fixes a problem resolves it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bench.triage_desk import (
    EXPECTED,
    import_problems,
    problem_rows,
    row,
    triage_desk,
)
from store import clock
from store.enums import DiscrepancyStatus
from store.models import Discrepancy, Order
from store.orders.lines import LineEdit
from store.orders.operations import OrderEdit, edit_order, get_order
from store.triage.checks import check_orders, findings_for
from store.triage.rules import POSTAL_CODES, RULES
from tests.support.triage_checks import ids_by_ref


def open_items(db) -> dict[str, list[tuple[str, str]]]:
    with db.read() as s:
        rows = s.execute(select(Order.ref, Discrepancy.type, Discrepancy.severity)
                         .join(Order, Order.id == Discrepancy.order_id)
                         .where(Discrepancy.status != DiscrepancyStatus.RESOLVED))
        out: dict[str, list] = {}
        for ref, dtype, severity in rows:
            out.setdefault(ref, []).append((dtype.value, severity.value))
    return out


def test_an_import_opens_exactly_one_discrepancy_per_problem_order(db, imported):
    found = open_items(db)
    assert {ref: [t for t, _ in items] for ref, items in found.items()} == {
        ref: [dtype] for dtype, ref in EXPECTED.items()}
    assert found["SO-9005"] == [("payment_error", "high")]


def test_evidence_says_expected_and_found_and_offers_the_known_fix(db, imported):
    with db.read() as s:
        by_type = {d.type.value: d for d in s.scalars(select(Discrepancy))}
    price = by_type["price_mismatch"].evidence
    assert (price["expected"], price["found"]) == ("$12.50 (catalog price)", "$10.00")
    assert price["fix"]["kind"] == "reprice" and price["fix"]["price_minor"] == 1250
    stock = by_type["insufficient_stock"].evidence
    assert stock["fix"] == {"kind": "backorder", "product_id": stock["fix"]["product_id"],
                            "available": 3, "label": "Ship 3, backorder 7"}
    assert by_type["bad_address"].evidence["fix"]["address"]["postal_code"] == "62701"
    assert by_type["duplicate_order"].evidence["other_ref"] == "SO-9006"
    assert "credit limit" in by_type["credit_limit"].title
    assert by_type["late"].sla_due_at > by_type["late"].opened_at


def test_checking_again_opens_nothing_new(db, imported):
    before = open_items(db)
    with db.write() as s:
        report = check_orders(s, list(imported.values()), actor="system", recheck=True)
    assert report.opened == () and report.closed == ()
    assert report.findings == len(EXPECTED)
    assert open_items(db) == before


def test_the_customer_price_beats_the_catalog_and_small_differences_pass(db, tmp_path):
    triage_desk(db)
    import_problems(db, tmp_path, [row("SO-1", "BRK-3003-SS", 1, "6.00"),
                                   row("SO-2", "BRK-3003-SS", 2, "6.50"),
                                   row("SO-3", "WID-1001-BL", 1, "12.40")])
    with db.read() as s:
        found = findings_for(s, list(ids_by_ref(db).values()))
    assert [(f.type.value, f.evidence["expected"]) for f in found] == [
        ("price_mismatch", "$6.00 (customer price)")]


def test_a_discontinued_sku_and_an_old_unpaid_order_are_found(db, tmp_path):
    triage_desk(db)
    old = (clock.now() - timedelta(days=9)).date().isoformat()
    import_problems(db, tmp_path, [
        row("SO-1", "OLD-0003-BK", 1, "9.00"),
        row("SO-2", "WID-1001-BL", 1, "12.50", order_date=old, payment_status="awaiting",
            requested_date=""),
    ])
    titles = {d.title for d in _all(db)}
    assert "Line 1: OLD-0003-BK is discontinued" in titles
    assert "Payment awaited for 9 days" in titles


def test_same_lines_for_the_same_customer_within_the_window_is_a_duplicate(db, tmp_path):
    triage_desk(db)
    now = clock.now()
    first, later = (now - timedelta(hours=5)).isoformat(), now.isoformat()
    far = (now - timedelta(days=5)).isoformat()
    import_problems(db, tmp_path, [row("SO-1", "WID-1001-BL", 2, "12.50", order_date=first),
                                   row("SO-2", "WID-1001-BL", 2, "12.50", order_date=later),
                                   row("SO-3", "WID-1001-BL", 2, "12.50", order_date=far)])
    dupes = [(d.order.ref, d.evidence["other_ref"]) for d in _all(db)]
    assert dupes == [("SO-2", "SO-1")]


def test_a_po_used_before_is_a_duplicate_however_its_case_was_typed(db, tmp_path):
    """'po1001' retyped was not the PO1001 the customer had already used."""
    triage_desk(db)
    now = clock.now()
    import_problems(db, tmp_path, [
        row("SO-1", "WID-1001-BL", 1, "12.50", po_number="PO1001",
            order_date=(now - timedelta(days=20)).isoformat()),
        row("SO-2", "WID-1002-RD", 3, "12.50", po_number="po1001 ", order_date=now.isoformat()),
        row("SO-3", "WID-1001-BL", 5, "12.50", po_number="PO1002", order_date=now.isoformat())])
    dupes = [(d.order.ref, d.evidence["other_ref"]) for d in _all(db)
             if d.type.value == "duplicate_order"]
    assert dupes == [("SO-2", "SO-1")]


def _all(db) -> list[Discrepancy]:
    from sqlalchemy.orm import joinedload
    with db.read() as s:
        return list(s.scalars(select(Discrepancy).options(joinedload(Discrepancy.order))
                              .order_by(Discrepancy.id)))


@pytest.mark.parametrize(("country", "good", "bad"), [
    ("US", ["62701", "62701-1234"], ["6270", "ABCDE"]),
    ("CA", ["K1A 0B1", "k1a0b1"], ["12345", "D1A 0B1"]),
    ("GB", ["SW1A 1AA", "M1 1AE", "GIR 0AA"], ["12345", "SW1A"]),
    ("DE", ["10115"], ["1011", "ABCDE"]),
    ("FR", ["75008"], ["7500"]),
    ("JP", ["100-0001", "1000001"], ["100-01"]),
    ("ES", ["28013", "08001"], ["60000", "2801"]),
    ("NL", ["1012 AB", "1012AB"], ["0123 AB", "1012"]),
])
def test_postal_codes_must_fit_their_country(country, good, bad):
    pattern = POSTAL_CODES[country]
    assert all(pattern.fullmatch(code) for code in good)
    assert not any(pattern.fullmatch(code) for code in bad)


def test_an_edit_that_fixes_the_price_resolves_the_item_in_the_same_save(db, imported):
    version = get_order(db, ref="SO-9002").version
    edit_order(db, ref="SO-9002", actor="U0PROC1", expected_version=version,
               changes=OrderEdit(lines=(LineEdit(line_no=1, sku="", quantity=2,
                                                 unit_price="12.50"),)))
    with db.read() as s:
        d = s.scalars(select(Discrepancy).where(Discrepancy.order_id == imported["SO-9002"])).one()
    assert (d.status, d.resolution_reason, d.resolved_by) == (
        DiscrepancyStatus.RESOLVED, "no_longer_found", "U0PROC1")


def test_an_edit_that_creates_a_problem_opens_one(db, imported):
    version = get_order(db, ref="SO-9010").version
    result = edit_order(db, ref="SO-9010", actor="U0PROC1", expected_version=version,
                        changes=OrderEdit(lines=(LineEdit(line_no=1, sku="", quantity=500,
                                                          unit_price="12.50"),)))
    found = {d.type: d.title for d in result.order.open_discrepancies}
    # 500 is also far beyond what this customer's earlier orders of the SKU hold (unusual_order)
    assert sorted(found) == ["insufficient_stock", "unusual_order"]
    assert found["unusual_order"].endswith("this order 500"), found


def test_rules_are_configuration(db, imported):
    strict = dataclasses.replace(RULES, price_tolerance_pct=0.0, price_tolerance_minor=0)
    loose = dataclasses.replace(RULES, price_tolerance_pct=30.0)
    with db.read() as s:
        ids = [imported["SO-9002"]]
        assert [f.type.value for f in findings_for(s, ids, rules=strict)] == ["price_mismatch"]
        assert findings_for(s, ids, rules=loose) == []


def test_finished_orders_are_not_checked(db, imported):
    with db.write() as s:
        s.execute(update(Order).values(status="completed"))
    with db.read() as s:
        assert findings_for(s, list(imported.values())) == []


def test_problem_rows_cover_every_automatic_type():
    from store.enums import DiscrepancyType
    # "other" is a person's flag, "delivery_exception" the carrier's, "bad_contact" a bounce's,
    # "unusual_order" needs the customer's history: no import row finds them.
    assert set(EXPECTED) == {t.value for t in DiscrepancyType} - {"other", "delivery_exception",
                                                                  "bad_contact", "unusual_order"}
    assert len(problem_rows()) == 10


def _credit(db, ref: str) -> Discrepancy:
    with db.read() as s:
        return s.scalars(select(Discrepancy).join(Order, Order.id == Discrepancy.order_id)
                         .where(Order.ref == ref, Discrepancy.type == "credit_limit")).one()


def test_a_finding_is_recomputed_when_its_inputs_change(db, imported):
    """#15.7: after the order grew, the credit problem still said the old unpaid figure."""
    from store.models import Event
    assert _credit(db, "SO-9008").evidence["found"] == "$125.00 unpaid with this order"
    version = get_order(db, ref="SO-9008").version
    edit_order(db, ref="SO-9008", actor="U0PROC1", expected_version=version,
               changes=OrderEdit(lines=(LineEdit(line_no=1, sku="", quantity=12,
                                                 unit_price="12.50"),)))
    d = _credit(db, "SO-9008")
    assert (d.title, d.evidence["found"]) == ("GLOBEX is $50.00 over its credit limit",
                                              "$150.00 unpaid with this order")
    with db.read() as s:
        event = s.scalars(select(Event).where(Event.kind == "triage.updated")).one()
    assert event.discrepancy_id == d.id and "$150.00 unpaid" in event.summary


def test_another_order_of_the_customer_hears_the_new_credit_figure(db, imported, tmp_path):
    import_problems(db, tmp_path, [row("SO-9011", "BRK-3003-SS", 2, "6.50", customer="GLOBEX")])
    assert _credit(db, "SO-9011").evidence["found"] == "$138.00 unpaid with this order"
    assert _credit(db, "SO-9008").evidence["found"] == "$138.00 unpaid with this order"
    version = get_order(db, ref="SO-9008").version
    edit_order(db, ref="SO-9008", actor="U0PROC1", expected_version=version,
               changes=OrderEdit(lines=(LineEdit(line_no=1, sku="", quantity=2,
                                                 unit_price="12.50"),)))
    # $25.00 + $13.00 is under the $100.00 limit now: both orders' credit problems are gone.
    assert _credit(db, "SO-9008").status == DiscrepancyStatus.RESOLVED
    assert _credit(db, "SO-9011").status == DiscrepancyStatus.RESOLVED


def test_a_paid_new_order_leaves_the_credit_figures_of_the_others(db, imported, tmp_path):
    """A paid order adds nothing unpaid: the import neither flags it nor rewrites the other
    orders' credit items (it does not even look at them)."""
    from store.models import Event
    import_problems(db, tmp_path, [row("SO-9012", "BRK-3003-SS", 2, "6.50", customer="GLOBEX",
                                       payment_status="captured")])
    assert _credit(db, "SO-9008").evidence["found"] == "$125.00 unpaid with this order"
    with db.read() as s:
        assert s.scalars(select(Discrepancy).join(Order, Order.id == Discrepancy.order_id)
                         .where(Order.ref == "SO-9012")).all() == []
        assert s.scalars(select(Event).where(Event.kind == "triage.updated")).all() == []


def test_recording_the_payment_resolves_the_credit_problem(db, imported):
    version = get_order(db, ref="SO-9008").version
    result = edit_order(db, ref="SO-9008", actor="U0PROC1", expected_version=version,
                        changes=OrderEdit(payment_status="captured"))
    assert result.order.payment_status == "captured"
    assert [(c.field, c.before, c.after) for c in result.changed_fields] == [
        ("payment", "authorized", "captured")]
    d = _credit(db, "SO-9008")
    assert (d.status, d.resolution_reason) == (DiscrepancyStatus.RESOLVED, "no_longer_found")

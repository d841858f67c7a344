"""order_received_facts always equals a from-scratch recomputation (done here in Python from
the orders, their lines and shipments) after every kind of write that changes its inputs, and
migrations 0004, 0008 and 0022 backfill exactly what the hook writes."""

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update

from store.facts import refresh_order_facts
from store.fulfilment.allocation import allocate
from store.fulfilment.approvals import decide
from store.fulfilment.cancel import cancel_order
from store.fulfilment.returns import ReturnLineRequest as ReturnLine
from store.fulfilment.returns import create_return
from store.fulfilment.shipments import ship_form
from store.importer import import_file
from store.models import Order, OrderLine, OrderReceivedFacts, OrderShipFacts
from store.orders.edit import OrderEdit
from store.orders.intake import create_order, intake_order
from store.orders.lines import LineEdit
from store.orders.operations import edit_order, get_order
from store.seed.demo import seed_demo
from tests.support.clock import TEST_NOW, days_ago
from tests.support.desk import add_order
from tests.support.facts import completion, ship
from tests.support.facts import expected as ship_expected
from tests.support.facts import stored as ship_stored
from tests.support.fulfil_desk import REF, fulfil_desk
from tests.support.imports import ORDER_HEADER, load_reference, order_row, write_csv
from tests.support.intake import BODY
from tests.support.race import at_once

ACTOR = "U0PROC1"
MIGRATIONS = Path(__file__).parents[3] / "store" / "migrations" / "versions"


def expected(db) -> dict:
    with db.read() as s:
        return {o.id: (o.ordered_at, o.customer_id, o.currency, o.status.value != "canceled",
                       len(o.lines), sum(1 for x in o.lines if x.quantity_backordered > 0),
                       sum(x.quantity * x.unit_price_minor for x in o.lines),
                       o.status.value == "open" and all(x.return_id for x in o.shipments),
                       o.promised_date or o.requested_date, o.status.value == "open",
                       o.status.value == "open" and completion(o)[1] is None)
                for o in s.scalars(select(Order)) if o.status.value != "draft"}


def stored(db) -> dict:
    with db.read() as s:
        return {f.order_id: (f.ordered_at, f.customer_id, f.currency, bool(f.owed),
                             f.line_count, f.short_lines, f.value_minor,
                             bool(f.awaiting_shipment), f.due_date, bool(f.is_open),
                             bool(f.awaiting_completion))
                for f in s.scalars(select(OrderReceivedFacts))}


def facts_of(db, ref: str) -> tuple | None:
    return stored(db).get(get_order(db, ref=ref).id)


def edit(db, changes: OrderEdit, ref: str = REF):
    return edit_order(db, ref=ref, actor=ACTOR, changes=changes,
                      expected_version=get_order(db, ref=ref).version)


@pytest.fixture
def desk(db):
    ids = fulfil_desk(db)
    facts = stored(db)
    assert facts == expected(db)
    assert facts_of(db, REF)[4:8] == (3, 0, 4 * 1250 + 10 * 300 + 2 * 600, True)
    assert facts_of(db, "SO-1045") is None  # a draft was never received
    return ids


def test_editing_quantities_prices_and_lines_keeps_the_facts_exact(db, desk):
    edit(db, OrderEdit(lines=(LineEdit(1, "WID-1042-BL", 6, "12.00"),
                              LineEdit(3, "BRK-3003-SS", 2, remove=True),
                              LineEdit(None, "CBL-5005-BK", "1"))))
    assert stored(db) == expected(db)
    assert facts_of(db, REF)[4:7] == (3, 0, 6 * 1200 + 10 * 300 + 1 * 300)


def test_a_price_applied_on_approval_keeps_the_facts_exact(db, desk):
    edit(db, OrderEdit(lines=(LineEdit(1, "", 4, "10.00"),)))  # 20 % off: waits for a manager
    assert facts_of(db, REF)[6] == 4 * 1250 + 10 * 300 + 2 * 600
    decide(db, approval_id=1, actor="U0MGR1", approve=True)
    assert stored(db) == expected(db)
    assert facts_of(db, REF)[6] == 4 * 1000 + 10 * 300 + 2 * 600


def test_backordering_opening_a_draft_and_canceling_keep_the_facts_exact(db, desk):
    allocate(db, ref="SO-1042", actor=ACTOR)  # one gizmo line backordered
    edit(db, OrderEdit(transition_to="open"), ref="SO-1045")
    cancel_order(db, ref=REF, actor=ACTOR, reason="customer changed their mind")
    assert stored(db) == expected(db)
    assert facts_of(db, "SO-1042")[5] == 1
    assert facts_of(db, "SO-1045")[3:8] == (True, 2, 0, 4 * 600 + 100, True)
    assert facts_of(db, REF)[3] is False  # canceled: still received, nobody waits for it
    assert facts_of(db, REF)[7] is False  # and it is not open any more


def test_orders_created_in_the_modal_and_by_intake_have_exact_facts(db):
    from bench.triage_desk import triage_desk

    triage_desk(db)
    intake_order(db, body=BODY)
    view = create_order(db, actor=ACTOR, customer_code="ACME",
                        lines=[(1, "WID-1001-BL", 3, None), (2, "BRK-3003-SS", 1, "7.25")])
    assert stored(db) == expected(db)
    assert facts_of(db, "WEB-7")[4:8] == (2, 0, 2 * 1250 + 1 * 600, True)
    assert facts_of(db, view.ref)[4:8] == (2, 0, 3 * 1250 + 725, True)


def test_imported_orders_have_exact_facts(db, tmp_path):
    load_reference(db)
    path = write_csv(tmp_path / "orders.csv", ORDER_HEADER, [
        order_row("IMP-1", quantity="2", price="12.50"),
        order_row("IMP-1", "BRK-3003-SS", "3", "1"),
        order_row("IMP-2", quantity="1", price="100", currency="EUR")])
    report = import_file(db, kind="orders", path=path)
    assert report.rows_imported == 3
    assert stored(db) == expected(db)
    assert facts_of(db, "IMP-1")[2:8] == ("USD", True, 2, 0, 2500 + 300, True)
    assert facts_of(db, "IMP-2")[2:8] == ("EUR", True, 1, 0, 10000, True)


def test_shipping_ends_the_wait_and_a_replacement_shipment_does_not(db, desk):
    assert facts_of(db, "SO-1044")[7] is False  # the desk's shipped order
    ship(db, l1=1)
    assert facts_of(db, REF)[7] is False
    assert stored(db) == expected(db)
    ship(db, ref="SO-2002", l1=3)
    ret = create_return(db, ref="SO-2002", actor=ACTOR,
                        lines=[ReturnLine(1, "1", "replace", "defective")])
    keys = [x.key for x in ship_form(db, ref="SO-2002").lines if x.key.startswith("r")]
    ship(db, ref="SO-2002", **{keys[0]: 1})
    assert ret and stored(db) == expected(db)


def test_shipping_the_last_unit_ends_the_wait_for_completion(db, desk):
    # Read from the ship facts refreshed in the same flush: refreshed in the other order, the
    # received facts would still see the order's completion as it was before the shipment.
    ship(db, ref="SO-2002", l1=1)
    assert facts_of(db, "SO-2002")[9:] == (True, True)  # open, two units to ship
    ship(db, ref="SO-2002", l1=2)
    assert facts_of(db, "SO-2002")[9:] == (True, False)  # still open, nothing left to ship
    assert stored(db) == expected(db)


def test_two_people_shipping_the_last_units_at_once_leave_the_facts_exact(db, desk):
    # Each shipment's refresh reads the other's only if shipping locks the order (FOR UPDATE
    # on PostgreSQL; SQLite writes one at a time): otherwise both would see two units owed.
    ship(db, ref="SO-2002", l1=1)
    outcomes = at_once(*[lambda: ship(db, ref="SO-2002", l1=1)] * 2)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert errors == []
    assert facts_of(db, "SO-2002")[9:] == (True, False)
    assert stored(db) == expected(db)


def test_core_writes_are_caught_by_calling_the_refresh(db, desk):
    ship(db, l1=1)
    order_id = get_order(db, ref=REF).id
    with db.write() as s:  # a bulk write bypasses the ORM: this is what the refresh is for
        s.execute(update(OrderLine).where(OrderLine.order_id == order_id)
                  .values(quantity=1, quantity_backordered=1))
    assert stored(db) != expected(db) and ship_stored(db) != ship_expected(db)
    with db.write() as s:
        refresh_order_facts(s, order_ids=[order_id])
    assert stored(db) == expected(db) and ship_stored(db) == ship_expected(db)


def test_the_bulk_seed_writes_exact_facts_to_both_tables(db):
    seed_demo(db, orders=400, seed=3)
    received, shipped = stored(db), ship_stored(db)
    assert len(received) > 300 and len(shipped) > 100
    assert received == expected(db) and shipped == ship_expected(db)


def _migration(name: str):
    path = next(MIGRATIONS.glob(f"{name}_*.py"))
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _backfill(session) -> None:
    """Migration 0004's rows, then what 0008 and 0022 added to them."""
    session.execute(text(_migration("0004").BACKFILL))
    for statement in _migration("0008").BACKFILL:
        session.execute(text(statement))
    session.execute(text(_migration("0022").BACKFILL))


def test_the_migration_backfills_exactly_what_the_hook_writes(db, desk):
    allocate(db, ref="SO-1042", actor=ACTOR)
    with db.write() as s:  # an order without lines, and one in another currency
        add_order(s, "SO-EMPTY", desk["ACME"], days_ago(0), lines=[])
        other = add_order(s, "SO-EUR", desk["BETA"], days_ago(0), lines=[("X-1", None, 2, 999)])
        other.currency = "EUR"
    cancel_order(db, ref=REF, actor=ACTOR, reason="test")
    hooked = stored(db)
    assert hooked == expected(db) and len(hooked) >= 6
    with db.write() as s:
        s.execute(delete(OrderReceivedFacts))
        _backfill(s)
    assert stored(db) == hooked


def test_the_migration_backfill_on_seeded_data(db):
    seed_demo(db, orders=300, seed=5, now=TEST_NOW)
    hooked = stored(db)
    with db.write() as s:
        s.execute(delete(OrderReceivedFacts))
        s.execute(update(OrderShipFacts).values(complete_at=None, full_lines=0))
        _backfill(s)
    assert stored(db) == hooked == expected(db)
    assert ship_stored(db) == ship_expected(db)  # 0008 filled in their completion

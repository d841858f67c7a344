"""Issue #14 item 5: an order total beyond MAX_ORDER_TOTAL is refused where lines are set
(intake, import, New order, edit), naming the field; a number too large for the database is
an OutOfRange error, never reported as the database being down."""

import pytest
from sqlalchemy import select

from bench.triage_desk import triage_desk
from store.customers import get_customer
from store.db import DATABASE_DOWN
from store.errors import IntakeRejected, OutOfRange, ValidationFailed
from store.importer import import_file
from store.models import Customer, Order, OrderLine
from store.money import MAX_ORDER_TOTAL
from store.orders.intake import create_order, intake_order
from store.orders.operations import LineEdit, OrderEdit, edit_order, get_order
from tests.support.clock import TODAY, days_ago
from tests.support.intake import BODY

HUGE_LINE = {"sku": "WID-1001-BL", "quantity": 1_000_000, "unit_price": "9999999999.99"}
LIMIT_SHOWN = "$100,000,000,000.00"


@pytest.fixture
def desk(db):
    return triage_desk(db)


def orders(db) -> int:
    with db.read() as s:
        return len(s.scalars(select(Order.id)).all())


def test_intake_of_ten_huge_lines_is_refused_naming_the_line(db, desk):
    with pytest.raises(IntakeRejected) as refused:
        intake_order(db, body={**BODY, "lines": [HUGE_LINE] * 10})
    assert (refused.value.status, refused.value.field) == (422, "lines[0].quantity")
    assert LIMIT_SHOWN in refused.value.message
    assert orders(db) == 0


def test_the_line_that_tips_the_total_over_is_the_one_named(db, desk):
    price = "99999.99"  # 100,000 of these is 9,999,999,000.00 a line: ten fit, the 11th not
    lines = [{"sku": "WID-1001-BL", "quantity": 100_000, "unit_price": price}] * 11
    with pytest.raises(IntakeRejected) as refused:
        intake_order(db, body={**BODY, "lines": lines})
    assert refused.value.field == "lines[10].quantity"
    intake_order(db, body={**BODY, "lines": lines[:10]})  # at the limit: accepted
    assert orders(db) == 1


def test_a_new_order_over_the_limit_is_refused_under_the_line(db, desk):
    with pytest.raises(ValidationFailed) as refused:
        create_order(db, actor="U0PROC1", customer_code="ACME",
                     lines=[(1, "WID-1001-BL", "1000000", "9999999999.99")])
    assert list(refused.value.errors) == ["line.1.quantity"]
    assert LIMIT_SHOWN in refused.value.errors["line.1.quantity"]


def test_an_edit_over_the_limit_is_refused_even_when_the_price_awaits_approval(db, desk):
    order = intake_order(db, body=BODY)
    version = get_order(db, ref=order.order_ref).version
    with pytest.raises(ValidationFailed) as refused:
        edit_order(db, ref=order.order_ref, actor="U0PROC1", expected_version=version,
                   today=TODAY, changes=OrderEdit(lines=(
                       LineEdit(1, "WID-1001-BL", "1000000", "9999999999.99"),)))
    assert LIMIT_SHOWN in refused.value.errors["lines.1.quantity"]
    with pytest.raises(ValidationFailed) as refused:
        edit_order(db, ref=order.order_ref, actor="U0PROC1", expected_version=version,
                   today=TODAY, changes=OrderEdit(lines=(
                       LineEdit(None, "WID-1001-BL", "1000000", "9999999999.99"),)))
    assert LIMIT_SHOWN in refused.value.errors["lines.new.quantity"]


def test_an_import_file_over_the_limit_is_a_row_error(db, desk, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_ref,customer_code,order_date,sku,quantity,unit_price\n"
                    f"BIG-1,ACME,{days_ago(3).isoformat()},WID-1001-BL,1000000,9999999999.99\n"
                    f"OK-1,ACME,{days_ago(3).isoformat()},WID-1001-BL,2,12.50\n")
    report = import_file(db, kind="orders", path=path)
    assert (report.rows_imported, report.rows_rejected) == (1, 1)
    assert any(LIMIT_SHOWN in r.reason for r in report.rejections)


def test_a_number_too_large_to_store_is_out_of_range_not_an_outage(db, desk):
    with db.read() as s:
        customer_id = s.scalars(select(Customer.id)).first()
    with pytest.raises(OutOfRange) as refused:  # written around the checks, as old data was
        with db.write() as s:
            order = Order(ref="RAW-1", customer_id=customer_id, currency="USD",
                          ordered_at=days_ago(1), status="open", source="import")
            order.lines = [OrderLine(line_no=n, sku="WID-1001-BL", quantity=1_000_000,
                                     unit_price_minor=10**12 - 1) for n in range(1, 11)]
            s.add(order)
    assert not isinstance(refused.value, DATABASE_DOWN)
    assert "nothing was saved" in refused.value.message


def test_the_limit_is_documented_in_one_place():
    assert MAX_ORDER_TOTAL == 10**13


def test_sums_over_old_oversized_orders_are_out_of_range_not_an_outage(db, desk):
    """Two orders stored before the limit (each inside 64 bits, their sum not): the customer
    card adds them up. SQLite's sum overflows (OutOfRange, not 'database unavailable');
    PostgreSQL's sum of bigints is numeric and answers."""
    with db.write() as s:
        customer = s.scalars(select(Customer).where(Customer.code == "ACME")).one()
        for n in (1, 2):
            order = Order(ref=f"OLD-{n}", customer_id=customer.id, currency="USD",
                          ordered_at=days_ago(1), status="open", source="import",
                          payment_status="awaiting")
            order.lines = [OrderLine(line_no=1, sku="WID-1001-BL", quantity=1_000_000,
                                     unit_price_minor=5 * 10**12)]
            s.add(order)
    try:
        card = get_customer(db, query="ACME")
    except OutOfRange as err:
        assert db.is_sqlite and "too large" in err.message
    else:
        assert not db.is_sqlite and card.code == "ACME"

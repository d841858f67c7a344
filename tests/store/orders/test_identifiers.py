"""Issue #14 item 8: refs, PO numbers, SKUs and customer codes with bidi overrides or
zero-width characters are refused at every door (intake, import, New order, edit), naming
the field; nothing is stored."""

import pytest
from sqlalchemy import select

from bench.triage_desk import triage_desk
from store.errors import IntakeRejected, ValidationFailed
from store.importer import import_file
from store.models import Order
from store.orders.intake import create_order, intake_order
from store.orders.operations import LineEdit, OrderEdit, edit_order, get_order
from tests.support.clock import TODAY, days_ago
from tests.support.intake import BODY

SNEAKY = "SO-1\u202e\u200b99"


@pytest.fixture
def desk(db):
    return triage_desk(db)


def refs(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(Order.ref)))


@pytest.mark.parametrize("body, field", [
    ({**BODY, "order_ref": SNEAKY}, "order_ref"),
    ({**BODY, "po_number": "PO-77\u200b81"}, "po_number"),
    ({**BODY, "customer_code": "AC\u2060ME"}, "customer_code"),
    ({**BODY, "lines": [{"sku": "WID-1001\u202d-BL", "quantity": 1}]}, "lines[0].sku"),
])
def test_intake_refuses_invisible_characters_in_identifiers(db, desk, body, field):
    with pytest.raises(IntakeRejected) as refused:
        intake_order(db, body=body)
    assert (refused.value.status, refused.value.field) == (400, field)
    assert "invisible character" in refused.value.message
    assert refs(db) == []


def test_the_new_order_modal_refuses_them_under_the_field(db, desk):
    with pytest.raises(ValidationFailed) as refused:
        create_order(db, actor="U0PROC1", customer_code="ACME", po_number="PO\u200e-1",
                     lines=[(1, "WID-1001-BL", "1", None)])
    assert list(refused.value.errors) == ["po_number"]
    with pytest.raises(ValidationFailed) as refused:
        create_order(db, actor="U0PROC1", customer_code="ACME",
                     lines=[(1, "NEW\u200b-SKU", "1", "2.00")])
    assert list(refused.value.errors) == ["line.1.sku"]


def test_the_editor_refuses_them_in_a_new_lines_sku(db, desk):
    order = intake_order(db, body=BODY)
    with pytest.raises(ValidationFailed) as refused:
        edit_order(db, ref=order.order_ref, actor="U0PROC1", today=TODAY,
                   expected_version=get_order(db, ref=order.order_ref).version,
                   changes=OrderEdit(lines=(LineEdit(None, "WID-1001\u202e-BL", "1"),)))
    assert "invisible character" in refused.value.errors["lines.new.sku"]


def test_an_import_row_with_them_is_rejected_naming_the_column(db, desk, tmp_path):
    path = tmp_path / "orders.csv"
    day = days_ago(3).isoformat()
    path.write_text("order_ref,customer_code,order_date,po_number,sku,quantity\n"
                    f"{SNEAKY},ACME,{day},,WID-1001-BL,1\n"
                    f"IMP-2,ACME,{day},PO-\u200b9,WID-1001-BL,1\n"
                    f"IMP-3,ACME,{day},,WID-1001-BL,1\n", encoding="utf-8")
    report = import_file(db, kind="orders", path=path)
    assert {(r.row, r.column) for r in report.rejections} == {(2, "order_ref"), (3, "po_number")}
    assert refs(db) == ["IMP-3"]

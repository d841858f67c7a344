"""A late order stays flagged when someone edits it: the sweep owns that finding, not the checks."""

from sqlalchemy import select, update

from store.enums import DiscrepancyStatus, DiscrepancyType
from store.fulfilment.allocation import flag_late_orders
from store.models import Discrepancy, Order
from store.orders.operations import OrderEdit, edit_order, get_order
from tests.support.clock import TODAY, in_days
from tests.support.desk import build


def test_an_edit_does_not_resolve_the_late_flag(db):
    build(db)
    with db.write() as session:
        session.execute(update(Order).where(Order.ref == "SO-1042")
                        .values(promised_date=in_days(-4)))
    assert flag_late_orders(db) >= 1

    order = get_order(db, ref="SO-1042")
    edit_order(db, ref="SO-1042", actor="U0PROC1", expected_version=order.version,
               changes=OrderEdit(shipping_instructions="Dock 4"), today=TODAY)

    with db.read() as session:
        late = session.scalars(select(Discrepancy).join(Order).where(
            Order.ref == "SO-1042", Discrepancy.type == DiscrepancyType.LATE)).one()
    assert late.status != DiscrepancyStatus.RESOLVED

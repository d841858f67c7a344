"""A late order stays flagged when someone edits it: the sweep owns that finding, not the checks."""

from datetime import UTC, date, datetime

from sqlalchemy import select, update

from store.allocation import flag_late_orders
from store.enums import DiscrepancyStatus, DiscrepancyType
from store.models import Discrepancy, Order
from store.orders import OrderEdit, edit_order, get_order
from tests.store.test_orders_builder import build

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def test_an_edit_does_not_resolve_the_late_flag(db):
    build(db)
    with db.write() as session:
        session.execute(update(Order).where(Order.ref == "SO-1042")
                        .values(promised_date=date(2026, 11, 21)))
    assert flag_late_orders(db, now=NOW) >= 1

    order = get_order(db, ref="SO-1042")
    edit_order(db, ref="SO-1042", actor="U0PROC1", expected_version=order.version,
               changes=OrderEdit(shipping_instructions="Dock 4"), today=NOW.date())

    with db.read() as session:
        late = session.scalars(select(Discrepancy).join(Order).where(
            Order.ref == "SO-1042", Discrepancy.type == DiscrepancyType.LATE)).one()
    assert late.status != DiscrepancyStatus.RESOLVED

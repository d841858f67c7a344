"""A triage button pressed while someone edits the same order. The buttons locked the item
and then, writing its Event, the order; an edit locks the order and then its items: on
PostgreSQL the two deadlocked (8 runs in 9) and the loser read "cannot reach its database"."""

import pytest
from sqlalchemy import select

from store.errors import OrderdeskError
from store.models import Discrepancy
from store.orders import apply_fix, edit_order, get_order
from store.orders.edit import OrderEdit
from store.orders.lines import LineEdit
from store.triage import assign, resolve
from tests.support.fulfil_desk import REF, fulfil_desk
from tests.support.race import at_once

DESK, OTHER = "U0PROC1", "U0PROC2"
RUNS = 4


def price_item(db) -> int:
    """SO-2001's line 1 priced under the catalog: a price mismatch with a re-price fix."""
    fulfil_desk(db, routes=False)
    edit_order(db, ref=REF, actor=DESK, expected_version=get_order(db, ref=REF).version,
               changes=OrderEdit(lines=(LineEdit(1, "", 4, "12.00"),)))
    with db.read() as s:
        return s.scalars(select(Discrepancy.id).where(
            Discrepancy.type == "price_mismatch")).one()


BUTTONS = {
    "apply_fix": lambda db, d: apply_fix(db, discrepancy_id=d, actor=DESK),
    "resolve": lambda db, d: resolve(db, discrepancy_id=d, actor=DESK, reason="accepted"),
    "assign": lambda db, d: assign(db, discrepancy_id=d, actor=DESK, assignee=DESK),
}


@pytest.mark.parametrize("button", list(BUTTONS))
def test_a_button_raced_by_an_edit_of_its_order_never_deadlocks(db, button):
    item = price_item(db)
    for _ in range(RUNS):
        version = get_order(db, ref=REF).version
        outcomes = at_once(lambda: BUTTONS[button](db, item), lambda: edit_order(
            db, ref=REF, actor=OTHER, expected_version=version,
            changes=OrderEdit(lines=(LineEdit(1, "", 4, "12.50" if _ % 2 == 0 else "12.00"),))))
        unexpected = [o for o in outcomes
                      if isinstance(o, Exception) and not isinstance(o, OrderdeskError)]
        assert not unexpected, unexpected

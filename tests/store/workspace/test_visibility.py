"""The one visibility policy (store.workspace.visibility): who sees what of an order."""

import pytest

from store.enums import Role
from store.orders import get_order
from store.workspace import FULL, STATUS, Viewer, cut_order, sight
from store.workspace.visibility import narrower
from tests.support.desk import build


@pytest.mark.parametrize("role, policy, owner, expected", [
    (Role.PROCESSOR, "status", "U0OTHER", FULL),
    (Role.MANAGER, "status", None, FULL),
    (Role.SALES, "status", "U0ME", FULL),       # their own account
    (Role.SALES, "status", "U0OTHER", STATUS),  # another rep's
    (Role.SALES, "status", None, STATUS),       # nobody's
    (Role.SALES, "full", "U0OTHER", FULL),
])
def test_sight_by_role_policy_and_owner(role, policy, owner, expected):
    assert sight(Viewer("U0ME", role, policy), owner_id=owner) == expected


def test_a_status_cut_keeps_status_and_drops_the_rest(db):
    build(db)
    order = get_order(db, ref="SO-1044")
    cut = cut_order(order, STATUS)
    assert (cut.ref, cut.status, cut.fulfilment_status, cut.sight) == (
        order.ref, order.status, order.fulfilment_status, STATUS)
    assert cut.lines == () and cut.total_minor == 0 and cut.ship_to.is_empty()
    assert cut.shipments[0].carrier == "UPS" and cut.shipments[0].tracking_number is None
    assert cut_order(order, FULL) is order and cut_order(order, "nothing") is None
    assert narrower(FULL, STATUS) == STATUS and narrower("nothing", FULL) == "nothing"

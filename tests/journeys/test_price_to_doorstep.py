"""An imported order with a price problem, from triage to the customer's door: triaged,
override requested, approved, released, picked, packed, shipped; the rep's followed thread
hears each step; the digest counts it."""

from datetime import date

from sqlalchemy import select

from messages.actions import ApprovalActions, OrderActions
from store import clock
from store.enums import DiscrepancyStatus
from store.metrics import build_digest
from store.models import Discrepancy, Follow
from store.periods import period_containing
from tests.support.journeys import MANAGER, PROCESSOR, SAM, buttons, text_of

REF, PO = "HX-2001", "4500012345"


def test_a_price_problem_is_approved_and_the_order_ships_with_the_rep_hearing_each_step(journey):
    """Would have failed on main at #15.1: the manager's approval of $90.00 (list $133.95)
    reopened a high price_mismatch "opened by" the manager, offering to re-price it back, and
    `/order release` refused the order because of it. (Also: the followed thread heard
    nothing of the approval, the release, picking or packing.)"""
    j = journey
    j.import_orders({"order_ref": REF, "customer_code": "GLOBEX", "po_number": PO,
                     "sku": "7731-0042", "quantity": "4", "unit_price": "80.00"})
    parent = j.triage_parent(REF)
    assert "$80.00" in text_of(parent) and "$133.95" in text_of(parent)

    # The rep follows the order from the card; the thread starts in the rep's DM.
    card = j.card(PO, user=SAM)  # the rep knows the customer's PO
    j.click(OrderActions.FOLLOW, card, user=SAM)
    j.wait_for(lambda: j.dms(SAM))
    followed = j.dms(SAM)[-1]
    assert f"You now follow *{REF}*" in text_of(followed)

    # The processor agrees $90.00 with the customer: a discount that needs a manager.
    editor = j.modal(f"edit {REF}")
    j.submit(editor, {"lines.1.unit_price": "90.00"})
    j.said(PROCESSOR, "waiting for approval #1")
    post = j.manager_post(REF)
    assert "Discount approval #1" in text_of(post)
    j.click(ApprovalActions.APPROVE, post, user=MANAGER)
    j.wait_for(lambda: buttons(post) == [])

    with j.db.read() as s:
        items = s.execute(select(Discrepancy.title, Discrepancy.status, Discrepancy.opened_by)
                          .order_by(Discrepancy.id)).all()
    assert [(status, by) for _t, status, by in items] == [(DiscrepancyStatus.RESOLVED, "import")]
    assert j.line_prices(REF) == [9000]

    j.slash(f"release {REF}")
    j.said(PROCESSOR, "is released to the warehouse")
    pick = j.pick_pack_ship(REF)
    j.wait_for(lambda: "Nothing left to pick or ship" in text_of(pick))

    # The rep's thread heard every step, in order.
    def heard():
        return [m.text for m in j.thread(followed)]
    steps = ["line 1 unit price → $90.00 (waiting for approval #1)",
             "line 1 unit price $80.00 → $90.00 (approved, #1)", "Resolved: Line 1",
             "went to the warehouse", "is picked in the warehouse",
             "is packed in the warehouse", "shipped: 4 unit(s) via UPS"]
    j.wait_for(lambda: all(any(step in n for n in heard()) for step in steps),
                  message=f"the thread hears {steps}")
    warehouse = [n for n in heard() if "warehouse" in n or "shipped:" in n]
    assert [step in n for step, n in zip(steps[3:], warehouse, strict=True)] == [True] * 4
    with j.db.read() as s:
        assert s.scalar(select(Follow.order_id)) == j.order(REF).id

    digest = build_digest(j.db, period=period_containing("weekly", clock.today()),
                          timezone="UTC").current
    assert (digest.orders_received, digest.orders_shipped, digest.shipped_perfect) == (1, 1, 1)
    assert (digest.discrepancies_opened, digest.discrepancies_resolved) == (1, 1)
    assert isinstance(digest.start.date(), date)

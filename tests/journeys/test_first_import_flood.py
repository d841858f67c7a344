"""A desk's first import brings a flood of findings: one summary keeps the channel readable,
every item can still be worked from it, a rep's manual flag and the new work that follows
still get their own messages."""

from sqlalchemy import select

from messages.actions import TriageActions
from store.enums import DiscrepancyStatus
from store.models import Discrepancy
from tests.support.journeys import PROCESSOR, SOFIA, TRIAGE, text_of


def test_a_flood_from_the_first_import_is_summarised_and_each_item_still_actionable(journey):
    """Would have failed on main at #15.5: 10 of the 14 items got a message and the rest were
    only counted (`/orders queue` listed everything, not that batch); the rep's "please
    expedite" flag during the flood only bumped the counter; new work that hour was buried."""
    j = journey
    j.import_orders(*({"order_ref": f"HX-50{n:02d}", "customer_code": "INITECH",
                       "po_number": f"45000500{n:02d}", "sku": "HXV12", "quantity": str(n),
                       "unit_price": "1.00"} for n in range(1, 15)), name="backlog.csv")
    j.wait_for(lambda: j.posts(TRIAGE), message="the summary")
    (summary,) = j.posts(TRIAGE)
    assert "*14* new discrepancies arrived at once" in text_of(summary)

    flagged = j.slash("flag HX-5003 please expedite, the customer's line is down", user=SOFIA)
    assert flagged.status == 200
    j.deliver()
    flag_parent = j.triage_parent("HX-5003", "please expedite")
    assert flag_parent is not summary

    j.click_button(TriageActions.QUEUE, summary)
    queue = j.said(PROCESSOR, "open discrepancies batched in")
    assert "*14* open discrepancies batched in" in text_of(queue)
    assert "showing 1–14 of 14" in text_of(queue) and "please expedite" not in text_of(queue)
    j.click_button(TriageActions.ASSIGN_ME, queue)
    with j.db.read() as s:
        owned = s.scalars(select(Discrepancy.owner_id).where(
            Discrepancy.status == DiscrepancyStatus.ASSIGNED)).all()
    assert owned == [PROCESSOR]

    # New work after the flood gets its own message: the backlog did not use up the hour.
    j.import_orders({"order_ref": "HX-5100", "customer_code": "INITECH", "sku": "PX.900",
                     "quantity": "1", "unit_price": "9.00"}, name="new.csv")
    j.triage_parent("HX-5100", "Price mismatch")
    assert len(j.posts(TRIAGE)) == 3

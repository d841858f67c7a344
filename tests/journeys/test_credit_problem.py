"""A credit problem: found on import, kept current as the order grows, resolved by the check once
the payment is recorded; then the order goes to the warehouse."""

from sqlalchemy import select

from store.enums import DiscrepancyStatus, DiscrepancyType
from store.models import Discrepancy
from tests.support.journeys import PROCESSOR, text_of

REF = "HX-3001"


def credit_item(j) -> Discrepancy:
    with j.db.read() as s:
        return s.scalars(select(Discrepancy).where(
            Discrepancy.type == DiscrepancyType.CREDIT_LIMIT)).one()


def test_the_credit_figure_follows_the_order_and_the_payment_resolves_it(journey):
    """Would have failed on main at #15.7: after the order grew by $124.00 the credit problem
    still said `$5,358.00 unpaid with this order` (and no one could record the payment)."""
    j = journey
    j.import_orders({"order_ref": REF, "customer_code": "GLOBEX", "po_number": "4500020001",
                     "sku": "7731-0042", "quantity": "40", "unit_price": "133.95"})
    parent = j.triage_parent(REF, "credit limit")
    assert "$5,358.00 unpaid with this order" in text_of(parent)

    j.submit(j.modal(f"edit {REF}"), {"lines.new.sku": "HXV12", "lines.new.quantity": "10"})
    j.said(PROCESSOR, "Saved *HX-3001*")
    j.wait_for(lambda: "$5,482.00 unpaid with this order" in text_of(parent),
                  message="the parent shows the new unpaid total")
    assert "GLOBEX is $482.00 over its credit limit" in text_of(parent)
    j.wait_for(lambda: any("$5,482.00 unpaid" in m.text for m in j.thread(parent)))
    assert credit_item(j).evidence["found"] == "$5,482.00 unpaid with this order"

    j.submit(j.modal(f"edit {REF}"), {"payment": "captured"})
    j.said(PROCESSOR, "payment: authorized → captured")
    item = credit_item(j)
    assert (item.status, item.resolution_reason) == (DiscrepancyStatus.RESOLVED,
                                                    "no_longer_found")
    j.wait_for(lambda: "Resolved" in text_of(parent) or "resolved" in text_of(parent))
    j.slash(f"release {REF}")
    j.said(PROCESSOR, "is released to the warehouse")

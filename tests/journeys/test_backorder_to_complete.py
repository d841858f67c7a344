"""An order short on stock: backordered, restocked, shipped in two parts; at the end it is not
backordered and the fill and perfect-order figures count it complete. Past due after its due
date while units are owed, not once they have all shipped."""

from datetime import UTC, datetime, time, timedelta

from messages.actions import FulfilmentActions, TriageActions
from store import clock
from store.metrics import build_digest
from store.periods import custom_period, period_containing
from tests.support.journeys import PROCESSOR, buttons, text_of

REF = "#1001"


def test_a_backorder_filled_by_a_restock_leaves_the_order_complete_and_perfect(journey):
    """Would have failed on main at #15.4: after the restock and the second shipment the line
    kept quantity_backordered = 2, so the order counted as backordered, never complete, never
    perfect (line fill 1 of 2)."""
    j = journey
    due = clock.today() + timedelta(days=30)
    j.import_orders(
        {"order_ref": REF, "customer_code": "INITECH", "po_number": "PO 77/A", "sku": "PX.900",
         "quantity": "3", "unit_price": "58.00", "requested_date": due.isoformat()},
        {"order_ref": REF, "customer_code": "INITECH", "sku": "HXV12", "quantity": "10",
         "unit_price": "12.40", "requested_date": due.isoformat()})
    parent = j.triage_parent(REF, "available")
    assert "PX.900: 3 ordered, 1 available" in text_of(parent)
    j.slash(f"release {REF}")
    j.said(PROCESSOR, "open discrepancies")  # the stock problem holds it back

    # Ship what is there, backorder the rest: the processor applies the known fix.
    j.click_button(TriageActions.FIX, parent)
    j.wait_for(lambda: "Resolved" in text_of(parent) or "resolved" in text_of(parent))
    j.slash(f"release {REF}")
    j.said(PROCESSOR, "2 unit(s) are not in stock and were backordered")
    assert [(sku, reserved, short) for sku, _q, _p, reserved, short in j.lines(REF)] == [
        ("PX.900", 1, 2), ("HXV12", 10, 0)]
    pick = j.pick_request(REF)
    assert "*backordered 2*" in text_of(pick)

    # First part: what was reserved leaves from the pick request.
    before = len(j.sb.views(user=PROCESSOR))
    j.click(FulfilmentActions.SHIP, pick)
    j.wait_for(lambda: len(j.sb.views(user=PROCESSOR)) > before)
    j.submit(j.sb.views(user=PROCESSOR)[-1], {"carrier": "FedEx", "tracking": "123456789012"})
    j.said(PROCESSOR, "the rest can ship later")
    assert j.order(REF).fulfilment_status.value == "partially_shipped"
    assert _past_due_after(j, due) == 1  # two units owed, as the data stands

    # Stock arrives; the second part ships and fills the backorder.
    j.restock("PX.900", 5)
    j.submit(j.modal(f"ship {REF}"), {"carrier": "FedEx", "tracking": "123456789013"})
    j.said(PROCESSOR, "Everything has shipped")
    assert [(sku, short) for sku, _q, _p, _r, short in j.lines(REF)] == [
        ("PX.900", 0), ("HXV12", 0)]
    j.wait_for(lambda: "backordered" not in text_of(pick) and buttons(pick) == [])

    week = build_digest(j.db, period=period_containing("weekly", clock.today()),
                        timezone="UTC").current
    assert (week.orders_received, week.orders_backordered) == (1, 0)
    assert (week.orders_shipped, week.shipped_complete, week.shipped_perfect) == (1, 1, 1)
    assert (week.lines_shipped, week.lines_filled) == (2, 2)
    assert _past_due_after(j, due) == 0


def _past_due_after(j, due) -> int:
    """Orders past due at the end of the days from today to `due`, as read once they are over
    (read before, a running period counts past due as of today)."""
    after = datetime.combine(due + timedelta(days=1), time(0), tzinfo=UTC)
    return build_digest(j.db, period=custom_period(clock.today(), due), timezone="UTC",
                        now=after).current.past_due

"""Canceling through the sandbox: before shipment (modal for the reason, stock released,
the pick request says stop, the rep told by DM), with the reason inline, and refused after
shipment with the reason why."""

from messages.actions import CancelActions
from tests.support.fulfil_desk import reserved_lines, stock
from tests.support.fulfilment import PROCESSOR, REP, buttons, text_of


def test_cancel_before_shipment_releases_stock_stops_the_pick_and_tells_the_rep(ful):
    ful.slash("release SO-2001")
    pick = ful.pick_message()
    assert stock(ful.db, "WID-1042-BL") == (100, 14)

    view = ful.modal("cancel SO-2001")
    assert view.callback_id == CancelActions.CALLBACK
    ful.submit(view, {"reason": "Customer found a cheaper <supplier>"})
    assert not view.is_open
    ful.said(PROCESSOR, "is canceled; 16 reserved unit(s) went back to stock")
    order = ful.order()
    assert (order.status.value, order.canceled_reason) == (
        "canceled", "Customer found a cheaper <supplier>")
    assert stock(ful.db, "WID-1042-BL") == (100, 10)
    assert stock(ful.db, "CBL-5005-BK") == (50, 0)
    assert stock(ful.db, "BRK-3003-SS") == (30, 0)
    assert reserved_lines(ful.db) == [0, 0, 0]
    ful.sb.wait_for(lambda: "Canceled — do not pick" in text_of(pick))
    assert buttons(pick) == []
    ful.sb.wait_for(lambda: ful.sb.messages(REP))
    dm = text_of(ful.sb.messages(REP)[-1])
    assert "SO-2001" in dm and "cheaper &lt;supplier&gt;" in dm and f"<@{PROCESSOR}>" in dm


def test_cancel_with_the_reason_inline_needs_no_modal(ful):
    answer = ful.slash("cancel SO-1043 duplicate of SO-1042")
    assert "is canceled" in str(answer.body)
    assert ful.sb.views(user=PROCESSOR) == []
    assert ful.order("SO-1043").canceled_reason == "duplicate of SO-1042"


def test_cancel_after_shipment_is_refused_with_the_reason(ful):
    ful.slash("release SO-2001")
    ful.submit(ful.modal("ship SO-2001"), {"carrier": "Other", "qty.l1": "1", "qty.l2": "0",
                                           "qty.l3": "0"})
    ful.said(PROCESSOR, "the rest can ship later")
    for text in ("cancel SO-2001", "cancel SO-2001 too late"):
        answer = ful.slash(text)
        assert "have already shipped" in str(answer.body) or "already left" in str(answer.body)
        assert "Start a return" in str(answer.body)
    assert ful.sb.views(user=PROCESSOR) == []
    assert ful.order().status.value == "open"
    assert stock(ful.db, "WID-1042-BL") == (99, 13)
    assert reserved_lines(ful.db) == [3, 10, 2]


def test_a_rep_who_cannot_be_reached_is_not_said_to_be_told(ful):
    """#15.6: "@U0SALES3 was told" although that DM failed (no such user in the workspace)."""
    from sqlalchemy import select

    from store.models import Customer, Event
    with ful.db.write() as s:
        s.get(Customer, ful.ids["ACME"]).sales_rep_id = "U0GHOST1"
    answer = ful.slash("cancel SO-2001 customer went elsewhere")
    assert "was told" not in str(answer.body) and "gets a DM" in str(answer.body)
    ful.deliver()

    def recorded():
        with ful.db.read() as s:
            return s.scalars(select(Event.summary).where(
                Event.kind == "notice.undelivered")).all()
    ful.sb.wait_for(recorded)
    assert "U0GHOST1" in recorded()[0] and "channel_not_found" in recorded()[0]
    card = ful.sb.slash("/order", "SO-2001", user=PROCESSOR, channel="C0ORDERS")
    assert "could not be delivered" in str(card.body)

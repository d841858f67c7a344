"""Approvals through the sandbox: a big refund approved (not by its requester, not by a
sales rep), a deep discount from the order editor rejected with a reason, each requester
told by DM, and the manager post kept current."""

from sqlalchemy import select

from bench.app_stack import ADMIN, MANAGER, SALES
from messages.actions import ApprovalActions, EditOrderIds
from store.models import Approval, Order, Return
from tests.support.fulfil_desk import MANAGER_CHANNEL
from tests.support.fulfilment import PROCESSOR, buttons, text_of


def ship_pumps_and_ask_for_a_refund(ful, requester: str):
    ful.slash("release SO-2002")
    ful.submit(ful.modal("ship SO-2002"), {"carrier": "DHL", "tracking": "1234567890"})
    ful.said(PROCESSOR, "Everything has shipped")
    with ful.db.write() as s:  # paid: its refund gives money back
        s.scalars(select(Order).where(Order.ref == "SO-2002")).one().payment_status = "captured"
    view = ful.modal("return SO-2002", user=requester)
    ful.submit(view, {"ret.1.quantity": "2", "ret.1.outcome": "refund",
                      "ret.1.reason": "not_needed"}, user=requester)
    # $360.00 goods + 995 × 36000 / 54000 = 663.33 -> $6.63 shipping = $366.63 > $250.00
    ful.said(requester, "Refund *$366.63*")
    ful.said(requester, "waits for a manager's approval (#1)")
    ful.sb.wait_for(lambda: ful.manager_posts())
    return ful.manager_posts()[-1]


def test_a_big_refund_waits_for_another_manager_and_the_requester_hears_the_outcome(ful):
    post = ship_pumps_and_ask_for_a_refund(ful, requester=MANAGER)
    assert "Refund approval #1" in text_of(post) and "$366.63" in text_of(post)
    assert buttons(post) == [ApprovalActions.APPROVE, ApprovalActions.REJECT]
    assert ful.order("SO-2002").payment_status.value == "captured"  # not refunded yet

    ful.click(ApprovalActions.APPROVE, post, user=MANAGER)
    ful.said(MANAGER, "You asked for approval #1 yourself")
    ful.click(ApprovalActions.APPROVE, post, user=SALES)
    ful.said(SALES, "your role is sales")
    with ful.db.read() as s:
        assert s.scalars(select(Approval.status)).one().value == "pending"

    ful.click(ApprovalActions.APPROVE, post, user=ADMIN)
    ful.sb.wait_for(lambda: buttons(post) == [])
    assert "Approved" in text_of(post) and f"<@{ADMIN}>" in text_of(post)
    ful.sb.wait_for(lambda: any("approved your refund request #1" in text_of(m)
                                for m in ful.sb.messages(MANAGER)))
    with ful.db.read() as s:
        assert s.scalars(select(Return.status)).one().value == "approved"
        order = s.scalars(select(Order).where(Order.ref == "SO-2002")).one()
        assert order.payment_status.value == "partially_refunded"
    assert len(ful.manager_posts()) == 1  # updated in place


def test_a_deep_discount_from_the_editor_is_rejected_with_a_reason(ful):
    ful.slash("edit SO-1043")
    ful.sb.wait_for(lambda: ful.sb.views(user=PROCESSOR))
    editor = ful.sb.views(user=PROCESSOR)[-1]
    assert editor.callback_id == EditOrderIds.CALLBACK
    ful.submit(editor, {"lines.1.unit_price": "10.00"})
    ful.said(PROCESSOR, "waiting for approval #1")
    assert unit_price(ful, "SO-1043") == 4500  # not applied yet

    ful.deliver()  # the editor queued the manager post; the clock delivers it
    ful.sb.wait_for(lambda: ful.manager_posts())
    post = ful.manager_posts()[-1]
    assert "Discount approval #1" in text_of(post) and "$105.00" in text_of(post)
    ful.click(ApprovalActions.REJECT, post, user=MANAGER)
    ful.sb.wait_for(lambda: ful.sb.views(user=MANAGER))
    modal = ful.sb.views(user=MANAGER)[-1]
    ful.submit(modal, {"reason": "Too deep; offer 5% at most"}, user=MANAGER)
    assert not modal.is_open
    ful.sb.wait_for(lambda: buttons(post) == [])
    assert "Rejected" in text_of(post) and "Too deep; offer 5% at most" in text_of(post)
    ful.sb.wait_for(lambda: any("rejected your discount request #1" in text_of(m)
                                and "Too deep" in text_of(m)
                                for m in ful.sb.messages(PROCESSOR)))
    assert unit_price(ful, "SO-1043") == 4500
    assert post.channel == MANAGER_CHANNEL and len(ful.manager_posts()) == 1


def unit_price(ful, ref: str) -> int:
    with ful.db.read() as s:
        return s.scalars(select(Order).where(Order.ref == ref)).one().lines[0].unit_price_minor

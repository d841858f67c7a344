"""Approvals: which price edits need one, applying and refusing them, who may decide, and
requests made while no manager channel is routed."""

import dataclasses

import pytest
from sqlalchemy import select

from store.errors import ApprovalNotFound, ApprovalRefused, ValidationFailed
from store.fulfilment.approvals import decide, gate_price_change, get_approval, post_unrouted
from store.fulfilment.rules import RULES
from store.models import Approval, ChannelRoute, Event, Order, OutboxMessage
from store.orders.edit import OrderEdit
from store.orders.lines import LineEdit
from store.orders.operations import edit_order, get_order
from tests.support.fulfil_desk import fulfil_desk

REQUESTER, MANAGER = "U0PROC1", "U0MGR1"


@pytest.fixture
def desk(db):
    return fulfil_desk(db)


def set_price(db, ref: str, line_no: int, price: str, actor: str = REQUESTER):
    edit = OrderEdit(lines=(LineEdit(line_no=line_no, sku="", quantity=_qty(db, ref, line_no),
                                     unit_price=price),))
    return edit_order(db, ref=ref, actor=actor, expected_version=get_order(db, ref=ref).version,
                      changes=edit)


def _qty(db, ref, line_no) -> int:
    return next(x.quantity for x in get_order(db, ref=ref).lines if x.line_no == line_no)


def price(db, ref: str, line_no: int = 1) -> int:
    return next(x.unit_price_minor for x in get_order(db, ref=ref).lines if x.line_no == line_no)


def test_small_price_changes_apply_and_big_ones_wait(db, desk):
    set_price(db, "SO-2001", 1, "12.00")  # 4% under list, $2.00 moved: applied
    assert price(db, "SO-2001") == 1200
    saved = set_price(db, "SO-2001", 1, "10.00")  # 20% under list: a discount
    assert "waiting for approval #1" in saved.changed_fields[0].after
    assert price(db, "SO-2001") == 1200
    set_price(db, "SO-2002", 1, "220.00")  # over list, but moves the line by $120.00
    assert price(db, "SO-2002") == 18000
    with db.read() as s:
        kinds = [(a.kind.value, a.amount_minor, a.payload["to"])
                 for a in s.scalars(select(Approval).order_by(Approval.id))]
    assert kinds == [("discount", 1000, 1000), ("price_override", 12000, 22000)]
    set_price(db, "SO-2001", 1, "10.00")  # asked again: the same request, not a second one
    with db.read() as s:
        assert len(s.scalars(select(Approval)).all()) == 2


def test_a_wrong_price_set_back_to_the_list_price_needs_no_approval(db, desk):
    """$100.00 typed for a $180.00 pump is flagged; correcting it to the list price moved the
    line by 3 × $80.00 and asked a manager to approve that as an 'override'."""
    with db.write() as s:  # the wrong price, as an import or a storefront left it
        order = s.scalars(select(Order).where(Order.ref == "SO-2002")).one()
        order.lines[0].unit_price_minor = 10000
    set_price(db, "SO-2002", 1, "180.00")
    assert price(db, "SO-2002") == 18000
    with db.read() as s:
        assert s.scalars(select(Approval)).all() == []


def test_thresholds_are_configuration(db, desk):
    strict = dataclasses.replace(RULES, discount_approval_pct=1.0)
    with db.write() as s:
        order = s.scalars(select(Order).where(Order.ref == "SO-2001")).one()
        assert gate_price_change(s, order, order.lines[0], 1200, actor=REQUESTER) is None
        assert gate_price_change(s, order, order.lines[0], 1200, actor=REQUESTER,
                                 rules=strict).startswith("waiting for approval #1")


def test_an_approved_price_is_applied_and_logged(db, desk):
    set_price(db, "SO-2001", 1, "10.00")
    result = decide(db, approval_id=1, actor=MANAGER, approve=True)
    assert result.approval.status == "approved" and price(db, "SO-2001") == 1000
    with db.read() as s:
        event = s.scalars(select(Event).where(Event.kind == "approval.approved")).one()
        assert event.changes[0] == {"field": "line 1 unit price", "before": "$12.50",
                                    "after": "$10.00"}
        dm = s.scalars(select(OutboxMessage).where(
            OutboxMessage.dedupe_key == "approval:1:dm")).one()
        assert dm.payload["channel"] == REQUESTER


def test_who_may_decide_and_when(db, desk):
    set_price(db, "SO-2001", 1, "10.00")
    with pytest.raises(ApprovalRefused, match="yourself"):
        decide(db, approval_id=1, actor=REQUESTER, approve=True)
    with pytest.raises(ApprovalRefused, match="yourself"):
        get_approval(db, approval_id=1, actor=REQUESTER)
    with pytest.raises(ValidationFailed, match="Say why"):
        decide(db, approval_id=1, actor=MANAGER, approve=False, reason="  ")
    with pytest.raises(ApprovalNotFound):
        decide(db, approval_id="nope", actor=MANAGER, approve=True)
    set_price(db, "SO-2001", 1, "11.00", actor=MANAGER)  # the line moved on meanwhile
    with pytest.raises(ApprovalRefused, match="changed since"):
        decide(db, approval_id=1, actor="U0ADMIN", approve=True)
    decide(db, approval_id=1, actor="U0ADMIN", approve=False, reason="superseded")
    with pytest.raises(ApprovalRefused, match="already rejected by <@U0ADMIN>"):
        decide(db, approval_id=1, actor=MANAGER, approve=True)
    assert price(db, "SO-2001") == 1100


def test_a_request_made_while_no_manager_channel_is_routed_is_posted_once_one_is(db):
    fulfil_desk(db, routes=False)
    saved = set_price(db, "SO-2001", 1, "10.00")
    assert "/orders route manager #channel" in saved.changed_fields[0].after
    assert post_unrouted(db) == []
    with db.write() as s:
        s.add(ChannelRoute(key="manager", channel_id="C0MGR"))
    (row_id,) = post_unrouted(db)
    assert post_unrouted(db) == []
    with db.read() as s:
        row = s.get(OutboxMessage, row_id)
        assert (row.payload["channel"], row.dedupe_key) == ("C0MGR", "approval:1:post")


def test_an_approved_price_is_the_agreed_price_and_the_order_releases(db, desk):
    """#15.1: approving $12.50 → $10.00 (20% under list) opened a high price_mismatch whose
    fix undid the approval, and release refused the order because of it."""
    from store.enums import DiscrepancyStatus, DiscrepancyType
    from store.fulfilment import allocate
    from store.models import Discrepancy

    set_price(db, "SO-2001", 1, "10.00")
    decide(db, approval_id=1, actor=MANAGER, approve=True)
    with db.read() as s:
        open_prices = s.scalars(select(Discrepancy).where(
            Discrepancy.type == DiscrepancyType.PRICE_MISMATCH,
            Discrepancy.status != DiscrepancyStatus.RESOLVED)).all()
    assert open_prices == []
    assert allocate(db, ref="SO-2001", actor=REQUESTER).order.fulfilment_status == "allocated"
    # Another price on that line is not what was agreed: the check finds it again.
    set_price(db, "SO-2001", 1, "11.50", actor=MANAGER)  # 8% under list: no approval needed
    with db.read() as s:
        titles = s.scalars(select(Discrepancy.title).where(
            Discrepancy.type == DiscrepancyType.PRICE_MISMATCH,
            Discrepancy.status != DiscrepancyStatus.RESOLVED)).all()
    assert titles == ["Line 1: WID-1042-BL at $11.50, catalog price $12.50"]


def _edit_lines(db, *lines):
    return edit_order(db, ref="SO-2001", actor=REQUESTER, changes=OrderEdit(lines=lines),
                      expected_version=get_order(db, ref="SO-2001").version)


def _open_price_items(db) -> list[str]:
    from store.models import Discrepancy
    with db.read() as s:
        return list(s.scalars(select(Discrepancy.title).where(
            Discrepancy.type == "price_mismatch", Discrepancy.status != "resolved")))


def _approve_waiting(db) -> None:
    with db.read() as s:
        waiting = list(s.scalars(select(Approval.id).where(Approval.status == "pending")))
    for approval_id in waiting:
        decide(db, approval_id=approval_id, actor=MANAGER, approve=True)


def test_an_approved_price_does_not_follow_its_line_to_another_sku(desk, db):
    """A $9.00 Widget was approved on line 1; the SKU then corrected to a $45.00 Gizmo with
    the price untouched was not flagged: the approval went by line number alone."""
    _edit_lines(db, LineEdit(1, "", 4, "9.00"))
    _approve_waiting(db)
    assert not _open_price_items(db)
    _edit_lines(db, LineEdit(1, "GIZ-2001-RD", 4, "9.00"))
    assert _open_price_items(db)


def test_an_approved_price_does_not_pass_to_a_new_line_under_its_number(desk, db):
    _edit_lines(db, LineEdit(3, "", 2, "2.00"))  # Bracket $6.00 -> $2.00, approved
    _approve_waiting(db)
    _edit_lines(db, LineEdit(3, "", 2, "2.00", remove=True))
    _edit_lines(db, LineEdit(None, "WID-1042-BL", 2, "2.00"))  # numbered 3 again
    assert [ln.line_no for ln in get_order(db, ref="SO-2001").lines][-1] == 3
    assert _open_price_items(db), "a $12.50 Widget at $2.00 is not flagged"

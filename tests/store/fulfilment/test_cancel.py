"""Canceling: refused once anything shipped, else stock back, approvals dropped, rep told."""

import pytest
from sqlalchemy import select

from store.errors import CannotCancel, ValidationFailed
from store.fulfilment.allocation import allocate
from store.fulfilment.cancel import cancel_order, check_cancel
from store.fulfilment.shipments import ShipRequest, ship_order
from store.models import Approval, Customer, Event, OutboxMessage
from store.orders.edit import OrderEdit
from store.orders.lines import LineEdit
from store.orders.operations import edit_order, get_order
from tests.support.clock import TODAY
from tests.support.fulfil_desk import REF, fulfil_desk, reserved_lines, stock
from tests.support.outbox import rendered

ACTOR = "U0PROC1"


@pytest.fixture
def desk(db):
    ids = fulfil_desk(db)
    with db.write() as s:
        s.get(Customer, ids["ACME"]).sales_rep_id = "U0SALES1"
    return ids


def test_canceling_releases_stock_drops_waiting_approvals_and_tells_the_rep(db, desk):
    allocate(db, ref=REF, actor=ACTOR)
    edit_order(db, ref=REF, actor=ACTOR, expected_version=get_order(db, ref=REF).version,
               changes=OrderEdit(lines=(LineEdit(1, "", 4, "5.00"),)))
    result = cancel_order(db, ref=REF, actor=ACTOR, reason=" customer   changed their mind ")
    assert (result.order.status, result.order.fulfilment_status) == ("canceled", "unfulfilled")
    assert (result.released, result.rep_id) == (16, "U0SALES1")
    assert reserved_lines(db) == [0, 0, 0] and stock(db, "WID-1042-BL") == (100, 10)
    assert not result.pick.can_ship and result.pick.canceled
    with db.read() as s:
        approval = s.scalars(select(Approval)).one()
        assert (approval.status.value, approval.decision_reason) == (
            "rejected", "SO-2001 was canceled")
        dm = s.scalars(select(OutboxMessage).where(
            OutboxMessage.dedupe_key == f"cancel:{result.order.id}:rep")).one()
        assert dm.payload["channel"] == "U0SALES1"
        event = s.scalars(select(Event).where(Event.kind == "canceled")).one()
        assert event.summary == "canceled it: customer changed their mind"
    with pytest.raises(CannotCancel, match="already canceled"):
        cancel_order(db, ref=REF, actor=ACTOR, reason="again")


def test_a_reason_is_required_and_shipped_goods_block_canceling(db, desk):
    with pytest.raises(ValidationFailed, match="Say why"):
        cancel_order(db, ref=REF, actor=ACTOR, reason="")
    ship_order(db, ref=REF, actor=ACTOR, request=ShipRequest(
        "Other", None, TODAY, None, {"l1": "1"}))
    with pytest.raises(CannotCancel, match="Start a return"):
        check_cancel(db, ref=REF)
    with pytest.raises(CannotCancel, match="Start a return"):
        cancel_order(db, ref=REF, actor=ACTOR, reason="too late")
    assert check_cancel(db, ref="so-1045") == "SO-1045"  # a draft can be canceled


def follow_notices(db, prefix: str) -> dict[str, str]:
    """follower -> the text queued into their thread by the change whose key starts so."""
    with db.read() as s:
        ids = s.scalars(select(OutboxMessage.id).where(
            OutboxMessage.dedupe_key.like(f"{prefix}%"))).all()
    posts = [rendered(db, row_id) for row_id in ids]
    return {p["thread_ts"]: p["text"] for p in posts}


def test_another_reps_thread_hears_shipments_and_cancels_without_tracking_or_reason(db, desk):
    from store.questions.follows import follow

    for who in ("U0SALES1", "U0SALES2"):  # the account's rep and another rep
        follow(db, ref=REF, channel_id="C0ORDERS", thread_ts=who, user_id=who)
    ship_order(db, ref=REF, actor=ACTOR, request=ShipRequest(
        "UPS", "Ground", TODAY, "1Z999AA10123456784", {"l1": "1"}))
    shipped = follow_notices(db, "shipped:")
    assert shipped["U0SALES1"].endswith("via UPS, tracking 1Z999AA10123456784.")
    assert shipped["U0SALES2"] == f"{REF} partly shipped: 1 unit(s) via UPS."
    for who in ("U0SALES1", "U0SALES2"):
        follow(db, ref="SO-2002", channel_id="C0ORDERS", thread_ts=who, user_id=who)
    cancel_order(db, ref="SO-2002", actor=ACTOR, reason="customer found it at $3 less")
    canceled = follow_notices(db, "canceled:")
    assert canceled == {"U0SALES1": "SO-2002 was canceled: customer found it at $3 less",
                        "U0SALES2": "SO-2002 was canceled."}


def test_a_cancel_records_only_what_it_changed(db, desk):
    """An order never released read 'fulfilment: unfulfilled → unfulfilled' and 'reserved:
    0 → 0' in its history beside the real change."""
    cancel_order(db, ref="SO-2002", actor="U0PROC1", reason="duplicate")
    with db.read() as s:
        event = s.scalars(select(Event).where(Event.kind == "canceled")).one()
    assert [c["field"] for c in event.changes] == ["status"]

"""A problem that resolved itself when it went away, and comes back: a new item opens (before,
ON CONFLICT kept the resolved row and nothing opened, so an order over its credit limit a
second time went to the warehouse), and the first keeps its history for the figures."""

import pytest
from sqlalchemy import select

from store.enums import DiscrepancyStatus, DiscrepancyType, OutboxStatus
from store.errors import NotReady
from store.fulfilment import allocate
from store.models import Customer, Discrepancy, OutboxMessage
from store.orders import edit_order, get_order
from store.orders.edit import OrderEdit
from store.orders.lines import LineEdit
from store.triage import resolve
from tests.support.fulfil_desk import REF, fulfil_desk

ACTOR = "U0PROC1"


def edit(db, **changes):
    return edit_order(db, ref=REF, actor=ACTOR, expected_version=get_order(db, ref=REF).version,
                      changes=OrderEdit(**changes))


def items(db, kind=DiscrepancyType.CREDIT_LIMIT) -> list[Discrepancy]:
    with db.read() as s:
        return list(s.scalars(select(Discrepancy).where(Discrepancy.type == kind)
                              .order_by(Discrepancy.id)))


@pytest.fixture
def limited(db):
    ids = fulfil_desk(db)
    with db.write() as s:
        acme = s.get(Customer, ids["ACME"])
        acme.credit_limit_minor, acme.sales_rep_id = 100_000, "U0SALES1"  # $1,000
    return db


def over(db):
    edit(db, lines=(LineEdit(1, "WID-1042-BL", 100, "12.50"),))  # $1,250, with SO-2002's $540


def under(db):
    edit(db, lines=(LineEdit(1, "WID-1042-BL", 4, "12.50"),))


def test_over_the_credit_limit_again_opens_a_new_item_and_holds_the_release(limited):
    db = limited
    over(db)
    under(db)
    over(db)
    first, second = items(db)
    assert (first.status, first.resolution_reason) == (DiscrepancyStatus.RESOLVED,
                                                       "no_longer_found")
    assert first.resolved_at is not None  # its week's "resolved" figure stays
    assert second.status == DiscrepancyStatus.NEW and second.opened_at > first.opened_at
    with pytest.raises(NotReady):
        allocate(db, ref=REF, actor=ACTOR)


def test_the_owner_hears_each_time_it_comes_and_goes(limited):
    db = limited
    over(db)
    under(db)
    over(db)
    under(db)
    with db.read() as s:
        dms = list(s.scalars(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.dedupe_key.startswith("triage-dm:"),
            OutboxMessage.status == OutboxStatus.PENDING).order_by(OutboxMessage.id)))
    assert [k.split(":")[2] for k in dms] == ["flagged", "resolved", "flagged", "resolved"]


def test_payment_failing_again_is_flagged_again(db):
    fulfil_desk(db)
    edit(db, payment_status="failed")
    edit(db, payment_status="captured")
    edit(db, payment_status="failed")
    assert [d.status for d in items(db, DiscrepancyType.PAYMENT_ERROR)] == [
        DiscrepancyStatus.RESOLVED, DiscrepancyStatus.NEW]


def test_an_item_a_person_resolved_stays_resolved(limited):
    db = limited
    over(db)
    resolve(db, discrepancy_id=items(db)[0].id, actor=ACTOR, reason="accepted",
            note="the customer paid by wire")
    under(db)
    over(db)
    assert [(d.status, d.resolution_reason) for d in items(db)] == [
        (DiscrepancyStatus.RESOLVED, "accepted")]

"""POST /connect/tracking end to end: EasyPost tracker events signed as EasyPost signs them
(X-Hmac-Signature: hmac-sha256-hex=...), over HTTP to the app, the sandbox standing in for
Slack. The shipment follows, followers hear, exceptions open a discrepancy; retries and stale
events change nothing; forgeries and junk are refused with nothing stored."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bench.app_stack import CHANNEL
from store import clock
from store.enums import DiscrepancyType, FulfilmentStatus
from store.fulfilment import ShipRequest, ship_order
from store.models import ConnectSource, Discrepancy, Order, Shipment
from store.questions import follow
from tests.support.clock import TODAY
from tests.support.connect import REP, TRIAGE_CHANNEL, detail, easypost_event

NUMBER = "1Z999AA19876543210"


def at(hours: float) -> str:
    return (clock.now() + timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


@pytest.fixture
def shipped(connect):
    """SO-2001 shipped in full by UPS, and a thread in #orders following it."""
    ship_order(connect.db, ref="SO-2001", actor="U0PROC1", request=ShipRequest(
        "UPS", "Ground", TODAY, NUMBER, {"l1": "4", "l2": "10", "l3": "2"}))
    root = connect.client().chat_postMessage(channel=CHANNEL, text="where is SO-2001?")
    follow(connect.db, ref="SO-2001", channel_id=CHANNEL, thread_ts=root["ts"], user_id=REP)
    connect.deliver()
    return connect, root["ts"]


def shipment(t) -> Shipment:
    with t.db.read() as s:
        return s.scalars(select(Shipment).where(Shipment.tracking_number == NUMBER)).one()


def thread_texts(t, ts) -> list[str]:
    return [m.text for m in t.sb.thread(CHANNEL, ts)]


def test_the_shipment_follows_the_carrier_and_followers_hear(shipped):
    t, ts = shipped
    status, answer = t.tracking(easypost_event(NUMBER, "in_transit", event_id="evt_1",
                                               updated_at=at(1)))
    assert (status, answer["order_ref"], answer["status"], answer["applied"]) == \
        (200, "SO-2001", "in_transit", True)
    status, answer = t.tracking(easypost_event(NUMBER, "out_for_delivery", event_id="evt_2",
                                               updated_at=at(20)))
    assert (status, answer["status"]) == (200, "out_for_delivery")
    t.sb.wait_for(lambda: any("out for delivery" in x for x in thread_texts(t, ts)))

    arrived = at(25)
    delivered = easypost_event(NUMBER, "delivered", event_id="evt_3", updated_at=at(26), details=[
        detail("in_transit", at(1), "Departed facility"),
        detail("delivered", arrived, "Delivered, front door")])
    status, answer = t.tracking(delivered)
    assert (status, answer["status"], answer["duplicate"]) == (200, "delivered", False)
    t.sb.wait_for(lambda: any("was delivered" in x for x in thread_texts(t, ts)))
    got = shipment(t)
    assert got.tracking_status == "delivered"
    assert got.delivered_at == datetime.fromisoformat(arrived)  # the carrier's time, not ours
    with t.db.read() as s:
        order = s.scalars(select(Order).where(Order.ref == "SO-2001")).one()
        assert order.fulfilment_status == FulfilmentStatus.DELIVERED

    # EasyPost retries the same event, then an older one arrives late: nothing moves.
    again = t.tracking(delivered)
    assert again == (200, {**answer, "duplicate": True})
    status, stale = t.tracking(easypost_event(NUMBER, "in_transit", event_id="evt_0",
                                              updated_at=at(2)))
    assert (status, stale["applied"], stale["status"]) == (200, False, "delivered")
    t.deliver()
    texts = thread_texts(t, ts)
    assert sum("out for delivery" in x for x in texts) == 1
    assert sum("was delivered" in x for x in texts) == 1
    assert shipment(t).tracking_status == "delivered"
    with t.db.read() as s:
        source = s.get(ConnectSource, "tracking")
        assert (source.accepted, source.duplicate, source.refused) == (4, 1, 0)


@pytest.mark.parametrize(("status", "words"), [("failure", "could not be delivered"),
                                               ("return_to_sender", "going back to sender")])
def test_a_failed_delivery_opens_a_delivery_exception_routed_and_the_rep_told(
        shipped, status, words):
    t, _ = shipped
    body = easypost_event(NUMBER, status, event_id=f"evt_{status}", updated_at=at(30),
                          details=[detail(status, at(30), "Address not found")])
    got, answer = t.tracking(body)
    assert (got, answer["discrepancies"]) == (200, 1)
    assert t.tracking(body)[1]["duplicate"] is True
    with t.db.read() as s:
        (item,) = s.scalars(select(Discrepancy).where(
            Discrepancy.type == DiscrepancyType.DELIVERY_EXCEPTION)).all()
        assert words in item.title and "Address not found" in item.evidence["found"]
        # #21: the figures messages/ words it from in Spanish, beside the English
        assert item.evidence["words"] == {"kind": "delivery_exception", "ref": "SO-2001",
                                          "tracking": NUMBER, "status": status,
                                          "message": "Address not found"}
    t.sb.wait_for(lambda: any("SO-2001" in json.dumps(m.blocks) + (m.text or "")
                              for m in t.sb.messages(TRIAGE_CHANNEL)))
    t.sb.wait_for(lambda: any("SO-2001" in json.dumps(m.blocks) + (m.text or "")
                              for m in t.sb.messages(REP)))


def test_an_unknown_tracking_number_is_taken_and_reported(shipped):
    t, _ = shipped
    status, answer = t.tracking(easypost_event("1Z999AA10000000000", "in_transit",
                                               event_id="evt_x", updated_at=at(1)))
    assert (status, answer["order_ref"], answer["applied"]) == (200, None, False)
    with t.db.read() as s:
        assert "1Z999AA10000000000" in s.get(ConnectSource, "tracking").last_error


def test_other_easypost_events_are_taken_and_ignored(shipped):
    t, _ = shipped
    body = {"id": "evt_b", "object": "Event", "description": "batch.updated", "result": {}}
    assert t.tracking(body) == (200, {"ok": True, "ignored": "batch.updated",
                                      "duplicate": False})


def good():
    return easypost_event(NUMBER, "delivered", event_id="evt_9", updated_at=at(3))


@pytest.mark.parametrize(("kwargs", "code", "field"), [
    ({"secret": "not-the-secret"}, 401, None),
    ({"signature": ""}, 401, None),
    ({"signature": "sha256=" + "0" * 64}, 401, None),
    ({"raw": b"{not json"}, 400, None),
    ({"raw": json.dumps(["a list"]).encode()}, 400, None),
])
def test_forgeries_and_junk_are_refused_with_nothing_stored(shipped, kwargs, code, field):
    t, _ = shipped
    body = None if "raw" in kwargs else good()
    status, answer = t.tracking(body, **kwargs)
    assert (status, answer["ok"], answer["field"]) == (code, False, field)
    assert shipment(t).tracking_status is None
    with t.db.read() as s:
        source = s.get(ConnectSource, "tracking")
        assert (source.accepted, source.refused) == (0, 1) and source.last_error


@pytest.mark.parametrize(("change", "field"), [
    (lambda b: b.pop("id"), "id"),
    (lambda b: b["result"].pop("tracking_code"), "result.tracking_code"),
    (lambda b: b["result"].update(status="teleported"), "result.status"),
    (lambda b: b.update(result="delivered"), "result"),
    (lambda b: b["result"].update(updated_at="yesterday"), "result.updated_at"),
    (lambda b: b["result"].update(tracking_details=[{"datetime": "soon"}]),
     "result.tracking_details[0].datetime"),
])
def test_a_body_that_is_not_a_tracker_event_is_a_400_naming_the_field(shipped, change, field):
    t, _ = shipped
    body = good()
    change(body)
    status, answer = t.tracking(body)
    assert (status, answer["ok"], answer["field"]) == (400, False, field), answer
    assert shipment(t).tracking_status is None

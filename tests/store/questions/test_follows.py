"""Follows, notices queued in the outbox with the change, and events claimed exactly once."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from store import clock
from store.enums import Role
from store.errors import OrderNotFound
from store.models import ChannelLink, Follow, Order, OutboxMessage, ProcessedEvent
from store.orders.edit import OrderEdit
from store.orders.operations import edit_order, get_order
from store.questions.follows import Audience, edit_notice, follow, notify_followers, unfollow
from store.views.orders import FieldChange
from store.views.questions import FULL
from store.workspace.events import claim_event, forget_events, message_key
from store.workspace.roles import set_role
from tests.support.clock import in_days
from tests.support.desk import build
from tests.support.outbox import rendered
from tests.support.race import at_once

A, B = ("C0ORDERS", "1700000000.000100"), ("D0SALES1", "1700000000.000200")


@pytest.fixture
def desk(db):
    build(db)
    return db


def order_id(db, ref):
    with db.read() as session:
        return session.scalar(select(Order.id).where(Order.ref == ref))


def outbox_rows(db):
    with db.read() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_follow_is_idempotent_and_unknown_orders_are_refused(desk):
    first = follow(desk, ref="so 1042", channel_id=A[0], thread_ts=A[1], user_id="U0SALES1")
    again = follow(desk, ref="SO-1042", channel_id=A[0], thread_ts=A[1], user_id="U0SALES2")
    assert (first.ref, first.created, again.created) == ("SO-1042", True, False)
    with pytest.raises(OrderNotFound):
        follow(desk, ref="SO-4040", channel_id=A[0], thread_ts=A[1], user_id="U0SALES1")
    with desk.read() as session:
        assert session.scalar(select(func.count()).select_from(Follow)) == 1


def test_unfollow_stops_some_or_all_orders_of_one_thread_only(desk):
    for ref in ("SO-1042", "SO-1043"):
        follow(desk, ref=ref, channel_id=A[0], thread_ts=A[1], user_id="U0SALES1")
    follow(desk, ref="SO-1042", channel_id=B[0], thread_ts=B[1], user_id="U0SALES1")
    assert unfollow(desk, channel_id=A[0], thread_ts=A[1], refs=["1043"]) == ("SO-1043",)
    assert unfollow(desk, channel_id=A[0], thread_ts=A[1]) == ("SO-1042",)
    assert unfollow(desk, channel_id=A[0], thread_ts=A[1]) == ()
    with desk.read() as session:
        assert session.execute(select(Follow.channel_id)).scalars().all() == [B[0]]


def test_notify_followers_queues_one_post_per_thread_in_the_callers_transaction(desk):
    for channel, ts in (A, B):
        follow(desk, ref="SO-1042", channel_id=channel, thread_ts=ts, user_id="U0SALES1")
    oid = order_id(desk, "SO-1042")
    with desk.write() as session:
        assert notify_followers(session, order_id=oid, text="SO-1042 shipped <!channel> & co",
                                dedupe_key="shipped:1") == 2
    with desk.write() as session:  # the same change replayed: nothing new
        assert notify_followers(session, order_id=oid, text="again", dedupe_key="shipped:1") == 0
    rows = outbox_rows(desk)
    posts = [rendered(desk, r.id) for r in rows]
    assert [(r.method, p["channel"], p["thread_ts"]) for r, p in zip(rows, posts)] == [
        ("chat.postMessage", A[0], A[1]), ("chat.postMessage", B[0], B[1])]
    assert posts[0]["text"] == "SO-1042 shipped &lt;!channel&gt; &amp; co"
    assert "<!channel>" not in str(posts[0]["blocks"])


def test_a_rolled_back_change_queues_nothing(desk):
    follow(desk, ref="SO-1042", channel_id=A[0], thread_ts=A[1], user_id="U0SALES1")
    oid = order_id(desk, "SO-1042")
    with pytest.raises(RuntimeError), desk.write() as session:
        notify_followers(session, order_id=oid, text="flagged", dedupe_key="flagged:9")
        raise RuntimeError("the change failed")
    assert outbox_rows(desk) == []


def test_an_order_nobody_follows_queues_nothing(desk):
    with desk.write() as session:
        assert notify_followers(session, order_id=order_id(desk, "SO-1043"), text="x",
                                dedupe_key="x:1") == 0


def test_an_edit_tells_following_threads_which_fields_changed_without_prices(desk):
    follow(desk, ref="SO-1042", channel_id=A[0], thread_ts=A[1], user_id="U0SALES1")
    order = get_order(desk, ref="SO-1042")
    edit_order(desk, ref="SO-1042", actor="U0PROC1", expected_version=order.version,
               changes=OrderEdit(requested_date=in_days(8)))
    [row] = [r for r in outbox_rows(desk) if (r.dedupe_key or "").startswith("edited:")]
    assert rendered(desk, row.id)["text"] == f"SO-1042 was edited: requested date → {in_days(8)}."
    assert row.dedupe_key.startswith(f"edited:{order.id}:")


def test_a_channel_linked_to_the_customer_hears_only_what_the_customer_may_read(desk):
    """The customer's people read it: no problems, prices or the desk's own fields, not even
    their names; status and date changes, and how it ships, as everyone hears them."""
    with desk.write() as session:
        customer_id = session.get(Order, order_id(desk, "SO-1042")).customer_id
        session.add(ChannelLink(channel_id="C0SHARED", customer_id=customer_id,
                                linked_by="U0ADMIN", linked_at=clock.now()))
    follow(desk, ref="SO-1042", channel_id="C0SHARED", thread_ts="1.1", user_id="U0PROC1")
    order = get_order(desk, ref="SO-1042")
    edit_order(desk, ref="SO-1042", actor="U0PROC1", expected_version=order.version,
               changes=OrderEdit(shipping_instructions="Call before noon"))
    order = get_order(desk, ref="SO-1042")
    edit_order(desk, ref="SO-1042", actor="U0PROC1", expected_version=order.version,
               changes=OrderEdit(shipping_instructions="Dock 4",
                                 requested_date=in_days(9)))
    with desk.write() as session:
        notify_followers(session, order_id=order_id(desk, "SO-1042"), text="Flagged: $42 < $45",
                         status_text="Flagged: a problem (price mismatch)", internal=True,
                         dedupe_key="n:flag")
        notify_followers(session, order_id=order_id(desk, "SO-1042"), text="went to the warehouse.",
                         dedupe_key="n:released")
    heard = [(r.dedupe_key.split(":")[0], (rendered(desk, r.id) or {}).get("text"))
             for r in outbox_rows(desk)]
    # An edit re-runs the checks; a problem they flag is the desk's too (SO-1042: its stock).
    assert {text for key, text in heard if key == "triage-flagged"} <= {None}
    assert [(key, text) for key, text in heard if key != "triage-flagged"] == [
        ("edited", None), ("edited", f"SO-1042 was edited: requested date → {in_days(9)}."),
        ("n", None), ("n", "went to the warehouse.")]


def test_edit_notice_names_values_and_its_status_only_words_leave_money_out():
    changed = [FieldChange("line 1 unit price", "$12.50", "$13.00"),
               FieldChange("status", "open", "canceled"),
               FieldChange("ship-to city", "Springfield", "Shelbyville"),
               FieldChange("notes", "", "x" * 200)]
    assert edit_notice("SO-7", changed, values=False) == (
        "SO-7 was edited: line 1 unit price, status → canceled, ship-to city, notes.")
    assert edit_notice("SO-7", changed) == (
        "SO-7 was edited: line 1 unit price → $13.00, status → canceled, ship-to city → "
        f"Shelbyville, notes → {'x' * 79}….")


def notices(db, ref: str, audience: Audience | None = None, **roles) -> dict[str, str]:
    """follower -> what their thread hears of a change with a status-only version."""
    with db.write() as session:  # the order's account is U0SALES1's
        session.get(Order, order_id(db, ref)).customer.sales_rep_id = "U0SALES1"
    for n, user_id in enumerate(("U0SALES1", "U0SALES2", "U0PROC1", "U0ADMIN")):
        follow(db, ref=ref, channel_id="C0ORDERS", thread_ts=f"1.{n}", user_id=user_id)
    for user_id, role in roles.items():
        set_role(db, actor="U0ADMIN", user_id=user_id, role=role, admins={"U0ADMIN"},
                 default_role=Role.SALES)
    with db.write() as session:
        notify_followers(session, order_id=order_id(db, ref), text="paid $9.99",
                         status_text="paid", dedupe_key="n:1")
    with db.read() as session:
        rows = session.execute(select(Follow.thread_ts, Follow.user_id))
        by_thread = {ts: user for ts, user in rows}
    posts = [rendered(db, r.id, audience or Audience()) for r in outbox_rows(db)]
    return {by_thread[p["thread_ts"]]: p["text"] for p in posts}


def test_a_notice_shows_details_only_to_whom_a_thread_answer_would(desk):
    heard = notices(desk, "SO-1042", Audience(admins=frozenset({"U0ADMIN"})),
                    U0PROC1=Role.PROCESSOR)
    assert heard == {"U0SALES1": "paid $9.99", "U0SALES2": "paid", "U0PROC1": "paid $9.99",
                     "U0ADMIN": "paid $9.99"}


def test_under_policy_full_every_follower_hears_the_details(desk):
    heard = notices(desk, "SO-1042", Audience(policy=FULL))
    assert set(heard.values()) == {"paid $9.99"}


def test_without_settings_a_notice_is_cautious(desk):
    heard = notices(desk, "SO-1042")  # nobody has a role: everyone but the owner is a rep
    assert heard == {"U0SALES1": "paid $9.99", "U0SALES2": "paid", "U0PROC1": "paid",
                     "U0ADMIN": "paid"}


def test_an_event_is_claimed_once_and_its_message_twin_too(db):
    key = message_key("C0ORDERS", "1700000000.000100")
    assert claim_event(db, event_id="Ev1", message_key=key)
    assert not claim_event(db, event_id="Ev1", message_key=key)  # a retry
    assert not claim_event(db, event_id="Ev2", message_key=key)  # app_mention's message twin
    assert not claim_event(db, event_id="Ev2")  # and the twin's own retry
    assert claim_event(db, event_id="Ev3")


def test_racing_deliveries_of_one_event_answer_once(db):
    """Eight workers (as from several processes) claim the same event at the same moment."""
    wins = at_once(*[lambda: claim_event(db, event_id="EvRACE",
                                         message_key=message_key("C1", "1.2"))] * 8)
    assert sorted(wins) == [False] * 7 + [True]


def test_old_claims_are_forgotten(db):
    claim_event(db, event_id="EvOLD", now=clock.now() - timedelta(days=2))
    claim_event(db, event_id="EvNEW")
    assert forget_events(db, before=clock.now() - timedelta(days=1)) == 1
    with db.read() as session:
        assert session.scalars(select(ProcessedEvent.event_id)).all() == ["EvNEW"]

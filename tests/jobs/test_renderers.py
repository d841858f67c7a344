"""The one renderer table: every kind of queued post has a renderer, and what a followed
thread hears is decided when the post is sent, by the settings the jobs were built with."""

from sqlalchemy import select

from jobs.renderers import renderer_table
from store.enums import PostKind
from store.models import Order, OutboxMessage
from store.questions import Audience, follow, notify_followers, unfollow
from store.views.questions import FULL
from tests.support.desk import build
from tests.support.outbox import rendered

THREAD = ("C0ORDERS", "1700000000.000100")


def test_every_kind_of_post_has_a_renderer():
    assert set(renderer_table(Audience())) == set(PostKind)
    assert renderer_table(Audience()) is renderer_table(Audience())  # one table per settings


def queue_notice(db, *, follower: str) -> int:
    """`follower`'s thread follows SO-1042 (U0SALES1's account); a change with status-only
    words is queued for it. Returns the outbox row."""
    with db.write() as session:
        order = session.scalars(select(Order).where(Order.ref == "SO-1042")).one()
        order.customer.sales_rep_id = "U0SALES1"
    follow(db, ref="SO-1042", channel_id=THREAD[0], thread_ts=THREAD[1], user_id=follower)
    with db.write() as session:
        order_id = session.scalar(select(Order.id).where(Order.ref == "SO-1042"))
        notify_followers(session, order_id=order_id, text="paid <$9.99>", status_text="paid",
                         dedupe_key="paid:1")
        return session.scalar(select(OutboxMessage.id))


def test_another_reps_thread_hears_what_the_audience_of_the_sender_allows(db):
    build(db)
    row_id = queue_notice(db, follower="U0SALES2")
    cautious, full = rendered(db, row_id), rendered(db, row_id, Audience(policy=FULL))
    assert (cautious["channel"], cautious["thread_ts"]) == THREAD
    assert (cautious["text"], full["text"]) == ("paid", "paid &lt;$9.99&gt;")
    assert "This thread follows SO-1042" in str(full["blocks"])


def test_an_admin_named_in_the_settings_hears_the_details(db):
    build(db)
    row_id = queue_notice(db, follower="U0BOSS")
    assert rendered(db, row_id)["text"] == "paid"
    admins = Audience(admins=frozenset({"U0BOSS"}))
    assert rendered(db, row_id, admins)["text"] == "paid &lt;$9.99&gt;"


def test_a_thread_that_stopped_following_before_the_send_hears_nothing(db):
    build(db)
    row_id = queue_notice(db, follower="U0SALES1")
    assert rendered(db, row_id)["text"] == "paid &lt;$9.99&gt;"  # the account's own rep
    unfollow(db, channel_id=THREAD[0], thread_ts=THREAD[1])
    assert rendered(db, row_id) is None

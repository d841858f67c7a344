"""Slack refusing the app itself (its token revoked, the app uninstalled) says nothing about
a post: the outbox waits and sends it once the app is back, and nobody is recorded as
unreachable (each post was marked dead at once, and every DM left 'could not be delivered
(invalid_auth); tell them another way' on its order)."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy import select, update

from jobs.outbox import APP_ACCESS_RETRY_S, deliver_due
from store import clock, outbox
from store.enums import OutboxStatus
from store.models import Event, Order, OutboxMessage
from tests.support.desk import build

SAY = {"test.say": lambda db, p: {"channel": p["channel"], "text": p["text"]}}


def test_posts_wait_while_slack_refuses_the_app_and_go_out_once_it_is_back(db, sb):
    build(db)
    client = WebClient(base_url=sb.api_url, token=sb.bot_token, retry_handlers=[])
    with db.write() as s:
        order_id = s.scalar(select(Order.id).where(Order.ref == "SO-1042"))
        ids = [outbox.enqueue(s, method="chat.postMessage", payload={
            "$render": "test.say", "channel": channel, "text": "SO-1042 was flagged",
            "order_id": order_id}) for channel in ("U0SALES1", "C0MGR")]
    sb.tokens.discard(sb.bot_token)  # uninstalled, or its token revoked
    assert deliver_due(db, client, SAY) == 0
    with db.read() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
        assert {r.status for r in rows} == {OutboxStatus.PENDING}
        assert all("invalid_auth" in r.last_error for r in rows)
        assert all((r.next_attempt_at - clock.now()).total_seconds() > APP_ACCESS_RETRY_S - 5
                   for r in rows)
        assert not s.scalars(select(Event).where(Event.kind == "notice.undelivered")).all()
    sb.tokens.add(sb.bot_token)  # reinstalled
    with db.write() as s:
        s.execute(update(OutboxMessage).values(next_attempt_at=clock.now()))
    assert deliver_due(db, client, SAY) == 2
    assert [m.text for m in sb.messages("C0MGR")] == ["SO-1042 was flagged"]

"""A channel linked to a customer (`/orders connect`) never gets the desk's own posts. Linking
one that already had a digest or a triage route left them going there: once the customer's
people joined, they read every customer's figures and problems, under a confirmation saying
"everything I post there is customer-safe"."""

from __future__ import annotations

import json

from sqlalchemy import select

from bench.app_stack import ADMIN, MANAGER
from store.models import ChannelLink, Customer
from tests.support.metrics_desk import AFTER_WEEK, build_desk, post_due_digests

SHARED = "C0PARTNER"


def orders(stack, text: str, user=ADMIN) -> str:
    answer = stack.sb.slash("/orders", text, user=user, channel=SHARED)
    assert answer.status == 200 and not answer.problems, answer.problems
    return json.dumps(answer.body, ensure_ascii=False)


def acme_id(stack) -> int:
    with stack.db.read() as s:
        return s.scalar(select(Customer.id).where(Customer.code == "ACME"))


def test_a_channel_with_the_desks_posts_is_not_linked_until_they_move(stack, set_clock):
    set_clock.set(AFTER_WEEK)
    build_desk(stack.db)
    stack.sb.add_channel(SHARED, "acme-partner", members=[MANAGER, ADMIN])
    orders(stack, f"route default <#{SHARED}|acme-partner>")
    orders(stack, f"digest subscribe weekly <#{SHARED}|acme-partner>", user=MANAGER)

    refused = orders(stack, f"connect <#{SHARED}|acme-partner> ACME")

    assert "gets the desk's own posts (route `default`, digest #1)" in refused
    assert "`/orders route default #your-channel`, `/orders digest unsubscribe 1`" in refused
    assert "is linked to" not in refused and "customer-safe" not in refused
    with stack.db.read() as s:
        assert s.get(ChannelLink, SHARED) is None


def test_a_linked_channel_gets_no_route_nor_digest(stack, set_clock):
    set_clock.set(AFTER_WEEK)
    build_desk(stack.db)
    stack.sb.add_channel(SHARED, "acme-partner", members=[MANAGER, ADMIN])
    assert "is linked to" in orders(stack, f"connect <#{SHARED}|acme-partner> ACME")

    route = orders(stack, f"route default <#{SHARED}|acme-partner>")
    digest = orders(stack, f"digest subscribe weekly <#{SHARED}|acme-partner>", user=MANAGER)

    for answer in (route, digest):
        assert "is linked to ACME's people (`/orders connect`)" in answer, answer
    assert "is for your own team only" in route and "the digest is for your own team" in digest
    # the warehouse's too: pick requests name every customer's goods and addresses
    warehouse = orders(stack, f"route warehouse <#{SHARED}|acme-partner>")
    assert "is linked to ACME's people" in warehouse


def test_a_digest_subscribed_before_its_channel_was_linked_is_not_posted(stack, set_clock):
    """Links made before connect refused such channels: the clock does not post there."""
    set_clock.set(AFTER_WEEK)
    build_desk(stack.db)
    stack.sb.add_channel(SHARED, "acme-partner", members=[MANAGER, ADMIN])
    orders(stack, f"digest subscribe weekly <#{SHARED}|acme-partner>", user=MANAGER)
    with stack.db.write() as s:
        s.add(ChannelLink(channel_id=SHARED, customer_id=acme_id(stack), linked_by=ADMIN))

    post_due_digests(stack)

    assert [m for m in stack.sb.messages(SHARED) if m.user == stack.sb.bot_user_id] == []


def test_the_warehouse_channel_is_not_linked_to_a_customer(stack, set_clock):
    set_clock.set(AFTER_WEEK)
    build_desk(stack.db)
    stack.sb.add_channel(SHARED, "acme-partner", members=[MANAGER, ADMIN])
    orders(stack, f"route warehouse <#{SHARED}|acme-partner>")
    refused = orders(stack, f"connect <#{SHARED}|acme-partner> ACME")
    assert "gets the desk's own posts (route `warehouse`)" in refused

"""The App Home tab end to end, one role at a time: opening it publishes a view built for the
viewer, validated by the sandbox as Slack would; long lists say their total and offer the
queue; its buttons work from the Home tab."""

from __future__ import annotations

import json
from datetime import timedelta

from slack_sdk import WebClient
from sqlalchemy import select, update

from bench.app_stack import ADMIN, MANAGER, MANAGERS, PROCESSOR, SALES, TRIAGE, route, text_of
from jobs.outbox import deliver_due
from jobs.renderers import renderer_table
from store.enums import (
    ApprovalKind,
    DiscrepancyStatus,
    DiscrepancyType,
    HoldReason,
    OutboxStatus,
    PaymentStatus,
    Role,
    Severity,
)
from store.models import (
    Approval,
    Customer,
    Discrepancy,
    Follow,
    Order,
    OrderHold,
    OrderLine,
    OutboxMessage,
    User,
)
from store.triage import assign
from tests.support.clock import TODAY, days_ago


def home_text(stack, user: str) -> str:
    home = stack.sb.home(user)
    assert home is not None, "no Home view was published"
    return json.dumps(home.blocks, ensure_ascii=False)


def open_home(stack, user: str) -> str:
    d = stack.sb.open_home(user)
    assert d.status == 200 and not d.problems, d.problems
    stack.sb.wait_for(lambda: stack.sb.home(user) is not None)
    return home_text(stack, user)


def order_id(s, ref: str) -> int:
    return s.scalar(select(Order.id).where(Order.ref == ref))


def discrepancy(s, ref: str, n: int, *, dtype=DiscrepancyType.OTHER, owner=None,
                status=DiscrepancyStatus.NEW, due=None, days=3) -> None:
    s.add(Discrepancy(order_id=order_id(s, ref), type=dtype, severity=Severity.MEDIUM,
                      status=status, fingerprint=f"home-{n}", title=f"Problem {n}",
                      evidence={}, owner_id=owner, opened_at=days_ago(days, minute=n),
                      sla_due_at=due))


def test_a_processor_sees_their_items_oldest_first_the_unassigned_and_the_overdue(stack, desk):
    with stack.db.write() as s:
        for n in range(7):
            discrepancy(s, "SO-1042", n, owner=PROCESSOR, status=DiscrepancyStatus.ASSIGNED,
                        days=7 - n)
        discrepancy(s, "SO-1043", 10, dtype=DiscrepancyType.PRICE_MISMATCH,
                    due=days_ago(1))
        discrepancy(s, "SO-1043", 11, dtype=DiscrepancyType.BAD_ADDRESS)
        s.add(OrderHold(order_id=order_id(s, "SO-1043"), reason=HoldReason.CREDIT_HOLD,
                        placed_by=PROCESSOR, placed_at=days_ago(1)))
    text = open_home(stack, PROCESSOR)
    assert "My items* · 7" in text and "Open the queue (7)" in text
    assert text.index("Problem 0") < text.index("Problem 4") and "Problem 5" not in text
    assert "Unassigned* · 2" in text and "Price mismatch: 1" in text
    assert "Bad address: 1" in text
    assert "Overdue* · 1" in text and "Problem 10" in text
    assert "SO-1043" in text and "held: credit hold" in text
    assert "New order" in text  # the desk enters orders
    # the buttons work from the Home tab: Resolve opens its modal
    stack.sb.click("triage.resolve:1", user=PROCESSOR, view=stack.sb.home(PROCESSOR))
    stack.sb.wait_for(lambda: stack.sb.views(PROCESSOR))
    assert stack.sb.views(PROCESSOR)[-1].callback_id == "triage.resolve_submit"
    # the whole queue goes to the DM
    stack.sb.click("home.queue:mine", user=PROCESSOR, view=stack.sb.home(PROCESSOR))
    dm = stack.sb.im_channel(PROCESSOR)
    stack.sb.wait_for(lambda: stack.sb.last_message(dm) is not None)
    assert "*7* open discrepancies · mine" in text_of(stack.sb.last_message(dm))


def test_a_sales_rep_sees_their_accounts_problems_and_what_they_follow(stack, desk):
    with stack.db.write() as s:
        s.execute(update(Customer).where(Customer.code == "ACME").values(sales_rep_id=SALES))
        o1042 = order_id(s, "SO-1042")
        s.execute(update(Order).where(Order.id == o1042).values(
            promised_date=TODAY - timedelta(days=2), payment_status=PaymentStatus.AWAITING))
        s.execute(update(OrderLine).where(OrderLine.order_id == o1042, OrderLine.line_no == 1)
                  .values(quantity_backordered=2))
        discrepancy(s, "SO-1042", 1, dtype=DiscrepancyType.PRICE_MISMATCH)
        s.add(Follow(order_id=order_id(s, "SO-1043"), channel_id="C0ORDERS", thread_ts="1.0",
                     user_id=SALES))
    text = open_home(stack, SALES)
    for title in ("Flagged* · 1", "Late* · 1", "Awaiting payment* · 1", "Backordered* · 1",
                  "Orders you follow* · 1"):
        assert title in text, title
    day = TODAY - timedelta(days=2)
    assert f"promised {day.day} {day:%b}" in text and "1 line(s) backordered" in text
    assert "SO-1043" in text and "My items" not in text and "Approvals" not in text
    # another rep's Home shows none of it
    other = open_home(stack, "U0SALES2")
    assert "SO-1042" not in other and "Flagged* · 0" in other


def test_a_manager_sees_approvals_escalations_and_today_against_yesterday(stack, desk):
    with stack.db.write() as s:
        s.add(Approval(kind=ApprovalKind.DISCOUNT, order_id=order_id(s, "SO-1042"),
                       amount_minor=12_50, requested_by=PROCESSOR, requested_at=days_ago(1)))
        discrepancy(s, "SO-1043", 1, status=DiscrepancyStatus.ESCALATED)
    text = open_home(stack, MANAGER)
    assert "Approvals waiting* · 1" in text and "Discount on *SO-1042*: $12.50" in text
    assert "Escalations* · 1" in text and "Problem 1" in text
    assert "Today so far" in text and "orders received: *" in text
    assert "My items* · 0" in text  # managers work the desk too


def test_an_admin_sees_roles_routes_and_the_clocks_health(stack, desk):
    route(stack.sb, "default", TRIAGE, "order-triage")
    route(stack.sb, "manager", MANAGERS, "desk-managers")
    text = open_home(stack, ADMIN)
    assert f"<@{ADMIN}>: admin (ORDERDESK_ADMINS)" in text
    assert f"<@{PROCESSOR}>: processor" in text and f"<@{MANAGER}>: manager" in text
    assert f"`default` → <#{TRIAGE}>" in text and "Clock health" in text
    assert "outbox: " in text and "Approvals waiting" in text


def test_the_messages_tab_publishes_nothing_and_opening_again_updates_in_place(stack, desk):
    d = stack.sb.open_home(SALES, tab="messages")
    assert d.status == 200 and stack.sb.home(SALES) is None
    first = open_home(stack, SALES)
    view_id = stack.sb.home(SALES).id
    with stack.db.write() as s:
        s.add(Follow(order_id=order_id(s, "SO-1043"), channel_id="C0ORDERS", thread_ts="1.0",
                     user_id=SALES))
    stack.sb.click("home.refresh", user=SALES, view=stack.sb.home(SALES))
    stack.sb.wait_for(lambda: "Orders you follow* · 1" in home_text(stack, SALES))
    assert "Orders you follow* · 0" in first and stack.sb.home(SALES).id == view_id
    assert not [c for c in stack.sb.calls("views.publish") if not c.ok]


def test_a_change_republishes_the_home_of_whom_it_concerns_coalesced(stack, desk):
    with stack.db.write() as s:
        discrepancy(s, "SO-1042", 1)
        discrepancy(s, "SO-1042", 2)
        ids = list(s.scalars(select(Discrepancy.id).order_by(Discrepancy.id)))
    assert "My items* · 0" in open_home(stack, PROCESSOR)
    client = WebClient(base_url=stack.sb.api_url, token=stack.sb.bot_token)
    renderers = renderer_table(stack.settings.audience)
    for d_id in ids:  # two changes before the outbox runs: one refresh each
        assign(stack.db, discrepancy_id=d_id, actor=MANAGER, assignee=PROCESSOR)
    with stack.db.read() as s:
        queued = s.scalars(select(OutboxMessage).where(
            OutboxMessage.method == "views.publish")).all()
        assert [(q.payload["user_id"], q.status.value) for q in queued] == [
            (MANAGER, "pending"), (PROCESSOR, "pending")]
    deliver_due(stack.db, client, renderers)
    assert "My items* · 2" in home_text(stack, PROCESSOR)
    assert stack.sb.home(MANAGER) is not None  # the manager's Home is published too
    assert not [c for c in stack.sb.calls("views.publish") if not c.ok]


def test_another_reps_order_on_a_reps_home_shows_its_status_only(stack, desk):
    """ORDERDESK_REP_VISIBILITY=status (the default): the Home asks the visibility policy for
    every order it shows; the rep's own account in full (with its total), another rep's
    followed order status only."""
    assert stack.settings.rep_visibility == "status"
    with stack.db.write() as s:
        s.execute(update(Customer).where(Customer.code == "ACME").values(sales_rep_id=SALES))
        s.execute(update(Customer).where(Customer.code == "BETA")
                  .values(sales_rep_id="U0SALES2"))
        for ref in ("SO-1042", "SO-1043"):
            s.add(Follow(order_id=order_id(s, ref), channel_id="C0ORDERS", thread_ts="1.0",
                         user_id=SALES))
        beta = s.scalar(select(Order.customer_id).where(Order.ref == "SO-1043"))
        assert beta == desk["BETA"]
    text = open_home(stack, SALES)
    rows = {ref: next(r for r in text.split("\\n") if ref in r) for ref in ("SO-1042", "SO-1043")}
    assert "$" in rows["SO-1042"] and "status only" not in rows["SO-1042"]
    assert "$" not in rows["SO-1043"] and "(status only)" in rows["SO-1043"]


def test_an_admins_home_checks_route_membership_lists_dead_posts_with_retry_and_links(
        stack, desk):
    stack.sb.add_channel("C0NOTIN", "not-in", bot_member=False)
    stack.sb.add_channel("C0SHARED", "acme-shared", ext_shared=True)
    route(stack.sb, "default", TRIAGE, "order-triage")
    route(stack.sb, "warehouse", "C0NOTIN", "not-in")
    assert stack.sb.slash("/orders", "connect <#C0SHARED|acme-shared> ACME", user=ADMIN,
                          channel="C0ORDERS").status == 200
    with stack.db.write() as s:
        for n in range(12):
            s.add(OutboxMessage(method="views.publish", status=OutboxStatus.DEAD,
                                payload={"$render": "workspace.home", "user_id": SALES},
                                last_error="not_in_channel", attempts=1))
        for n in range(240):
            s.add(User(slack_user_id=f"U0MANY{n:03d}", role=Role.SALES))
    text = open_home(stack, ADMIN)
    view = stack.sb.home(ADMIN)
    assert len(view.blocks) <= 100
    assert f"`default` → <#{TRIAGE}> · :white_check_mark: I'm in it" in text
    assert "`warehouse` → <#C0NOTIN> · :warning: I'm not in it" in text
    assert "Undelivered posts* · 12" in text and "showing 5 of 12" in text
    assert "Retry all (12)" in text and "not_in_channel" in text and "Workspace.home" in text
    assert stack.sb.home(SALES) is None
    assert "Roles* · 24" in text and "_showing 10 of 24" in text  # 240 + the desk's
    assert "Shared channels* · 1" in text and "<#C0SHARED> ↔ *ACME*" in text
    with stack.db.read() as s:
        newest = max(s.scalars(select(OutboxMessage.id)))
    stack.sb.click(f"home.retry:{newest}", user=ADMIN, view=view)
    stack.sb.wait_for(lambda: "Undelivered posts* · 11" in home_text(stack, ADMIN))
    stack.sb.wait_for(lambda: stack.sb.home(SALES) is not None)  # the post went this time
    stack.sb.click("home.retry:all", user=ADMIN, view=stack.sb.home(ADMIN))
    stack.sb.wait_for(lambda: "Undelivered posts* · 0" in home_text(stack, ADMIN))


def test_retry_on_the_home_is_for_admins(stack, desk):
    with stack.db.write() as s:
        s.add(OutboxMessage(method="chat.postMessage", status=OutboxStatus.DEAD,
                            payload={"channel": TRIAGE, "text": "dead"},
                            last_error="not_in_channel", attempts=1))
    open_home(stack, ADMIN)
    d = stack.sb.click("home.retry:1", user=PROCESSOR, view=stack.sb.home(ADMIN))
    assert d.status == 200
    with stack.db.read() as s:
        assert s.scalar(select(OutboxMessage.status)) == OutboxStatus.DEAD

"""Triage operations in the store: each action acts once, logs, and queues its posts in the
same transaction; flags dedupe per person and reason; the clock's SLA work is idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bench.triage_desk import import_problems, row, triage_desk
from store import clock
from store.enums import DiscrepancyStatus, FulfilmentStatus, OutboxStatus
from store.errors import FixNotApplied, ValidationFailed
from store.models import Discrepancy, Event, Order, OutboxMessage
from store.orders import apply_fix
from store.triage import check_stored_orders
from store.triage import operations as triage
from store.workspace.routing import set_route
from tests.support.clock import in_days
from tests.support.outbox import rendered_all


@pytest.fixture
def items(db, tmp_path) -> dict[str, int]:
    triage_desk(db)
    set_route(db, actor="U0ADMIN", key="default", channel_id="C0TRIAGE")
    set_route(db, actor="U0ADMIN", key="manager", channel_id="C0MGR")
    import_problems(db, tmp_path)
    with db.read() as s:
        return {d.type.value: d.id for d in s.scalars(select(Discrepancy))}


def queued(db, render: str | None = None) -> list[dict]:
    with db.read() as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [r.payload for r in rows if render is None or r.payload.get("$render") == render]


def count(db, model, *where) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_opening_queues_one_parent_per_item_and_a_dm_for_its_rep(db, items):
    parents = queued(db, "triage.parent")
    assert sorted(p["discrepancy_id"] for p in parents) == sorted(items.values())
    assert {p["channel"] for p in parents} == {"C0TRIAGE"}
    dms = queued(db, "triage.rep_dm")
    assert sorted(p["channel"] for p in dms) == ["U0SALES1"] * 7 + ["U0SALES2"]


def test_assign_twice_acts_once_and_logs_once(db, items):
    d_id = items["price_mismatch"]
    first = triage.assign(db, discrepancy_id=d_id, actor="U0PROC1", assignee="U0PROC1")
    second = triage.assign(db, discrepancy_id=d_id, actor="U0PROC1", assignee="U0PROC1")
    assert (first.outcome, second.outcome) == ("assigned", "already_assigned")
    assert first.discrepancy.status == "assigned" and first.discrepancy.owner_id == "U0PROC1"
    assert count(db, Event, Event.kind == "triage.assigned") == 1
    assert len(queued(db, "triage.note")) == 1 and len(queued(db, "triage.parent")) == 9


def test_resolving_twice_is_a_no_op_that_says_so_and_the_rep_hears_once(db, items):
    d_id = items["payment_error"]
    done = triage.resolve(db, discrepancy_id=d_id, actor="U0PROC1", reason="accepted",
                          note="paid by wire")
    again = triage.resolve(db, discrepancy_id=d_id, actor="U0MGR1", reason="other")
    assert (done.outcome, again.outcome) == ("resolved", "already_resolved")
    assert again.discrepancy.resolved_by == "U0PROC1"
    assert [p["what"] for p in queued(db, "triage.rep_dm") if p["discrepancy_id"] == d_id] == [
        "flagged", "resolved"]
    with pytest.raises(ValidationFailed):
        triage.resolve(db, discrepancy_id=items["late"], actor="U0PROC1", reason="because")


def test_snooze_choices_and_the_clock_wakes_them(db, items):
    d_id = items["late"]
    now = clock.now()
    tomorrow = triage.snooze(db, discrepancy_id=d_id, actor="U0PROC1", choice="tomorrow",
                             now=now)
    nine_tomorrow = datetime.combine(in_days(1), time(9), UTC)
    assert tomorrow.discrepancy.snoozed_until == nine_tomorrow
    again = triage.snooze(db, discrepancy_id=d_id, actor="U0PROC1", choice="tomorrow",
                          now=now + timedelta(seconds=1))
    assert again.outcome == "already_snoozed"
    assert triage.wake_snoozed(db, now=now) == 0
    assert triage.wake_snoozed(db, now=nine_tomorrow + timedelta(minutes=1)) == 1
    assert triage.get_discrepancy(db, discrepancy_id=d_id).status == "new"


@pytest.mark.parametrize("desk, pressed, wakes", [
    ("Pacific/Chatham", datetime(2026, 12, 8, 10, 0), datetime(2026, 12, 9, 9, 0)),  # +13:45
    ("America/St_Johns", datetime(2026, 12, 8, 22, 30), datetime(2026, 12, 9, 9, 0)),  # -3:30
    ("Asia/Tokyo", datetime(2026, 12, 8, 0, 30), datetime(2026, 12, 9, 9, 0)),
    ("America/New_York", datetime(2026, 3, 7, 12, 0), datetime(2026, 3, 8, 9, 0)),  # DST day
])
def test_snoozed_till_tomorrow_wakes_the_next_morning_at_the_desk(db, items, desk, pressed,
                                                                 wakes):
    """The desk's tomorrow at 09:00, not the UTC date's: a Chatham desk's Tuesday-morning
    snooze woke on Tuesday evening, and St John's got 05:30."""
    local = ZoneInfo(desk)
    now = pressed.replace(tzinfo=local).astimezone(UTC)
    done = triage.snooze(db, discrepancy_id=items["late"], actor="U0PROC1", choice="tomorrow",
                         now=now, timezone=desk)
    assert done.discrepancy.snoozed_until.astimezone(local).replace(tzinfo=None) == wakes


def test_overdue_items_are_nudged_once_then_escalated_once(db, items):
    later = clock.now() + timedelta(days=2)
    assert triage.nudge_overdue(db, now=later) == len(items)
    assert triage.nudge_overdue(db, now=later) == 0
    assert triage.escalate_overdue(db, now=later + timedelta(minutes=1)) == 0
    assert triage.escalate_overdue(db, now=later + timedelta(hours=3)) == len(items)
    assert triage.escalate_overdue(db, now=later + timedelta(hours=4)) == 0
    assert len(queued(db, "triage.escalation")) == len(items)
    assert {p["channel"] for p in queued(db, "triage.escalation")} == {"C0MGR"}


def test_escalating_by_hand_twice_posts_to_the_managers_once(db, items):
    d_id = items["credit_limit"]
    outcomes = [triage.escalate(db, discrepancy_id=d_id, actor="U0PROC1").outcome
                for _ in range(2)]
    assert outcomes == ["escalated", "already_escalated"]
    assert len(queued(db, "triage.escalation")) == 1


def test_apply_fix_reprices_resolves_and_logs_an_edit_with_the_item(db, items):
    d_id = items["price_mismatch"]
    result = apply_fix(db, discrepancy_id=d_id, actor="U0PROC1")
    assert (result.outcome, result.discrepancy.status) == ("fixed", "resolved")
    with db.read() as s:
        edit = s.scalars(select(Event).where(Event.kind == "edited")).one()
    assert edit.discrepancy_id == d_id and edit.changes[0]["after"] == "$12.50"
    assert apply_fix(db, discrepancy_id=d_id, actor="U0PROC1").outcome == (
        "already_resolved")
    with pytest.raises(FixNotApplied, match="no automatic fix"):
        apply_fix(db, discrepancy_id=items["payment_error"], actor="U0PROC1")


def test_the_address_fix_uses_the_address_on_file(db, items):
    apply_fix(db, discrepancy_id=items["bad_address"], actor="U0PROC1")
    from store.orders.operations import get_order
    assert get_order(db, ref="SO-9004").ship_to.postal_code == "62701"


def test_the_address_fix_uses_the_address_on_file_as_it_is_when_applied(db, items):
    """The desk corrects the address on file, then applies the fix: it shipped to the address
    the customer had moved from (the one kept when the item opened)."""
    from store.customers import edit_customer, get_customer
    from store.orders.operations import get_order
    from store.views.orders import AddressView
    moved = AddressView(name="Acme Dock", line1="9 Elm St", city="Shelbyville", region="IL",
                        postal_code="62565", country="US")
    customer = get_order(db, ref="SO-9004").customer_code
    edit_customer(db, code=customer, actor="U0PROC1", address=moved,
                  expected_version=get_customer(db, query=customer).version)
    apply_fix(db, discrepancy_id=items["bad_address"], actor="U0PROC1")
    assert get_order(db, ref="SO-9004").ship_to.line1 == "9 Elm St"


def test_a_flag_dedupes_per_person_and_reason(db, items):
    first = triage.flag_order(db, ref="SO-9010", actor="U0SALES1", reason="Wrong colour")
    same = triage.flag_order(db, ref="so-9010", actor="U0SALES1", reason="wrong  colour")
    other = triage.flag_order(db, ref="SO-9010", actor="U0PROC1", reason="wrong colour")
    assert (first.created, same.created, other.created) == (True, False, True)
    assert same.discrepancy.id == first.discrepancy.id != other.discrepancy.id
    assert first.discrepancy.type == "other" and first.discrepancy.found == "Wrong colour"


def test_a_flood_past_the_threshold_is_counted_into_one_summary(db, tmp_path):
    triage_desk(db)
    set_route(db, actor="U0ADMIN", key="default", channel_id="C0TRIAGE")
    for n in range(1, 26):  # one at a time, as new work arrives
        import_problems(db, tmp_path, [row(f"SO-{n}", "WID-1001-BL", n, "1.00")])
    assert len(queued(db, "triage.parent")) == 10
    summaries = queued(db, "triage.batch")
    assert len(summaries) == 1 and summaries[0]["threshold"] == 10
    assert triage.batch_state(db, counter=summaries[0]["counter"]) == (None, 25)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Discrepancy)
                        .where(Discrepancy.channel_id.is_(None))) == 15


def test_a_backlog_imported_at_once_does_not_bury_new_work_or_flags(db, tmp_path):
    """#15.5: the demo's first check batched all but 10 items, and every later item that hour
    went into the count too; a rep's manual flag only bumped the counter."""
    from store.triage import batch_filter, list_queue
    triage_desk(db)
    set_route(db, actor="U0ADMIN", key="default", channel_id="C0TRIAGE")
    import_problems(db, tmp_path, [row(f"SO-{n}", "WID-1001-BL", n, "1.00")
                                   for n in range(1, 26)])
    assert queued(db, "triage.parent") == []
    (summary,) = queued(db, "triage.batch")
    assert (summary["threshold"], triage.batch_state(db, counter=summary["counter"])) == (
        0, (None, 25))
    flag = triage.flag_order(db, ref="SO-3", actor="U0SALES1", reason="please expedite")
    # (a quantity and price the customer's 25 earlier orders make usual: one finding only)
    import_problems(db, tmp_path, [row("SO-99", "WID-1001-BL", 30, "1.00")])
    parents = {p["discrepancy_id"] for p in queued(db, "triage.parent")}
    assert len(parents) == 2 and flag.discrepancy.id in parents
    page = list_queue(db, user_id="U0PROC1", filter=batch_filter(summary["counter"]))
    assert page.total == 25 and len(page.items) == 15
    assert {d.order_ref for d in page.items} <= {f"SO-{n}" for n in range(1, 26)}


def test_the_threshold_is_per_channel(db, tmp_path):
    import dataclasses

    from store.triage.rules import RULES
    loud = dataclasses.replace(RULES, batch_thresholds={"default": 30})
    assert loud.batch_threshold_for(["default", "late"]) == 30
    assert loud.batch_threshold_for(["warehouse"]) == 10


def test_unrouted_items_open_without_a_parent(db, tmp_path):
    triage_desk(db)
    import_problems(db, tmp_path)
    assert queued(db, "triage.parent") == []
    assert count(db, Discrepancy, Discrepancy.status == DiscrepancyStatus.NEW) == 8
    assert count(db, OutboxMessage, OutboxMessage.status == OutboxStatus.PENDING) == 8  # DMs


def test_threads_following_the_order_hear_it_was_flagged_and_resolved(db, items):
    from store.questions.follows import follow
    follow(db, ref="SO-9010", channel_id="C0ORDERS", thread_ts="1.1", user_id="U0SALES1")
    flagged = triage.flag_order(db, ref="SO-9010", actor="U0SALES1", reason="dented <box>")
    triage.resolve(db, discrepancy_id=flagged.discrepancy.id, actor="U0PROC1", reason="fixed")
    texts = [p["text"] for p in rendered_all(db, "questions.follow_notice")
             if p["thread_ts"] == "1.1"]
    assert texts == ["Flagged: dented &lt;box&gt;",
                     "Resolved: dented &lt;box&gt; (Fixed on the order)"]


def test_only_the_account_owner_is_dmed_a_problem_not_the_rep_on_the_order(db, items):
    """The customer has no rep and the order names Sam: Sam was DMed the problem in full,
    yet reads the order as status only (the account is not his)."""
    from sqlalchemy import delete, update

    from store.models import Customer, Order
    with db.write() as s:
        s.execute(update(Customer).values(sales_rep_id=None))
        s.execute(update(Order).values(sales_rep_id="U0SALES1"))
        s.execute(delete(OutboxMessage))
        ref = s.scalar(select(Order.ref).order_by(Order.id))
    triage.flag_order(db, ref=ref, actor="U0PROC1", reason="customer called to change it")
    assert queued(db, "triage.parent") and queued(db, "triage.rep_dm") == []


def test_snoozed_again_records_the_wake_time_it_had(db, items):
    """The history kept 'snoozed_until: — → …' for a second snooze: when it would have woken
    was lost."""
    d_id, now = items["late"], clock.now()
    first = triage.snooze(db, discrepancy_id=d_id, actor="U0PROC1", choice="1h", now=now)
    triage.snooze(db, discrepancy_id=d_id, actor="U0PROC2", choice="tomorrow", now=now)
    with db.read() as s:
        snoozes = s.scalars(select(Event).where(Event.kind == "triage.snoozed",
                                                Event.discrepancy_id == d_id)
                            .order_by(Event.id)).all()
    assert snoozes[0].changes[0]["before"] is None
    assert snoozes[1].changes[0]["before"] == first.discrepancy.snoozed_until.isoformat() == \
        snoozes[0].changes[0]["after"]


def test_a_shipped_orders_address_is_no_problem_to_fix(db, items):
    """Every unit had left, yet its address was flagged with an Apply fix that could only fail
    ("the ship-to address can't change"): 7 of 13 of the demo's address items."""
    with db.write() as s:
        order = s.get(Order, triage.get_discrepancy(db, discrepancy_id=items["bad_address"])
                      .order_id)
        order.fulfilment_status = FulfilmentStatus.SHIPPED
        order_id = order.id
    check_stored_orders(db, order_ids=[order_id], actor="system")
    item = triage.get_discrepancy(db, discrepancy_id=items["bad_address"])
    assert item.status == "resolved"

"""Triage end to end: an import of problem orders posts one parent per problem in its routed
channel; each button works, keeps the parent current in place and writes the log; a double
click acts once; the account's rep hears about it."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bench.app_stack import (
    MANAGER,
    MANAGERS,
    PROCESSOR,
    SALES,
    TRIAGE,
    WAREHOUSE,
    action_id,
    has_action,
    text_of,
)
from bench.triage_desk import EXPECTED
from messages.actions import TriageActions as A
from store.models import Discrepancy, Event, Order, OrderLine, User


def events(t, kind: str) -> int:
    with t.db.read() as s:
        return s.scalar(select(func.count()).select_from(Event).where(Event.kind == kind))


def test_an_import_posts_one_parent_per_problem_in_its_routed_channel(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    t.sb.wait_for(lambda: len(t.parents(TRIAGE)) == 7 and len(t.parents(WAREHOUSE)) == 1)
    for dtype, ref in EXPECTED.items():
        channel = WAREHOUSE if dtype == "insufficient_stock" else TRIAGE
        parent = t.parent(ref, channel)
        assert dtype in parent.text and t.sb.thread(channel, parent.ts) == []
    # the account owners hear about their orders: ACME is U0SALES1's, GLOBEX U0SALES2's
    t.sb.wait_for(lambda: len(t.dms(SALES)) == 7 and len(t.dms("U0SALES2")) == 1)
    assert "SO-9008" in t.dms("U0SALES2")[0].text
    # nothing more arrives later: exactly one parent per problem, and the ts is stored
    t.deliver()
    t.sb.wait_for(lambda: t.sb.calls("chat.postMessage") and _all_posted(t))
    assert len(t.parents(TRIAGE)) == 7 and len(t.parents(WAREHOUSE)) == 1
    assert all(not c.response.get("error") for c in t.sb.calls("chat.postMessage"))


def _all_posted(t) -> bool:
    with t.db.read() as s:
        return all(s.scalars(select(Discrepancy.message_ts)))


def test_assign_buttons_update_the_parent_in_place_and_log_in_its_thread(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    parent = t.parent("SO-9002")
    t.sb.click(action_id(parent, A.ASSIGN_ME), user=PROCESSOR, message=parent)
    t.sb.wait_for(lambda: f"<@{PROCESSOR}>" in text_of(parent) and parent.edited)
    assign = next(e for b in parent.blocks if b.get("type") == "actions"
                  for e in b["elements"] if e["action_id"] == action_id(parent, A.ASSIGN))
    # Assign… offers the people whose role may work items, by name (#15.5).
    assert [o["text"]["text"] for o in assign["options"]] == ["max"]  # priya owns it already
    t.sb.click(action_id(parent, A.ASSIGN), user=PROCESSOR, message=parent,
               selected_option="max")
    t.sb.wait_for(lambda: f"owner <@{MANAGER}>" in text_of(parent))
    t.sb.wait_for(lambda: len(t.sb.thread(TRIAGE, parent.ts)) == 2)
    notes = [m.blocks[0]["elements"][0]["text"] for m in t.sb.thread(TRIAGE, parent.ts)]
    assert notes == [f"<@{PROCESSOR}> took it", f"<@{PROCESSOR}> assigned it to <@{MANAGER}>"]
    assert len(t.parents(TRIAGE)) == 7  # updated in place, never re-posted
    with t.db.read() as s:
        logged = s.scalars(select(Event).where(Event.kind == "triage.assigned")).all()
        assert {(e.actor_id, e.order_id is not None, e.discrepancy_id is not None)
                for e in logged} == {(PROCESSOR, True, True)}


def test_assigning_someone_whose_role_was_lowered_since_is_refused_naming_them(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    parent = t.parent("SO-9002")
    with t.db.write() as s:  # after Assign… was drawn with max among its choices
        s.get(User, MANAGER).role = "sales"
    t.sb.click(action_id(parent, A.ASSIGN), user=PROCESSOR, message=parent,
               selected_option="max")
    t.sb.wait_for(lambda: t.sb.ephemerals(user=PROCESSOR))
    refusal = t.sb.ephemerals(user=PROCESSOR)[-1]
    assert f"<@{MANAGER}> can't work triage items" in text_of(refusal)
    assert "owner" not in text_of(parent)


def test_a_double_click_acts_once(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    parent = t.parent("SO-9002")
    # both presses from the message as it was: the first one's redraw may come before the second
    first, second = t.sb.double_click(action_id(parent, A.FIX), user=PROCESSOR, message=parent)
    assert not first.problems and not second.problems
    t.sb.wait_for(lambda: "Resolved by" in text_of(parent) and not has_action(parent, A.FIX))
    assert events(t, "edited") == 1 and events(t, "triage.resolved") == 1
    with t.db.read() as s:
        price = s.scalar(select(OrderLine.unit_price_minor).join(Order).where(
            Order.ref == "SO-9002"))
    assert price == 1250
    t.sb.wait_for(lambda: any("already resolved" in text_of(m)
                              for m in t.sb.ephemerals(user=PROCESSOR)))


def test_resolve_opens_a_modal_and_the_rep_hears_it_is_sorted(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    parent = t.parent("SO-9005")
    t.sb.click(action_id(parent, A.RESOLVE), user=PROCESSOR, message=parent)
    t.sb.wait_for(lambda: t.sb.views(user=PROCESSOR))
    view = t.sb.views(user=PROCESSOR)[-1]
    delivery = t.sb.submit(view, {"reason": "customer_confirmed", "note": "card re-run <ok>"},
                           user=PROCESSOR)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    t.sb.wait_for(lambda: "Confirmed with the customer" in text_of(parent))
    assert "card re-run &lt;ok&gt;" in text_of(parent) and not has_action(parent, A.RESOLVE)
    t.sb.wait_for(lambda: any("is sorted" in m.text or "is sorted" in text_of(m)
                              for m in t.dms(SALES)))


def test_escalate_posts_to_the_manager_route_and_snooze_parks_it(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    parent = t.parent("SO-9008")
    t.sb.click(action_id(parent, A.ESCALATE), user=PROCESSOR, message=parent)
    t.sb.wait_for(lambda: t.sb.messages(MANAGERS))
    assert "SO-9008" in text_of(t.sb.messages(MANAGERS)[0])
    t.sb.wait_for(lambda: "escalated" in text_of(parent) and not has_action(parent, A.ESCALATE))
    t.sb.click(action_id(parent, A.SNOOZE), user=PROCESSOR, message=parent,
               selected_option="4 hours")
    t.sb.wait_for(lambda: "snoozed until" in text_of(parent))
    with t.db.read() as s:
        d = s.scalars(select(Discrepancy).join(Order).where(Order.ref == "SO-9008")).one()
        assert d.status.value == "snoozed" and d.snoozed_until > d.escalated_at


def test_apply_fix_backorders_the_shortfall_in_the_warehouse_channel(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    parent = t.parent("SO-9003", WAREHOUSE)
    assert "Ship 3, backorder 7" in text_of(parent)
    t.sb.click(action_id(parent, A.FIX), user=PROCESSOR, message=parent)
    t.sb.wait_for(lambda: "Resolved by" in text_of(parent))
    with t.db.read() as s:
        backordered = s.scalar(select(OrderLine.quantity_backordered).join(Order).where(
            Order.ref == "SO-9003"))
    assert backordered == 7


def test_a_sales_rep_cannot_resolve_and_is_told_who_can(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    parent = t.parent("SO-9004")
    t.sb.click(action_id(parent, A.FIX), user=SALES, message=parent)
    t.sb.wait_for(lambda: any("your role is sales" in text_of(m)
                              for m in t.sb.ephemerals(user=SALES)))
    assert has_action(parent, A.FIX) and events(t, "edited") == 0


def test_someone_made_a_sales_rep_hands_their_open_items_back_to_the_queue(triage, tmp_path):
    """A processor who left the desk kept their items: assigned to someone who can never
    act, out of the unassigned queue and the managers' Home until the SLA escalated them."""
    from bench.app_stack import ADMIN, CHANNEL
    t = triage
    t.import_problems(tmp_path)
    parent = t.parent("SO-9002")
    t.sb.click(action_id(parent, A.ASSIGN_ME), user=PROCESSOR, message=parent)
    t.sb.wait_for(lambda: f"<@{PROCESSOR}>" in text_of(parent) and parent.edited)
    answer = t.sb.slash("/orders", f"role <@{PROCESSOR}> sales", user=ADMIN, channel=CHANNEL)
    assert "Their 1 open item went back to the queue" in json.dumps(answer.body)
    with t.db.read() as s:
        d = s.scalars(select(Discrepancy).join(Order).where(Order.ref == "SO-9002")).one()
        assert (d.owner_id, d.status.value) == (None, "new")
    t.sb.wait_for(lambda: len(t.sb.thread(TRIAGE, parent.ts)) == 2)
    note = t.sb.thread(TRIAGE, parent.ts)[-1].blocks[0]["elements"][0]["text"]
    assert note == (f"<@{ADMIN}> handed it back to the queue: <@{PROCESSOR}> is no longer on "
                    "the desk")
    t.sb.wait_for(lambda: f"<@{PROCESSOR}>" not in text_of(parent))

"""Someone deactivated in Slack (user_change with deleted): Slack still accepts posts to their
DM, so left alone their items stayed assigned to someone who can never act and their
accounts' problems went where nobody reads. Orderdesk takes them off the desk, hands their
items back and tells the managers which accounts still name them, once."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from bench.app_stack import MANAGERS, PROCESSOR, TRIAGE, action_id, text_of
from messages.actions import TriageActions as A
from store.enums import Role
from store.models import Counter, Discrepancy, Event, Order, OutboxMessage, User

MANIFEST = json.loads((Path(__file__).resolve().parents[2] / "manifest.json").read_text())
REP, SALES_OF_GLOBEX = "U0SALES1", "U0SALES2"  # the triage desk's account owners


def counter(t, name: str) -> int | None:
    with t.db.read() as s:
        return s.scalar(select(Counter.value).where(Counter.name == name))


def managers_posts(t) -> list:
    return [m for m in t.sb.messages(MANAGERS) if "deactivated" in m.text]


def test_user_change_is_subscribed():
    assert "user_change" in MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert "users:read" in MANIFEST["oauth_config"]["scopes"]["bot"]


def test_a_deactivated_processor_is_taken_off_the_desk_and_their_items_handed_back(
        triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    parent = t.parent("SO-9002")
    t.sb.click(action_id(parent, A.ASSIGN_ME), user=PROCESSOR, message=parent)
    t.sb.wait_for(lambda: f"<@{PROCESSOR}>" in text_of(parent) and parent.edited)

    delivery = t.sb.deactivate(PROCESSOR)

    assert delivery.status == 200 and not delivery.problems, delivery.problems
    t.sb.wait_for(lambda: managers_posts(t))  # events are answered after their ack
    with t.db.read() as s:
        d = s.scalars(select(Discrepancy).join(Order).where(Order.ref == "SO-9002")).one()
        assert (d.owner_id, d.status.value) == (None, "new")
        assert s.get(User, PROCESSOR).role == Role.SALES
    t.sb.wait_for(lambda: len(t.sb.thread(TRIAGE, parent.ts)) == 2)
    note = t.sb.thread(TRIAGE, parent.ts)[-1].blocks[0]["elements"][0]["text"]
    assert f"<@{PROCESSOR}> is no longer on the desk" in note
    post = json.dumps(managers_posts(t)[-1].blocks)
    assert f"<@{PROCESSOR}>" in post and "from processor to sales" in post
    assert "Their 1 open item went back to the queue" in post


def test_a_deactivated_rep_s_accounts_are_named_to_the_managers_once(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)

    assert t.sb.deactivate(REP).status == 200
    t.sb.wait_for(lambda: managers_posts(t))
    post = json.dumps(managers_posts(t)[-1].blocks)
    assert "1 customer still names them as its rep: `ACME`" in post
    assert "role went" not in post  # a rep had the lowest role already

    # Slack sends user_change again for each later edit of that profile: told once.
    assert t.sb.send_event({"type": "user_change",
                            "user": t.sb.ws.users[REP].to_api(t.sb.team_id)}).status == 200
    t.sb.wait_for(lambda: counter(t, f"off:{REP}") == 2)
    with t.db.read() as s:
        told = s.scalars(select(Event).where(Event.kind == "person.deactivated")).all()
        queued = s.scalars(select(OutboxMessage).where(
            OutboxMessage.dedupe_key.like("person-deactivated:%"))).all()
    assert len(told) == 1 and len(queued) == 1


def test_a_profile_change_of_someone_active_changes_nothing(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    user = t.sb.ws.users[PROCESSOR].to_api(t.sb.team_id)
    assert t.sb.send_event({"type": "user_change", "user": user}).status == 200
    t.sb.deactivate(SALES_OF_GLOBEX)  # answered after the first: that one is answered too
    t.sb.wait_for(lambda: counter(t, f"off:{SALES_OF_GLOBEX}") == 1)
    with t.db.read() as s:
        assert s.get(User, PROCESSOR) is None or s.get(User, PROCESSOR).role != Role.SALES
        told = s.scalars(select(Event).where(Event.kind == "person.deactivated")).all()
        assert [e.summary for e in told] == [f"{SALES_OF_GLOBEX} was deactivated in Slack"]


def test_deactivated_again_after_coming_back_is_told_again(triage, tmp_path):
    t = triage
    t.import_problems(tmp_path)
    t.sb.deactivate(REP)
    t.sb.wait_for(lambda: len(managers_posts(t)) == 1)
    t.sb.ws.users[REP].deleted = False  # an admin reactivates them: Slack says so
    t.sb.send_event({"type": "user_change", "user": t.sb.ws.users[REP].to_api(t.sb.team_id)})
    t.sb.wait_for(lambda: counter(t, f"off:{REP}") is None)
    t.sb.deactivate(REP)
    t.sb.wait_for(lambda: len(managers_posts(t)) == 2)


def test_another_organisations_person_deactivated_changes_nothing_here(triage, tmp_path):
    """A Slack Connect user's deletion made them a User row, a role change and a managers'
    post 'role went from processor to sales' under ORDERDESK_DEFAULT_ROLE=processor."""
    t = triage
    t.import_problems(tmp_path)
    t.sb.add_user("U0EXT1", "outsider", team_id="T0OTHER")
    t.sb.deactivate("U0EXT1")
    t.sb.deactivate(SALES_OF_GLOBEX)  # answered after the first: that one is answered too
    t.sb.wait_for(lambda: counter(t, f"off:{SALES_OF_GLOBEX}") == 1)
    with t.db.read() as s:
        assert s.get(User, "U0EXT1") is None and counter(t, "off:U0EXT1") is None

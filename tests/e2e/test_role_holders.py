"""/orders role for people Slack does not vouch for: an id the workspace doesn't have, an app, a
guest, another organisation's person, a deactivated one. Each got "is now *processor*" and a
row among the desk's people (Assign… offered them a customer's problem) while every request of
theirs was still refused; now each is told why and nothing is stored."""

import json

import pytest
from sqlalchemy import func, select

from bench.app_stack import ADMIN, CHANNEL
from store.models import Event, User


def said(stack, text: str) -> str:
    delivery = stack.sb.slash("/orders", text, user=ADMIN, channel=CHANNEL)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    answer = stack.sb.ephemerals(user=ADMIN, channel=CHANNEL)[-1]
    return json.dumps(answer.blocks, ensure_ascii=False) + answer.text


def stored(stack) -> tuple[int, int]:
    with stack.db.read() as s:
        return (s.scalar(select(func.count()).select_from(User)),
                s.scalar(select(func.count()).select_from(Event)))


@pytest.fixture
def people(stack, desk):
    stack.sb.add_user("U0GUEST", "guest", guest="single", channels=[CHANNEL])
    stack.sb.add_user("U0BUYER", "buyer", team_id="T0BETA")
    stack.sb.add_user("U0GONE", "gone", deleted=True)
    return stack


@pytest.mark.parametrize("text,reason", [
    ("role <@U0NOBODY> processor", "Slack has no one with the id `U0NOBODY`"),
    ("role U0NOBODY manager", "Slack has no one with the id `U0NOBODY`"),
    ("role <@U0BOT> processor", "is an app, not a person"),
    ("role <@USLACKBOT> processor", "is an app, not a person"),
    ("role <@U0GUEST|guest> processor", "is a guest or from another organisation"),
    ("role <@U0BUYER> sales", "is a guest or from another organisation"),
    ("role <@U0GONE> processor", "is deactivated in Slack"),
])
def test_a_role_goes_only_to_a_person_of_the_workspace(people, text, reason):
    before = stored(people)
    answer = said(people, text)
    assert reason in answer and "is now" not in answer, answer
    assert stored(people) == before


def test_a_deactivated_person_can_still_be_taken_off_the_desk(people):
    with people.db.write() as s:
        s.add(User(slack_user_id="U0GONE", role="processor", display_name="gone"))
    assert "is now *sales*" in said(people, "role <@U0GONE> sales")
    with people.db.read() as s:
        assert s.get(User, "U0GONE").role == "sales"


def test_when_slack_cannot_say_who_it_is_nothing_is_given(people):
    said(people, "role <@U0SALES1> sales")  # Orderdesk knows the admin now (kept 5 minutes)
    people.sb.faults.add(method="users.info", error="internal_error", times=1)
    before = stored(people)
    answer = said(people, "role <@U0SALES2> processor")
    assert "couldn't ask Slack who <@U0SALES2> is" in answer and "internal_error" in answer
    assert stored(people) == before
    assert "is now *processor*" in said(people, "role <@U0SALES2> processor")

"""A user or channel id longer than Slack's (and than the 32 characters the columns keep) typed
into an admin command: a "not a person / not a channel" answer and nothing stored. On
PostgreSQL it was a truncation error behind "Something went wrong"; SQLite stored it."""

import json

import pytest
from sqlalchemy import func, select

from bench.app_stack import ADMIN, CHANNEL
from store.models import ChannelRoute, DigestSubscription, User

LONG_USER, LONG_CHANNEL = "U" + "A" * 40, "C" + "B" * 40


@pytest.mark.parametrize("text,model", [
    (f"role <@{LONG_USER}> processor", User),
    (f"role {LONG_USER} processor", User),
    (f"route default <#{LONG_CHANNEL}|x>", ChannelRoute),
    (f"digest subscribe daily <#{LONG_CHANNEL}|x>", DigestSubscription),
])
def test_an_overlong_id_is_no_person_or_channel(stack, desk, text, model):
    with stack.db.read() as s:
        before = s.scalar(select(func.count()).select_from(model))
    delivery = stack.sb.slash("/orders", text, user=ADMIN, channel=CHANNEL)
    assert delivery.status == 200 and not delivery.problems, delivery.problems
    answer = stack.sb.ephemerals(user=ADMIN, channel=CHANNEL)[-1]
    said = json.dumps(answer.blocks) + answer.text
    assert "went wrong" not in said and ("not a person" in said or "not a channel" in said), said
    with stack.db.read() as s:
        assert s.scalar(select(func.count()).select_from(model)) == before

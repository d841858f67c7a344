"""Every phrasing in tests/support/phrasings.py, asked through the sandbox the way a rep asks it
(@mention in a channel, @mention inside a thread, DM), answered in the right thread with
exactly the right orders."""

import pytest

from tests.support.phrasings import PHRASINGS
from tests.support.threads import answer_in, ask, kind_of, refs_of


def test_there_are_at_least_forty_phrasings_of_every_sort():
    kinds = {p.kind for p in PHRASINGS}
    assert len(PHRASINGS) >= 40
    assert kinds == {"order", "orders", "candidates", "no_match"}
    assert {p.how for p in PHRASINGS} == {"mention", "thread", "dm"}


@pytest.mark.parametrize("phrasing", PHRASINGS, ids=lambda p: p.id)
def test_a_phrasing_is_answered_with_the_right_orders_in_its_thread(tstack, phrasing):
    channel, thread = ask(tstack.sb, phrasing.text, user=phrasing.user, how=phrasing.how)
    reply = answer_in(tstack.sb, channel, thread)
    assert reply.thread_ts == thread
    assert (kind_of(reply), sorted(refs_of(reply))) == (phrasing.kind, sorted(phrasing.refs)), \
        phrasing.why

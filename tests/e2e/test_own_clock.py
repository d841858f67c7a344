"""Everyone's own clock (issue 16 part 6): dates in words are read in the asker's time zone
(users.info tz), and times in messages are Slack date tokens each reader sees in theirs."""

import json
import re
from datetime import UTC, datetime

from sandbox.render_text import render_message
from tests.support.threads import CHANNEL, answer_in, ask, refs_of
from tests.support.threads_desk import NOW

PROCESSOR = "U0PROC1"
# 02:00 UTC on NOW's day is 18:00 the evening before in Los Angeles: their "yesterday" is
# the day before that (Mon 23 Nov), not UTC's (Tue 24 Nov).
EARLY = NOW.replace(hour=2)


def test_yesterday_is_the_askers_yesterday(tstack, set_clock):
    set_clock.set(EARLY)
    tstack.sb.ws.users[PROCESSOR].tz = "America/Los_Angeles"
    channel, thread = ask(tstack.sb, "orders from yesterday", user=PROCESSOR)
    refs = set(refs_of(answer_in(tstack.sb, channel, thread)))
    # Mon 23 Nov in Los Angeles: 08:00 UTC Mon to 08:00 UTC Tue.
    assert refs == {"SO-1045", "SO-1059"}


def test_yesterday_in_utc_for_someone_in_utc(tstack, set_clock):
    set_clock.set(EARLY)
    channel, thread = ask(tstack.sb, "orders from yesterday", user=PROCESSOR)
    assert set(refs_of(answer_in(tstack.sb, channel, thread))) == {
        "SO-1046", "SO-1052", "SO-1053"}


def test_a_card_shows_times_as_a_date_token_in_each_readers_zone(tstack):
    tstack.sb.slash("/order", "SO-1042 history", user=PROCESSOR, channel=CHANNEL)
    card = tstack.sb.ephemerals(user=PROCESSOR, channel=CHANNEL)[-1]
    text = json.dumps(card.blocks)
    token = re.search(r"<!date\^(\d+)\^\{date_short_pretty\} \{time\}\|([^>]+) UTC>", text)
    assert token, text
    at = datetime.fromtimestamp(int(token.group(1)), UTC)
    assert token.group(2) == at.strftime("%Y-%m-%d %H:%M")
    shown = render_message(card, tz="Asia/Tokyo")
    assert "JST" in shown and "<!date" not in shown

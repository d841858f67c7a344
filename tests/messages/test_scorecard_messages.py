"""The processor scorecard message: valid Block Kit, each person's figures and changes, names
escaped. Pure: views built by hand."""

import json
from datetime import UTC, date, datetime

from messages.scorecard import scorecard_message
from sandbox.blockkit import validate_message_blocks
from store.periods import period_containing
from store.views.metrics import ProcessorFigures, ScorecardRow, ScorecardView
from tests.support.views import HOSTILE

WEEK = period_containing("weekly", date(2026, 11, 2))
BUILT = datetime(2026, 11, 9, 8, tzinfo=UTC)


def row(uid, name=None, **kw):
    return ScorecardRow(ProcessorFigures(uid, name, **kw), ProcessorFigures(uid, name, edits=2))


def view(*rows) -> ScorecardView:
    return ScorecardView(WEEK, "UTC", rows, BUILT)


def text_of(message) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def test_the_team_scorecard_lists_everyone_with_their_error_rate():
    rows = [row("U0PROC1", "Priya", orders_entered=2, edits=1, resolved=3,
                resolve_median_hours=24.0, reflagged=1, approvals_requested=0),
            row("U0PROC2", HOSTILE)] + [row(f"U0P{n}") for n in range(12)]
    message = scorecard_message(view(*rows))
    assert validate_message_blocks(message["blocks"]) == []
    text = text_of(message)
    assert message["blocks"][0]["text"]["text"] == \
        "Processor scorecard · Week 45 2026, 2–8 Nov 2026"
    assert "*Priya* — entered 2 (before 0) · edits 1 · resolved 3 (before 0), median 24.0 h" \
        " · re-flagged 1 (33.3%)" in text
    assert "<!channel>" not in text and "<@U0P11>" in text
    assert "response_type" not in message


def test_ones_own_scorecard_is_ephemeral_with_a_field_per_figure():
    message = scorecard_message(view(row("U0PROC1", "Priya", edits=4, resolved=2,
                                         reflagged=0)), ephemeral=True)
    assert validate_message_blocks(message["blocks"]) == []
    assert message["response_type"] == "ephemeral"
    text = text_of(message)
    assert message["blocks"][0]["text"]["text"].startswith("Your scorecard · Week 45")
    assert "*Edits*\\n4  (▲ 100.0% vs 2)" in text and "*Re-flagged after resolving*\\n0 (0.0%)" \
        in text

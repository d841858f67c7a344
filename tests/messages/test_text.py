"""Splitting a list into section texts Slack accepts (3,000 characters each)."""

from datetime import UTC, datetime

from messages.text import clip, mrkdwn, plain, sections_of, when


def test_rows_fill_sections_in_order_and_none_exceeds_the_limit():
    rows = [f"row {n:03d} " + "x" * 90 for n in range(100)]
    texts = sections_of(rows, first="*Title*")
    assert all(len(t) <= 3000 for t in texts) and len(texts) == 4
    assert texts[0].startswith("*Title*\nrow 000")
    assert "\n".join(texts).split("\n")[1:] == rows


def test_a_row_longer_than_a_section_is_cut_and_nothing_is_empty():
    (only,) = sections_of(["y" * 5000])
    assert len(only) == 3000 and only.endswith("…")
    assert sections_of([]) == [] and sections_of([], first="*T*") == ["*T*"]


def test_clip_never_leaves_half_a_date_token():
    token = when(datetime(2026, 12, 4, 10, tzinfo=UTC))
    text = "x" * 2980 + " " + token
    clipped = clip(text)
    assert len(clipped) <= 3000 and "<!date" not in clipped and clipped.endswith("…")
    assert clip("short " + token) == "short " + token


def test_peoples_text_cannot_turn_the_rest_of_a_line_around():
    """A flag reason ending in an unclosed right-to-left override (U+202E) showed the ref and
    amount after it reversed; Hebrew's direction marks and emoji joiners are text, and stay."""
    reason = "a\u200db\u202e\u2067"
    assert mrkdwn(reason) == plain(reason) == "a\u200db"
    assert mrkdwn("\u200fשלום\u200e SO-1042") == "\u200fשלום\u200e SO-1042"


def test_at_most_so_many_sections_the_last_saying_how_many_rows_it_leaves_out():
    rows = [f"row {n:03d} " + "x" * 290 for n in range(100)]  # 10 to a section
    texts = sections_of(rows, most=3, more=lambda n: f"…and {n} more")
    assert len(texts) == 3 and all(len(t) <= 3000 for t in texts)
    kept = "\n".join(texts).split("\n")
    assert kept[-1] == f"…and {100 - len(kept[:-1])} more" and kept[:-1] == rows[:len(kept) - 1]
    assert len(kept) - 1 == 29  # the note took the place of the 30th row
    assert sections_of(rows, most=10, more=lambda n: "never") == sections_of(rows)

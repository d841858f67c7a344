"""Answer messages, built from views without Slack: valid Block Kit, escaped, policy-safe."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from messages.actions import ThreadActions
from messages.answers import answer_message, followed_message, headline, unfollowed_message
from sandbox.blockkit import validate_message_blocks
from sandbox.render_text import render_blocks
from store.views.questions import (
    CANDIDATES,
    FOLLOWED,
    HELP,
    NEEDS_ORDER,
    NO_MATCH,
    ORDER,
    ORDERS,
    SHIPPED,
    UNFOLLOWED,
    Answer,
    Blocker,
    DateRange,
    LineFact,
    OrderAnswer,
    OrderDetails,
    Question,
    ShipmentFact,
)

HOSTILE = '<!channel> "Quotes" & <b>Co</b>\n*bold*'
AT = datetime(2026, 11, 20, 9, tzinfo=UTC)


def question(text="status of SO-1042", **kw):
    base = dict(text=text, command="ask", keys=(), words="", dates=None, wants=frozenset())
    return Question(**{**base, **kw})


def order(ref="SO-1042", name="Acme Corporation", **kw):
    base = dict(
        ref=ref, customer_name=name, customer_code="ACME", po_number="PO-7781", ordered_at=AT,
        status="open", fulfilment_status="unfulfilled", payment_status="awaiting",
        stage="awaiting_fulfilment", late=False, days_late=0, due_date=date(2026, 12, 1),
        shipped_at=None, delivered_at=None, expected_delivery=None, blockers=(), shipments=(),
        details=OrderDetails(lines=(LineFact("WID-1042-BL", "Widget", 2, 0, 2500),),
                             line_count=1, total_minor=3495, currency="USD",
                             ship_to=("1 Main St", "Springfield"), shipping_instructions=None),
        owner_id="U0SALES1")
    return OrderAnswer(**{**base, **kw})


def blocks_text(message) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


ALL_KINDS = [
    Answer(kind=ORDER, question=question(), orders=(order(),), total=1),
    Answer(kind=ORDERS, question=question("initech yesterday"),
           orders=(order("SO-1052"), order("SO-1053")), total=12, customers=("Initech",)),
    Answer(kind=CANDIDATES, question=question("stark"), orders=(order(), order("SO-1058")),
           total=2, customers=("Stark Industries", "Stark Industrial Supply")),
    Answer(kind=NO_MATCH, question=question("hooli", words="Hooli"),
           searched=("customer names", "customer codes")),
    Answer(kind=NEEDS_ORDER, question=question("hi")),
    Answer(kind=HELP, question=question("")),
    Answer(kind=FOLLOWED, question=question(), refs=("SO-1042", "SO-1044")),
    Answer(kind=UNFOLLOWED, question=question(), refs=("SO-1042",)),
    Answer(kind=UNFOLLOWED, question=question(), refs=()),
]


@pytest.mark.parametrize("answer", ALL_KINDS, ids=lambda a: f"{a.kind}-{len(a.refs)}")
def test_every_kind_of_answer_is_valid_block_kit_with_a_fallback_text(answer):
    message = answer_message(answer)
    assert message["text"] and validate_message_blocks(message["blocks"]) == []


@pytest.mark.parametrize("answer", ALL_KINDS, ids=lambda a: f"{a.kind}-{len(a.refs)}")
def test_hostile_customer_and_question_text_stays_harmless(answer):
    hostile = replace(answer, question=replace(answer.question, text=HOSTILE, words=HOSTILE),
                      orders=tuple(replace(o, customer_name=HOSTILE, po_number=HOSTILE)
                                   for o in answer.orders),
                      customers=tuple(HOSTILE for _ in answer.customers))
    message = answer_message(hostile)
    text = blocks_text(message)
    assert "<!channel>" not in text and "<b>" not in text
    assert validate_message_blocks(message["blocks"]) == []


def test_one_order_shows_status_dates_blockers_tracking_and_details():
    shipment = ShipmentFact("UPS", "Ground", AT, None, date(2026, 11, 27), "1Z999AA10123456784",
                            "https://www.ups.com/track?tracknum=1Z999AA10123456784")
    hold = Blocker("credit_hold", None, AT, "waiting on credit", True)
    message = answer_message(Answer(kind=ORDER, question=question(), orders=(order(
        stage="in_transit", shipped_at=AT, expected_delivery=date(2026, 11, 27),
        shipments=(shipment,), blockers=(hold,)),)))
    text = blocks_text(message)
    assert "Shipped Nov 20, 2026 via UPS" in render_blocks(message["blocks"], tz="UTC")
    for shown in ("*SO-1042*", "Credit hold",
                  "waiting on credit", "<https://www.ups.com/track?tracknum=1Z999AA10123456784|"
                  "1Z999AA10123456784>", "$34.95", "1 Main St", "Expected delivery"):
        assert shown in text, shown
    assert message["blocks"][-1]["elements"][0]["action_id"] == ThreadActions.FOLLOW


def test_a_status_only_answer_says_so_and_has_no_money():
    restricted = order(details=None, owner_id="U0SALES2",
                       blockers=(Blocker("price_mismatch", "high", AT, None, False),))
    text = blocks_text(answer_message(Answer(kind=ORDER, question=question(),
                                             orders=(restricted,))))
    assert "Status only" in text and "<@U0SALES2>" in text and "Price mismatch (high)" in text
    assert "$" not in text and "Main St" not in text


def test_a_list_has_one_button_per_order_and_says_how_many_more():
    answer = ALL_KINDS[1]
    message = answer_message(answer)
    buttons = [b["accessory"] for b in message["blocks"] if "accessory" in b]
    assert [b["value"] for b in buttons] == ["SO-1052", "SO-1053"]
    assert len({b["action_id"] for b in buttons}) == 2
    assert all(b["text"]["text"] == "Details" for b in buttons)
    assert "Showing 1–2 of 12" in blocks_text(message)


def test_counts_in_a_list_are_grouped_the_readers_way():
    from messages import i18n
    answer = replace(ALL_KINDS[1], total=12345)
    assert "Showing 1–2 of 12,345" in blocks_text(answer_message(answer))
    with i18n.using("es_ES"):
        shown = blocks_text(answer_message(answer))
    assert "12.345 pedidos" in shown and "1–2 de 12.345" in shown and "12,345" not in shown


def test_candidates_ask_which_one():
    text = blocks_text(answer_message(ALL_KINDS[2]))
    assert "matches Stark Industries and Stark Industrial Supply. Which one?" in text
    assert '"This one"' in text


def test_a_date_scope_is_spelled_out():
    dates = DateRange(datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC),
                      "last week")
    answer = replace(ALL_KINDS[1], question=question("acme last week", dates=dates))
    shown = render_blocks(answer_message(answer)["blocks"], tz="UTC")
    assert "ordered last week (Nov 16, 2026 – Nov 22, 2026)" in shown


def test_days_are_the_readers_own():
    """Shipped 20 Nov 18:00 UTC is 21 Nov in Tokyo and still 20 Nov in New York; 'last week'
    asked in Tokyo (its local midnights) reads as the Tokyo week it was, not the UTC days of
    those midnights (15:00 the day before). The token's fallback is the UTC day."""
    late_in_utc = datetime(2026, 11, 20, 18, tzinfo=UTC)
    message = answer_message(Answer(kind=ORDER, question=question(), orders=(order(
        stage="in_transit", shipped_at=late_in_utc),)))
    assert "Shipped Nov 21, 2026" in render_blocks(message["blocks"], tz="Asia/Tokyo")
    assert "Shipped Nov 20, 2026" in render_blocks(message["blocks"], tz="America/New_York")
    assert "|Nov 20, 2026>" in blocks_text(message)
    tokyo_week = DateRange(datetime(2026, 11, 15, 15, tzinfo=UTC),
                           datetime(2026, 11, 22, 15, tzinfo=UTC), "last week")
    answer = replace(ALL_KINDS[1], question=question("acme last week", dates=tokyo_week))
    shown = render_blocks(answer_message(answer)["blocks"], tz="Asia/Tokyo")
    assert "ordered last week (Nov 16, 2026 – Nov 22, 2026)" in shown
    # New York's 8 March 2026 is 23 hours long (clocks go forward): its range ends at 04:00
    # UTC on the 9th, and a day before that end is still the 7th.
    for start, shown in ((datetime(2026, 3, 8, 5, tzinfo=UTC), "(Mar 8, 2026)"),
                         (datetime(2026, 3, 7, 5, tzinfo=UTC), "(Mar 7, 2026 – Mar 8, 2026)")):
        dates = DateRange(start, datetime(2026, 3, 9, 4, tzinfo=UTC), "then")
        answer = replace(ALL_KINDS[1], question=question("acme then", dates=dates))
        assert shown in render_blocks(answer_message(answer)["blocks"], tz="America/New_York")


@pytest.mark.parametrize("stage, expected", [
    ("awaiting_fulfilment", "No — not shipped yet"),
    ("in_transit", "Yes — shipped"),
    ("delivered", "Yes — delivered"),
])
def test_a_yes_or_no_question_gets_yes_or_no_first(stage, expected):
    assert expected in headline(order(stage=stage, shipped_at=AT), frozenset({SHIPPED}))


def test_follow_messages_offer_the_way_back():
    followed = followed_message(["SO-1042"])
    assert followed["blocks"][1]["elements"][0]["action_id"].startswith(ThreadActions.UNFOLLOW)
    stopped = unfollowed_message(["SO-1042"])
    assert stopped["blocks"][1]["elements"][0]["action_id"].startswith(ThreadActions.FOLLOW)
    assert "You now follow" in blocks_text(followed_message(["SO-1"], in_dm=True))


def test_an_uncounted_list_says_there_are_more():
    answer = replace(ALL_KINDS[1], total=2, total_is_floor=True)
    assert "Showing 1–2 of 2+." in blocks_text(answer_message(answer))


def test_what_a_customer_ordered_lists_the_items_of_each_order():
    """#15.10: "what did Globex order last week?" answered with statuses only."""
    from store.views.questions import ITEMS
    many = tuple(LineFact(f"SKU-{n}", f"Part {n}", n, 0, 100 * n) for n in range(1, 8))
    rich = order("SO-1052", details=replace(order().details, lines=many, line_count=7))
    answer = Answer(kind=ORDERS, question=question("what did acme order", wants=frozenset(
        {ITEMS})), orders=(rich, order("SO-1053", details=None)), total=2)
    text = blocks_text(answer_message(answer))
    assert "1 × `SKU-1` Part 1, 2 × `SKU-2` Part 2" in text and "…and 2 more line(s)" in text
    assert "`SKU-6`" not in text  # five items a row, then a count
    plain = blocks_text(answer_message(replace(answer, question=question("acme orders"))))
    assert "`SKU-1`" not in plain


def test_a_list_pages_both_ways_and_says_where_it_is():
    """#15.10: "Showing 10 of 51" with no way to the rest."""
    rows = tuple(order(f"SO-{n}") for n in range(11, 21))
    page = Answer(kind=ORDERS, question=question("initech last month"), orders=rows,
                  total=51, offset=10)
    message = answer_message(page)
    assert "Showing 11–20 of 51" in blocks_text(message)
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e["action_id"].startswith("threads.page")]
    assert [(e["action_id"], e["value"]) for e in buttons] == [
        (ThreadActions.PAGE_BACK, "0|initech last month"),
        (ThreadActions.PAGE, "20|initech last month")]
    assert validate_message_blocks(message["blocks"]) == []


def test_an_expected_delivery_that_has_passed_reads_overdue_not_estimated():
    shipment = ShipmentFact("UPS", "Ground", AT, None, date(2026, 12, 4), None, None)
    passed = order(stage="in_transit", shipped_at=AT, expected_delivery=date(2026, 12, 4),
                   shipments=(shipment,), as_of=date(2026, 12, 6))
    text = blocks_text(answer_message(Answer(kind=ORDER, question=question(), orders=(passed,))))
    assert "delivery was due Dec 4, 2026, not confirmed yet" in text and "(est.)" not in text
    coming = replace(passed, as_of=date(2026, 12, 3))
    text = blocks_text(answer_message(Answer(kind=ORDER, question=question(), orders=(coming,))))
    assert "expected Dec 4, 2026 (est.)" in text and "was due" not in text
    # under its own label the day is not "expected" twice ("Expected delivery expected …")
    assert "*Expected delivery*\\nDec 4, 2026 (est.)" in text  # \n as JSON writes it

"""Order messages: what they show, that they are valid Block Kit, and that user text is inert."""

import json

import pytest

from messages.actions import FulfilmentActions, MailActions, OrderActions, ReturnActions
from messages.edit_order import EDIT_LINES, EditMetadata, edit_order_modal
from messages.orders import (
    all_lines_modal,
    candidates_message,
    no_match_message,
    order_card,
)
from sandbox.blockkit import validate_message_blocks, validate_view
from tests.support.views import HOSTILE, candidate, hostile_order, line, lookup_result, order


def action_ids(blocks):
    return [e["action_id"] for b in blocks for e in b.get("elements", []) if "action_id" in e] + [
        b["accessory"]["action_id"] for b in blocks if "accessory" in b
    ]


def all_text(payload) -> str:
    return json.dumps(payload, ensure_ascii=False)


def test_order_card_shows_ref_customer_status_axes_and_totals():
    card = order_card(order())
    text = all_text(card)
    assert card["blocks"][0]["text"]["text"] == "SO-1042 · Acme Corp"
    assert "Open · Allocated · payment captured" in text
    assert "$50.00" in text and "$9.95" in text and "$59.95" in text
    assert "`WID-1001-BL` Widget 1 × 2 @ $12.50 = *$25.00*" in text
    assert validate_message_blocks(card["blocks"]) == []


def test_order_card_buttons_carry_the_ref():
    part = order(lines=(line(1, quantity_shipped=2), line(2)),
                 fulfilment_status="partially_shipped")
    card = order_card(part, shareable=True)
    ids = action_ids(card["blocks"])
    assert ids == [OrderActions.EDIT, OrderActions.FLAG, OrderActions.HISTORY,
                   OrderActions.FOLLOW, FulfilmentActions.SHIP, ReturnActions.START,
                   MailActions.ORDER, OrderActions.SHARE]
    assert OrderActions.SHARE not in action_ids(order_card(part)["blocks"])


def test_order_card_offers_only_what_can_apply():
    """#15.8: Ship, Return and Edit showed on completed orders."""
    from store.views.orders import OwedView
    unshipped = action_ids(order_card(order())["blocks"])
    assert FulfilmentActions.SHIP in unshipped and ReturnActions.START not in unshipped
    done = order(status="completed", fulfilment_status="delivered",
                 lines=(line(1, quantity_shipped=2),))
    ids = action_ids(order_card(done)["blocks"])
    assert ids == [OrderActions.FLAG, OrderActions.HISTORY, OrderActions.FOLLOW,
                   ReturnActions.START, MailActions.ORDER]
    owed = (OwedView(1, "RMA-000001", 5, "WID-1001-BL", "Widget 1", 1, "replacement"),)
    card = order_card(order(status="completed", fulfilment_status="partially_returned",
                            lines=(line(1, quantity_shipped=2),), owed=owed))
    assert FulfilmentActions.SHIP in action_ids(card["blocks"])
    texts = [b["text"]["text"] for b in card["blocks"] if b["type"] == "section" and "text" in b]
    assert "*Replacements to ship*\n:arrows_counterclockwise: `WID-1001-BL` Widget 1 × *1* · " \
           "replacement for RMA-000001" in texts
    assert validate_message_blocks(card["blocks"]) == []


def test_hostile_text_is_escaped_everywhere_and_stays_valid():
    card = order_card(hostile_order())
    mrkdwn_texts = [t for t in _mrkdwn_strings(card["blocks"])]
    assert mrkdwn_texts, "the card has mrkdwn"
    for text in mrkdwn_texts:
        assert "<!channel>" not in text and "<b>" not in text
    assert any("&lt;!channel&gt;" in t for t in mrkdwn_texts)
    # The fallback text shows in notifications and is mrkdwn too: it must not ping either.
    assert "<!channel>" not in card["text"] and "&lt;!channel&gt;" in card["text"]
    assert validate_message_blocks(card["blocks"]) == []


def test_long_orders_are_summarised_with_a_button_for_all_lines():
    many = tuple(line(n) for n in range(1, 201))
    card = order_card(order(lines=many))
    assert OrderActions.ALL_LINES in action_ids(card["blocks"])
    assert validate_message_blocks(card["blocks"]) == []
    modal = all_lines_modal(order(lines=many))
    assert validate_view(modal) == []
    assert "WID-1200-BL" in all_text(modal)


def test_candidates_have_unique_open_buttons_with_refs():
    result = lookup_result(candidates=tuple(candidate(f"SO-{n}") for n in range(1, 6)))
    message = candidates_message(result)
    buttons = [b["accessory"] for b in message["blocks"] if "accessory" in b]
    assert [b["value"] for b in buttons] == [f"SO-{n}" for n in range(1, 6)]
    assert len({b["action_id"] for b in buttons}) == 5
    assert validate_message_blocks(message["blocks"]) == []


def test_the_open_button_says_abrir_in_spanish_while_the_open_status_stays_abierto():
    from messages import i18n
    result = lookup_result(candidates=(candidate("SO-1"),))
    english = [b["accessory"]["text"]["text"] for b in candidates_message(result)["blocks"]
               if "accessory" in b]
    with i18n.using("es_ES"):
        spanish = [b["accessory"]["text"]["text"] for b in candidates_message(result)["blocks"]
                   if "accessory" in b]
        assert i18n.gettext("Open") == "Abierto"
    assert english == ["Open"] and spanish == ["Abrir"]


@pytest.mark.parametrize("phrase, spanish", [
    ("customer name ~ 'acme'", "nombre del cliente ~ 'acme'"),
    ("PO 4500012345", "OC 4500012345"),
    ("order ref HX-2001 + SKU WID-1 ~ 'wid1'", "referencia HX-2001 + SKU WID-1 ~ 'wid1'"),
    ("tracking 1Z999", "seguimiento 1Z999"),
    ("customer code C1001", "código de cliente C1001"),
])
def test_what_a_candidate_matched_on_reads_in_spanish_english_unchanged(phrase, spanish):
    from messages import i18n
    result = lookup_result(candidates=(candidate("SO-1", matched_on=phrase),))
    assert phrase in all_text(candidates_message(result))
    with i18n.using("es_ES"):
        assert spanish in all_text(candidates_message(result))


def test_no_match_says_what_was_searched_and_escapes_the_query():
    message = no_match_message(lookup_result(query=HOSTILE))
    text = all_text(message)
    assert "order refs, customer names" in text
    assert "<!channel>" not in text.replace("\\u003c", "<").split('"text": "Nothing')[0]
    assert validate_message_blocks(message["blocks"]) == []


def test_edit_modal_is_valid_prefilled_and_remembers_the_version():
    modal = edit_order_modal(order(), channel_id="C1", hold_reasons=["credit_hold", "other"])
    assert validate_view(modal) == []
    assert EditMetadata.loads(modal["private_metadata"]) == EditMetadata(
        ref="SO-1042", version=3, channel_id="C1", line_nos=(1, 2))
    blocks = {b.get("block_id"): b for b in modal["blocks"]}
    assert blocks["ship_to.city"]["element"]["initial_value"] == "Springfield"
    assert blocks["lines.1.unit_price"]["element"]["initial_value"] == "12.50"
    assert blocks["requested_date"]["element"]["initial_date"] == "2026-12-01"


def test_edit_modal_stays_within_slacks_block_limit_for_huge_orders():
    huge = order(lines=tuple(line(n) for n in range(1, 301)))
    modal = edit_order_modal(huge, channel_id=None, hold_reasons=["other"])
    assert validate_view(modal) == []
    assert len([b for b in modal["blocks"] if b.get("block_id", "").endswith(".quantity")]) == \
        EDIT_LINES + 1  # the lines shown, plus the "add a line" quantity


def test_edit_modal_with_hostile_values_is_valid():
    assert validate_view(edit_order_modal(hostile_order(), channel_id="C1",
                                          hold_reasons=["other"])) == []


def _mrkdwn_strings(node):
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            yield node["text"]
        for value in node.values():
            yield from _mrkdwn_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _mrkdwn_strings(item)


def test_candidates_say_their_total_page_both_ways_and_exact_skus_are_not_a_near_miss():
    """#15.10: five results with no total; an exact SKU said "No exact match"."""
    from dataclasses import replace as swap
    page = lookup_result(query="BRG-3854-BL", candidates=tuple(
        swap(candidate(f"SO-{n}"), score=100.0) for n in range(6, 11)))
    page = swap(page, total=12, offset=5)
    message = candidates_message(page)
    text = all_text(message)
    assert "*12* orders match `BRG-3854-BL` (showing 6–10)" in text
    assert "No exact match" not in text
    pages = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(e["action_id"], e["value"]) for e in pages] == [
        (OrderActions.PAGE_BACK, "0|BRG-3854-BL"), (OrderActions.PAGE, "10|BRG-3854-BL")]
    assert validate_message_blocks(message["blocks"]) == []


def test_counts_agree_with_their_nouns():
    """#15.11: `1 orders`, `1 events`."""
    from messages.text import count
    assert (count(1, "order"), count(2, "order"), count(1204, "event")) == (
        "1 order", "2 orders", "1,204 events")


def test_labels_keep_acronyms_and_addresses_say_parts_in_words():
    """#15.8: "Unknown sku"; `Ship-to is missing line1` (a column name)."""
    from messages.text import label
    from store.triage.findings import check_address
    from store.triage.rules import RULES
    assert (label("unknown_sku"), label("partially_shipped")) == ("Unknown SKU",
                                                                  "Partially shipped")

    class Facts:
        customers: dict = {}

    class Order:
        id, customer_id, fulfilment_status = 1, 1, "allocated"
        ship = {"line1": "", "city": "Springfield", "postal_code": "", "country": "US"}
    (found,) = check_address(Order, Facts, RULES, None)
    assert found.title == "Ship-to is missing street address, postal code"
    assert found.evidence["found"] == "no street address, postal code"


def _longest_lines(n: int) -> tuple:
    """Lines as long as a row gets: 64-character SKUs, 60-character names, 3-decimal amounts
    at the store's limits, part shipped and backordered."""
    return tuple(line(i, sku=f"{i:04d}-" + "S" * 59, product_name="N" * 80,
                      quantity=999_999, unit_price_minor=10**12, line_total_minor=10**13,
                      quantity_shipped=499_999, quantity_backordered=500_000)
                 for i in range(1, n + 1))


@pytest.mark.parametrize("language", ["en", "es_ES"])
def test_the_card_of_the_longest_lines_splits_them_into_sections_slack_takes(language):
    from messages import i18n
    with i18n.using(language):
        card = order_card(order(currency="KWD", lines=_longest_lines(40),
                                fulfilment_status="partially_shipped"))
    assert validate_message_blocks(card["blocks"]) == []
    texts = [b["text"]["text"] for b in card["blocks"] if b["type"] == "section" and "text" in b]
    shown = [t for t in texts if "SSSS" in t]
    assert len(shown) > 1 and "\n".join(shown).count("-SSSS") == 15  # CARD_LINES, none cut
    assert "accessory" in next(b for b in card["blocks"] if "SSSS" in str(b.get("text")))


@pytest.mark.parametrize("language", ["en", "es_ES"])
def test_the_all_lines_modal_shows_every_long_line_within_slacks_limits(language):
    from messages import i18n
    with i18n.using(language):
        modal = all_lines_modal(order(currency="KWD", lines=_longest_lines(300)))
    assert validate_view(modal) == []
    text = all_text(modal)
    assert text.count("-SSSS") == 300 and "more line" not in text and "más" not in text
    assert modal["blocks"][-1]["elements"][0]["text"].startswith(
        {"en": "300 lines · total", "es_ES": "300 líneas · total"}[language])


def test_an_order_too_long_for_one_modal_says_how_many_lines_it_leaves_out():
    modal = all_lines_modal(order(currency="KWD", lines=_longest_lines(1500)))
    assert validate_view(modal) == [] and len(modal["blocks"]) == 100
    sections = [b["text"]["text"] for b in modal["blocks"] if b["type"] == "section"]
    shown = "\n".join(sections).count("-SSSS")
    assert sections[-1].endswith(f"…and {1500 - shown} more line(s)") and 900 < shown < 1500
    assert modal["blocks"][-1]["elements"][0]["text"].startswith("1,500 lines · total ")

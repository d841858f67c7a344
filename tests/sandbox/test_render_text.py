"""Block Kit as readable text."""

from __future__ import annotations

from sandbox.model import Message, View
from sandbox.render_text import mrkdwn_to_plain, render_blocks, render_message, render_view
from tests.support.sandbox import button, section, text_input


def test_mrkdwn_is_shown_as_plain_text():
    text = "*SO-1042* for _Acme &amp; Co_ <@U1> in <#C1|orders> <https://x.test|details> <!here>"
    assert mrkdwn_to_plain(text, {"U1": "sam"}) == (
        "SO-1042 for Acme & Co @sam in #orders details (https://x.test) @here")


def test_snake_case_words_are_not_mistaken_for_emphasis():
    assert mrkdwn_to_plain("order_line_id and 2*3*4") == "order_line_id and 2*3*4"


def test_blocks_render_header_fields_buttons_context_and_divider():
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Order SO-1042"}},
        section("*Acme*", accessory=button("open", "Open")),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*F{i}*"} for i in range(3)]},
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "placed _today_"}]},
        {"type": "actions", "elements": [button("claim", "Claim"), {
            "type": "static_select", "action_id": "s",
            "placeholder": {"type": "plain_text", "text": "Status"}, "options": []}]},
    ]
    lines = render_blocks(blocks).split("\n")
    assert lines[0] == "ORDER SO-1042"
    assert lines[1] == "Acme  [Open]"
    assert lines[2] == "F0".ljust(38) + " F1" and lines[3] == "F2"
    assert lines[4] == "-" * 40
    assert lines[5] == "  · placed today"
    assert lines[6] == "[Claim]  [Status v]"


def test_inputs_show_label_action_id_value_and_errors():
    blocks = [text_input("qty", "Quantity"), {
        "type": "input", "block_id": "st", "label": {"type": "plain_text", "text": "Status"},
        "optional": True, "element": {"type": "static_select", "action_id": "st_in", "options": [
            {"text": {"type": "plain_text", "text": "Held"}, "value": "held"}]}}]
    state = {"qty": {"qty_in": {"type": "plain_text_input", "value": "x"}},
             "st": {"st_in": {"type": "static_select", "selected_option": {
                 "text": {"type": "plain_text", "text": "Held"}, "value": "held"}}}}
    text = render_blocks(blocks, state=state, errors={"qty": "Enter a number"})
    assert text.split("\n") == ["Quantity (qty_in): x", "  ! Enter a number",
                                "Status (optional) (st_in): Held", "    options: Held"]


def test_messages_and_views_have_a_readable_frame():
    msg = Message(channel="C1", ts="1.1", user="U0BOT", text="*hi*", is_ephemeral=True)
    assert render_message(msg, users={"U0BOT": "orderdesk"}, index=3) == (
        "[3] @orderdesk (ephemeral, only you):\n  hi")
    view = View(id="V1", user="U1", type="modal", blocks=[section("Body")], hash="h",
                title={"type": "plain_text", "text": "Edit"}, callback_id="edit",
                submit={"type": "plain_text", "text": "Save"},
                close={"type": "plain_text", "text": "Cancel"})
    assert render_view(view) == "+-- Edit (edit, V1) --\n  Body\n  [Save] [Cancel]"


def test_a_date_token_shows_in_the_viewers_time_zone():
    token = "<!date^1733277600^{date_short_pretty} {time}|2024-12-04 02:00 UTC>"
    assert mrkdwn_to_plain(f"Ordered {token}") == "Ordered Dec 4, 2024 02:00 UTC"
    msg = Message(channel="C1", ts="1.0", user="U0BOT", text=f"Ordered {token}")
    assert render_message(msg, tz="America/Los_Angeles").endswith(
        "Ordered Dec 3, 2024 18:00 PST")
    assert mrkdwn_to_plain("<!date^x^{time}|fallback>") == "fallback"

"""Block Kit validation: every documented limit is rejected with a path, valid payloads pass."""

from __future__ import annotations

import copy

import pytest

from sandbox.blockkit import validate_message_blocks, validate_view
from tests.support.sandbox import button, modal, section, text_input


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def select(action_id: str = "pick", n: int = 3, **extra) -> dict:
    return {"type": "static_select", "action_id": action_id, "placeholder": plain("Pick"),
            "options": [{"text": plain(f"Option {i}"), "value": f"v{i}"} for i in range(n)],
            **extra}


def actions(*elements: dict) -> dict:
    return {"type": "actions", "elements": list(elements)}


RICH_MESSAGE = [
    {"type": "header", "text": plain("Order SO-1042")},
    section("*Acme* ordered 3 items", accessory=button("order.open", "Open")),
    {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*F{i}*"} for i in range(10)]},
    {"type": "divider"},
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "placed today"},
                                     {"type": "image", "image_url": "https://x.test/a.png",
                                      "alt_text": "logo"}]},
    {"type": "actions", "elements": [button("claim", "Claim", "SO-1042"), select(),
                                     {"type": "datepicker", "action_id": "due",
                                      "initial_date": "2024-05-01"},
                                     {"type": "overflow", "action_id": "more", "options": [
                                         {"text": plain("Edit"), "value": "edit"}]}]},
    {"type": "image", "image_url": "https://x.test/chart.png", "alt_text": "chart"},
    {"type": "rich_text", "elements": [{"type": "rich_text_section",
                                        "elements": [{"type": "text", "text": "hi"}]}]},
    {"type": "markdown", "text": "**bold**"},
]


def test_a_rich_valid_message_is_accepted():
    assert validate_message_blocks(RICH_MESSAGE) == []


def test_a_valid_modal_with_every_input_kind_is_accepted():
    view = modal("edit", text_input("qty", "Quantity", min_length=1, max_length=10),
                 {"type": "input", "block_id": "status", "label": plain("Status"),
                  "element": select("status_in", initial_option={"text": plain("Option 1"),
                                                                 "value": "v1"})},
                 {"type": "input", "block_id": "who", "label": plain("Owner"), "optional": True,
                  "element": {"type": "users_select", "action_id": "who_in"}},
                 {"type": "input", "block_id": "when", "label": plain("Due"),
                  "element": {"type": "datepicker", "action_id": "when_in"}},
                 {"type": "input", "block_id": "flags", "label": plain("Flags"),
                  "element": {"type": "checkboxes", "action_id": "flags_in",
                              "options": [{"text": {"type": "mrkdwn", "text": "*rush*"},
                                           "value": "rush"}]}},
                 {"type": "input", "block_id": "cust", "label": plain("Customer"),
                  "element": {"type": "external_select", "action_id": "cust_in",
                              "min_query_length": 2}},
                 {"type": "input", "block_id": "n", "label": plain("Amount"),
                  "element": {"type": "number_input", "action_id": "n_in",
                              "is_decimal_allowed": False, "min_value": "1"}},
                 private_metadata='{"order": 1}', close=plain("Cancel"))
    assert validate_view(view) == []


def test_home_tab_needs_no_title():
    assert validate_view({"type": "home", "blocks": [section("Hi")]}) == []


def long(n: int) -> str:
    return "x" * n


@pytest.mark.parametrize(("blocks", "expected"), [
    ([section(long(3001))], "blocks[0].text.text: 3001 characters, max 3000"),
    ([{"type": "header", "text": plain(long(151))}],
     "blocks[0].text.text: 151 characters, max 150"),
    ([{"type": "actions", "elements": [button("a", long(76))]}],
     "blocks[0].elements[0].text.text: 76 characters, max 75"),
    ([{"type": "actions", "elements": [button(long(256))]}],
     "blocks[0].elements[0].action_id: 256 characters, max 255"),
    ([section("a", block_id=long(256))], "blocks[0].block_id: 256 characters, max 255"),
    ([section("a")] * 51, "blocks: 51 blocks, max 50"),
    ([{"type": "section", "fields": [plain("f")] * 11}], "blocks[0].fields: 11 items, max 10"),
    ([{"type": "section", "fields": [plain(long(2001))]}],
     "blocks[0].fields[0].text: 2001 characters, max 2000"),
    ([{"type": "context", "elements": [plain("c")] * 11}], "blocks[0].elements: 11 items, max 10"),
    ([{"type": "actions", "elements": [button(f"b{i}") for i in range(26)]}],
     "blocks[0].elements: 26 items, max 25"),
    ([{"type": "actions", "elements": [select(n=101)]}],
     "blocks[0].elements[0].options: 101 items, max 100"),
    ([actions(select(options=[{"text": plain(long(76)), "value": "v"}]))],
     "blocks[0].elements[0].options[0].text.text: 76 characters, max 75"),
    ([actions(select(options=[{"text": plain("t"), "value": long(151)}]))],
     "blocks[0].elements[0].options[0].value: 151 characters, max 150"),
    ([{"type": "actions", "elements": [button("a", value=long(2001))]}],
     "blocks[0].elements[0].value: 2001 characters, max 2000"),
    ([{"type": "actions", "elements": [{**button("a"), "url": "https://" + long(3000)}]}],
     "blocks[0].elements[0].url: 3008 characters, max 3000"),
    ([text_input("qty", "Quantity")],
     "blocks[0].type: unknown or unsupported block type 'input' in messages"),
    ([{"type": "table"}], "blocks[0].type: unknown or unsupported block type 'table'"),
    ([section("")], "blocks[0].text.text: required, must be a non-empty string"),
    ([{"type": "section", "text": {"type": "markdown", "text": "x"}}],
     "blocks[0].text.type: must be plain_text or mrkdwn, got 'markdown'"),
    ([{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}],
     "blocks[0].text.type: must be plain_text, got 'mrkdwn'"),
    ([{"type": "actions", "elements": [{"type": "button", "action_id": "a"}]}],
     "blocks[0].elements[0].text: required"),
    ([{"type": "actions", "elements": [{"type": "button", "text": plain("Go")}]}],
     "blocks[0].elements[0].action_id: action_id must be a non-empty string"),
    ([{"type": "section"}], "blocks[0]: section needs text or fields"),
    ([{"type": "actions", "elements": [button("a"), button("a")]}],
     "blocks[0].elements[1].action_id: duplicate action_id 'a' (also at blocks[0].elements[0]"),
    ([section("a", block_id="b"), section("c", block_id="b")],
     "blocks[1].block_id: duplicate block_id 'b'"),
    ([{"type": "actions", "elements": [{**button("a"), "acton_id": "typo"}]}],
     "blocks[0].elements[0].acton_id: unknown field for 'button'"),
    ([{"type": "image", "image_url": "https://x.test/a.png"}], "blocks[0].alt_text: required"),
    ([{"type": "actions", "elements": [{**button("a"), "style": "blue"}]}],
     "blocks[0].elements[0].style: must be 'primary' or 'danger'"),
    ([actions(select(initial_option={"text": plain("X"), "value": "nope"}))],
     "blocks[0].elements[0].initial_option: value 'nope' is not one of options"),
    ([{"type": "actions", "elements": [{"type": "datepicker", "action_id": "d",
                                        "initial_date": "01/05/2024"}]}],
     "blocks[0].elements[0].initial_date: must be YYYY-MM-DD"),
    ([{"type": "actions", "elements": [{"type": "plain_text_input", "action_id": "t"}]}],
     "blocks[0].elements[0].type: 'plain_text_input' is not allowed in an actions block"),
    ("not a list", "blocks: must be a list of blocks, got str"),
])
def test_message_limits_are_rejected_with_a_path(blocks, expected):
    errors = validate_message_blocks(blocks)
    assert any(e.startswith(expected) for e in errors), errors


def test_ids_may_repeat_across_messages_but_not_within_one():
    one = [{"type": "actions", "elements": [button("claim")]}]
    assert validate_message_blocks(one) == []
    assert validate_message_blocks(copy.deepcopy(one)) == []


@pytest.mark.parametrize(("change", "expected"), [
    ({"title": plain(long(25))}, "view.title.text: 25 characters, max 24"),
    ({"submit": plain(long(25))}, "view.submit.text: 25 characters, max 24"),
    ({"close": plain(long(25))}, "view.close.text: 25 characters, max 24"),
    ({"title": None}, "view.title: must be a text object"),
    ({"private_metadata": long(3001)}, "view.private_metadata: 3001 characters, max 3000"),
    ({"callback_id": long(256)}, "view.callback_id: 256 characters, max 255"),
    ({"blocks": [section("a")] * 101}, "view.blocks: 101 blocks, max 100"),
    ({"type": "dialog"}, "view.type: must be 'modal' or 'home'"),
    ({"notify_on_close": "yes"}, "view.notify_on_close: must be a boolean"),
    ({"blocks": [{"type": "input", "label": plain("Q")}]}, "view.blocks[0].element: required"),
    ({"blocks": [{"type": "input", "element": {"type": "plain_text_input", "action_id": "q"}}]},
     "view.blocks[0].label: required"),
    ({"blocks": [text_input("a", "A", action_id="x"), text_input("b", "B", action_id="x")]},
     "view.blocks[1].element.action_id: duplicate action_id 'x'"),
    ({"blocks": [text_input("a", "A", min_length=5, max_length=2)]},
     "view.blocks[0].element: min_length 5 is greater than max_length 2"),
    ({"blocks": [{"type": "input", "label": plain("L"),
                  "element": {"type": "button", "action_id": "b", "text": plain("B")}}]},
     "view.blocks[0].element.type: 'button' is not allowed in an input block"),
])
def test_view_limits_are_rejected_with_a_path(change, expected):
    view = {**modal(), **change}
    errors = validate_view(view)
    assert any(e.startswith(expected) for e in errors), errors


def test_a_modal_with_inputs_needs_a_submit_button():
    view = modal()
    del view["submit"]
    assert validate_view(view) == ["view.submit: required when the modal has input blocks"]


def test_a_modal_without_inputs_needs_no_submit_button():
    view = {"type": "modal", "title": plain("Info"), "blocks": [section("Hi")]}
    assert validate_view(view) == []


def test_a_modal_needs_blocks_and_a_title():
    assert validate_view({"type": "modal"}) == ["view.title: required", "view.blocks: required"]

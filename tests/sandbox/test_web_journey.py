"""Orderdesk itself driven through the web page's HTTP API, as the page's buttons do: look up
an order, open its editor, get an error under a field, fix it; resolve a triage item from its
buttons. (The same journey in a real browser is tests/browser.)"""

from __future__ import annotations

import json
import urllib.request

import pytest

from bench.app_stack import PROCESSOR, TRIAGE
from sandbox import web


@pytest.fixture
def page_on(request):
    pages = []

    def serve(sb):
        pages.append(web.serve(sb, 0))
        return pages[-1]

    yield serve
    for page in pages:
        page.close()


def post(page, name: str, *, quiet: bool = True, **body) -> dict:
    request = urllib.request.Request(page.url + "api/" + name,
                                     data=json.dumps({"user": PROCESSOR, **body}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    assert answer["ok"] and not (quiet and answer["problems"]), answer
    return answer


def state(page, channel: str) -> dict:
    url = f"{page.url}api/state?user={PROCESSOR}&channel={channel}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def element(blocks: list, label: str) -> tuple[dict, dict]:
    """The button with this text, or the input with this label: what a person sees."""
    for block in blocks:
        if block.get("type") == "input" and block["label"]["text"] == label:
            return block, block["element"]
        for el in [*block.get("elements", []), block.get("accessory") or {}]:
            if el.get("type") == "button" and el["text"]["text"] == label:
                return block, el
    raise AssertionError(f"no {label!r} in {json.dumps(blocks)[:300]}")


def click(page, message_or_view: dict, label: str, key: str) -> None:
    block, button = element(message_or_view["blocks"], label)
    post(page, "action", action_id=button["action_id"], block_id=block["block_id"],
         value=button.get("value"), **{key: message_or_view["ts" if key == "ts" else "id"]})


def test_look_up_an_order_edit_it_see_the_error_under_the_field_and_fix_it(stack, desk,
                                                                            page_on):
    page = page_on(stack.sb)
    post(page, "command", channel="C0ORDERS", text="/order SO-1042")
    stack.sb.wait_for(lambda: state(page, "C0ORDERS")["messages"])
    (card,) = state(page, "C0ORDERS")["messages"]
    assert card["ephemeral"] and "SO-1042" in json.dumps(card["blocks"])
    click(page, card, "Edit", "ts")
    stack.sb.wait_for(lambda: state(page, "C0ORDERS")["modal"])
    editor = state(page, "C0ORDERS")["modal"]
    block, field = element(editor["blocks"], "Quantity")
    key = f"{block['block_id']}.{field['action_id']}"
    post(page, "view_submit", view_id=editor["id"], values={key: "lots"})
    shown = state(page, "C0ORDERS")["modal"]
    assert shown["id"] == editor["id"] and "lots" in shown["errors"][block["block_id"]]
    post(page, "view_submit", view_id=editor["id"], values={key: "7"})
    assert state(page, "C0ORDERS")["modal"] is None


def test_resolve_a_triage_item_from_its_buttons(triage, tmp_path, page_on):
    t = triage
    t.import_problems(tmp_path)
    parent = t.parent("SO-9005")
    page = page_on(t.sb)
    shown = next(m for m in state(page, TRIAGE)["messages"] if m["ts"] == parent.ts)
    click(page, shown, "Resolve", "ts")
    t.sb.wait_for(lambda: state(page, TRIAGE)["modal"])
    view = state(page, TRIAGE)["modal"]
    block, reason = element(view["blocks"], "Resolution")
    answer = post(page, "view_submit", view_id=view["id"], values={}, quiet=False)
    assert answer["sent"] is False  # Slack's client refuses an empty required field…
    assert state(page, TRIAGE)["modal"]["errors"][block["block_id"]]  # …under the field
    first = reason["options"][0]["value"]
    post(page, "view_submit", view_id=view["id"],
         values={f"{block['block_id']}.{reason['action_id']}": first})
    t.sb.wait_for(lambda: not any(b.get("type") == "actions" for b in parent.blocks)
                  or parent.edited)
    resolved = next(m for m in state(page, TRIAGE)["messages"] if m["ts"] == parent.ts)
    assert "Resolve" not in [e["text"]["text"] for b in resolved["blocks"]
                             for e in b.get("elements", []) if e.get("type") == "button"]

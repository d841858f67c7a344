"""Confirmations that list what was done (a return's lines, an edit's fields) as long as
they get: Slack refuses a section of more than 3,000 characters, and the person who recorded
the return or saved the edit saw no confirmation at all."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from messages import i18n
from messages.common import confirmation_message
from messages.edit_order import edit_saved_text
from messages.returns import return_recorded_text
from sandbox.blockkit import validate_message_blocks
from store.fulfilment.returns import ReturnLineView, ReturnView
from store.fulfilment.rules import FulfilmentRules
from store.views.orders import FieldChange

SKU = "S" * 64


def _longest_return() -> NS:
    lines = tuple(ReturnLineView(line_no=n, sku=f"{n:02d}" + SKU[2:], quantity=999_999,
                                 outcome="exchange", reason="damaged",
                                 exchange_sku=f"{n:02d}" + "X" * 62, refund_minor=10**13)
                  for n in range(1, FulfilmentRules().max_return_lines + 1))
    ret = ReturnView(rma="RMA-000001", status="open", currency="KWD", lines=lines,
                     refund_minor=10**13, shipping_refund_minor=10**12,
                     total_refund_minor=10**13 + 10**12, approval_id=42)
    return NS(ret=ret, order=NS(ref="SO-1042"), notes=["a note"])


@pytest.mark.parametrize("language", ["en", "es_ES"])
def test_a_return_of_the_longest_lines_is_confirmed_in_sections_slack_takes(language):
    with i18n.using(language):
        message = confirmation_message(return_recorded_text(_longest_return()))
    assert validate_message_blocks(message["blocks"]) == []
    assert len(message["blocks"]) > 1
    shown = "\n".join(b["text"]["text"] for b in message["blocks"])
    assert all(f"`{n:02d}X" in shown for n in range(1, 16)) and "a note" in shown


def test_an_edit_of_twenty_long_fields_is_confirmed_in_sections_slack_takes():
    changes = tuple(FieldChange(f"ship-to line {n}", "B" * 200, "A" * 200) for n in range(25))
    message = confirmation_message(edit_saved_text("SO-1042", changes))
    assert validate_message_blocks(message["blocks"]) == []
    shown = "\n".join(b["text"]["text"] for b in message["blocks"])
    assert shown.count("A" * 200) == 20 and shown.endswith("…and 5 more")


def test_a_confirmation_past_fifty_blocks_says_how_much_it_leaves_out():
    message = confirmation_message("\n".join("r" * 2000 for _ in range(60)))
    assert validate_message_blocks(message["blocks"]) == []
    assert len(message["blocks"]) == 49
    assert message["blocks"][-1]["text"]["text"].endswith("…and 11 more")

"""Every change an event made is in the history: a big edit's eleventh and later changes were
dropped without a word (the first ten shown, the summary saying "and 5 more"), and the
history is where a manager looks for them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace as NS

from messages.orders import HISTORY_SECTIONS, history_message
from sandbox.blockkit import validate_message_blocks
from store.records import event_view
from store.views.orders import FieldChange


def edit_event(event_id: int, changes: list[FieldChange]):
    return event_view(NS(id=event_id, at=datetime(2026, 12, 1, tzinfo=UTC), actor_id="U0PROC1",
                         kind="edited", summary=f"changed {len(changes)} fields",
                         changes=[c.record() for c in changes]))


def page_of(*events):
    return NS(ref="SO-2001", events=events, page=1, pages=1, total=len(events),
              order_ref="SO-2001")


def test_an_edit_of_sixteen_fields_shows_all_sixteen():
    changes = [FieldChange(f"line {n} quantity", str(n), str(n + 1), line_no=n, name="quantity")
               for n in range(1, 17)]
    shown = json.dumps(history_message(page_of(edit_event(1, changes))), ensure_ascii=False)
    assert all(f"line {n} quantity: {n} → {n + 1}" in shown for n in range(1, 17))


def test_a_page_of_the_longest_edits_fits_a_message_and_says_what_it_leaves_out():
    long = "x" * 300
    changes = [FieldChange(f"line {n} SKU", long, long, line_no=n, name="SKU")
               for n in range(1, 61)]
    message = history_message(page_of(*(edit_event(i, changes) for i in range(10))))
    assert validate_message_blocks(message["blocks"]) == []
    sections = [b for b in message["blocks"] if b["type"] == "section"]
    assert len(sections) <= HISTORY_SECTIONS
    assert all(len(b["text"]["text"]) <= 3000 for b in sections)
    assert "…and" in json.dumps(message, ensure_ascii=False)

"""#21: what an edit changed, in the confirmation and the history: the store's English as it
was, and in Spanish from the change's structure (line, field, money)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace as NS

from messages import i18n
from messages.edit_order import edit_saved_text
from messages.orders import history_message
from store.records import event_view
from store.views.orders import FieldChange

CHANGES = [
    FieldChange("line 1 unit price", "€12.00", "€1,234.50", line_no=1, name="unit price",
                currency="EUR", before_minor=1200, after_minor=123450),
    FieldChange("line 2 quantity", "3", "4", line_no=2, name="quantity"),
    FieldChange("line 3", "", "WID-1 × 2 @ €5.00", line_no=3),
    FieldChange("requested date", "", "2026-12-24"),
]


def test_english_confirmation_is_the_stores_words():
    assert edit_saved_text("SO-1050", CHANGES) == (
        "Saved *SO-1050*:\n• line 1 unit price: €12.00 → €1,234.50\n• line 2 quantity: 3 → 4\n"
        "• line 3: — → WID-1 × 2 @ €5.00\n• requested date: — → 2026-12-24")


def test_spanish_confirmation_words_the_fields_and_money():
    with i18n.using("es_ES"):
        text = edit_saved_text("SO-1050", CHANGES)
    assert "• línea 1, precio unitario: 12,00\xa0€ → 1234,50\xa0€" in text.replace(
        "1.234,50", "1234,50")
    assert "• línea 2, cantidad: 3 → 4" in text and "• línea 3: — →" in text
    assert "• fecha solicitada: — → 2026-12-24" in text and "unit price" not in text


def test_the_history_keeps_the_structure_and_words_it_for_the_reader():
    stored = [{**c.record(), "version": 2} for c in CHANGES]
    assert stored[0] == {"field": "line 1 unit price", "before": "€12.00", "after": "€1,234.50",
                         "line_no": 1, "name": "unit price", "currency": "EUR",
                         "before_minor": 1200, "after_minor": 123450, "version": 2}
    assert stored[3] == {"field": "requested date", "before": "", "after": "2026-12-24",
                         "version": 2}
    event = event_view(NS(id=1, at=datetime(2026, 12, 1, tzinfo=UTC), actor_id="U0PROC1",
                          kind="edited", summary="changed 4 fields", changes=stored))
    assert event.changes == tuple(CHANGES)
    page = NS(ref="SO-1050", events=(event,), page=1, pages=1, total=1, order_ref="SO-1050")

    def rows(message):
        return json.dumps(message, ensure_ascii=False)
    english = rows(history_message(page))
    assert "line 1 unit price: €12.00 → €1,234.50" in english
    with i18n.using("es_ES"):
        spanish = rows(history_message(page))
    assert "línea 1, precio unitario: 12,00\xa0€ →" in spanish and "unit price" not in spanish


def test_an_edits_history_line_is_worded_from_its_changes():
    from messages.orders import event_text

    def event(summary, changes):
        return NS(at=datetime(2026, 12, 1, tzinfo=UTC), actor_id="U0PROC1", kind="edited",
                  summary=summary, changes=tuple(changes))
    one = event("changed line 1 unit price: €12.00 → €1,234.50", CHANGES[:1])
    many = event("edited line 1 unit price, line 2 quantity, line 3, requested date", CHANGES)
    fix = event("applied fix: changed line 2 quantity: 3 → 4", CHANGES[1:2])
    assert event_text(one).endswith("<@U0PROC1> changed line 1 unit price: €12.00 → €1,234.50")
    assert event_text(many).endswith("edited line 1 unit price, line 2 quantity, line 3, "
                                     "requested date")
    with i18n.using("es_ES"):
        assert "<@U0PROC1> cambió línea 1, precio unitario: 12,00\xa0€ →" in event_text(one)
        assert event_text(many).endswith(
            "editó línea 1, precio unitario, línea 2, cantidad, línea 3, fecha solicitada")
        assert event_text(fix).endswith("applied fix: changed line 2 quantity: 3 → 4")

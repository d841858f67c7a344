"""#21: the detail of "updated: …" and "resolved: …" thread notes in the reader's language
(messages.findings.note_detail); the event keeps the store's English, which English reads."""

from __future__ import annotations

from datetime import UTC, datetime

from messages import i18n
from messages import triage as m
from store.triage.loading import NoteView
from store.views.orders import EventView
from tests.support.views import discrepancy

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
CREDIT = {"kind": "credit_limit", "code": "ACME", "currency": "EUR", "over_minor": 150_000,
          "limit_minor": 500_000, "unpaid_minor": 650_000}


def note(d, kind: str, summary: str) -> str:
    event = EventView(id=2, at=AT, actor_id="system", kind=kind, summary=summary)
    return m.thread_note(NoteView(d, event))["text"]


def test_an_update_reads_in_spanish_while_it_still_describes_the_item():
    d = discrepancy(type="credit_limit", title="ACME is €1,500.00 over its credit limit",
                    found="€6,500.00 unpaid with this order", words=CREDIT)
    summary = "updated: ACME is €1,500.00 over its credit limit (€6,500.00 unpaid with this order)"
    assert note(d, "triage.updated", summary) == f"system {summary}"
    with i18n.using("es"):
        assert note(d, "triage.updated", summary) == (
            "system actualizado: ACME supera su límite de crédito en 1.500,00\u00a0€ "
            "(6.500,00\u00a0€ sin pagar con este pedido)")
        # Updated again since: this event's figures are not the item's any more.
        older = "updated: ACME is €900.00 over its credit limit (€5,900.00 unpaid with this order)"
        assert note(d, "triage.updated", older) == (
            "system actualizado: ACME is €900.00 over its credit limit (€5,900.00 unpaid with "
            "this order)")
        assert "sin pagar" not in note(discrepancy(title=d.title, found=d.found),
                                       "triage.updated", summary)


def test_a_resolution_reads_its_reason_in_spanish_and_keeps_peoples_note():
    d = discrepancy(status="resolved")
    with i18n.using("es"):
        assert note(d, "triage.resolved", "resolved: False alarm — price was agreed") == (
            "system lo resolvió: Falsa alarma — price was agreed")
        assert note(d, "triage.resolved", "resolved: No longer found on the order").endswith(
            ": Ya no aparece en el pedido")
        assert note(d, "triage.resolved", "resolved: Otherwise") == "system lo resolvió: Otherwise"
    assert note(d, "triage.resolved", "resolved: False alarm — price was agreed") == (
        "system resolved: False alarm — price was agreed")

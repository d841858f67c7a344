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


def test_carrier_exceptions_and_bounced_mail_read_in_spanish_english_unchanged():
    snooze = [("1h", "1 hour")]
    failed = discrepancy(type="delivery_exception", title="SO-7: shipment 1Z9 could not be "
                         "delivered", expected="delivered", found="failure: Door locked",
                         fix_label=None, words={"kind": "delivery_exception", "ref": "SO-7",
                                                "tracking": "1Z9", "status": "failure",
                                                "message": "Door locked"})
    bounced = discrepancy(type="bad_contact", title="SO-8: mail to a@b.example bounced",
                          expected="a working customer email",
                          found="a@b.example bounced: Your order", fix_label=None,
                          words={"kind": "bounced_mail", "ref": "SO-8", "address": "a@b.example",
                                 "subject": "Your order"})
    odd = discrepancy(title="SO-9: shipment 1Z9 stuck", words={
        "kind": "delivery_exception", "ref": "SO-9", "tracking": "1Z9", "status": "stuck",
        "message": ""})
    for d in (failed, bounced):
        assert d.title in str(m.parent_message(d, snooze_options=snooze))
    with i18n.using("es"):
        shown = [str(m.parent_message(d, snooze_options=snooze)) for d in (failed, bounced, odd)]
    assert "SO-7: el envío 1Z9 no se pudo entregar" in shown[0]
    assert "entrega fallida: Door locked" in shown[0] and "entregado" in shown[0]
    assert "SO-8: el correo a a@b.example fue rechazado" in shown[1]
    assert "un correo del cliente que funcione" in shown[1]
    assert "a@b.example rechazado: Your order" in shown[1]
    assert "SO-9: shipment 1Z9 stuck" in shown[2]  # a status without words: the English

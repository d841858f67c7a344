"""#21: a finding's problem text in the reader's language, worded from the kind and figures the
checks keep beside their English (evidence "words"); English stays the store's text; items
opened before the figures were kept are not "updated" by a recheck and read in English."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import select

from bench.triage_desk import import_problems, row, triage_desk
from messages import i18n
from messages import triage as m
from store.models import Discrepancy, Event, Order
from store.triage.checks import check_orders
from store.triage.loading import discrepancy_view
from store.triage.queue import QueuePage
from tests.support.triage_checks import history

SNOOZE = [("1h", "1 hour"), ("4h", "4 hours"), ("tomorrow", "Tomorrow 09:00")]


def views(db) -> dict[str, object]:
    """Open items by type (the first of each), as the messages get them."""
    with db.read() as s:
        out = {}
        for d in s.scalars(select(Discrepancy).order_by(Discrepancy.id)):
            out.setdefault(d.type.value, discrepancy_view(d))
        return out


def shown(message: dict) -> str:
    return json.dumps(message, ensure_ascii=False).replace("\u00a0", " ")  # money's nbsp


SPANISH = {
    "price_mismatch": ("Línea 1: WID-1001-BL a 10,00 US$, precio de catálogo 12,50 US$",
                       "12,50 US$ (precio de catálogo)", "Cambiar el precio a 12,50 US$"),
    "credit_limit": ("GLOBEX supera su límite de crédito en 25,00 US$",
                     "como máximo 100,00 US$ sin pagar", None),
    "bad_address": ("El código postal", "un código postal de Estados Unidos",
                    "Usar la dirección registrada"),
    "duplicate_order": ("Misma OC", "un número de OC nuevo", None),
    "insufficient_stock": (": 10 pedidos, 3 disponibles", "como máximo 3 disponibles",
                           "Enviar 3, 7 pendientes"),
    "unknown_sku": ("no está en el catálogo", "un SKU del catálogo", None),
    "late": ("Solicitado para el ", "el ", None),
    "payment_error": ("Pago", "pago autorizado o cobrado", None),
}


def test_a_spanish_parent_and_queue_word_each_kind_english_unchanged(db, imported):
    items = views(db)
    for dtype, (title, expected, fix) in SPANISH.items():
        d = items[dtype]
        assert d.words and d.words["kind"], dtype
        english = shown(m.parent_message(d, snooze_options=SNOOZE))
        # English readers: byte-identical to the message without the figures (as before).
        assert english == shown(m.parent_message(replace(d, words=None), snooze_options=SNOOZE))
        assert d.title in english
        with i18n.using("es_ES"):
            spanish = shown(m.parent_message(d, snooze_options=SNOOZE))
            queue = shown(m.queue_message(QueuePage("", (d,), total=1, offset=0),
                                          snooze_options=SNOOZE))
        for text in (spanish, queue):
            assert title in text and expected in text, (dtype, text)
            assert d.title not in text, dtype
        if fix:
            assert f"Aplicar corrección: {fix}" in spanish or fix in spanish, dtype
            assert d.fix_label not in spanish


def test_unusual_quantities_read_in_spanish(db, tmp_path):
    triage_desk(db)
    history(db, tmp_path)
    import_problems(db, tmp_path, [row("SO-1", "WID-1001-BL", 1200, "12.50")])
    d = views(db)["unusual_order"]
    assert d.title == "Line 1: WID-1001-BL usually 10–12, this order 1200"
    with i18n.using("es_ES"):
        text = shown(m.parent_message(d, snooze_options=SNOOZE))
    assert "Línea 1: WID-1001-BL: normalmente 10–12, este pedido 1.200" in text
    assert "normalmente 10–12 (mediana de 6 pedidos)" in text


def test_resolution_reasons_read_in_spanish(db, imported):
    d = replace(views(db)["late"], status="resolved", resolution_reason="false_alarm",
                resolution_label="False alarm", resolved_by="U0PROC1",
                resolved_at=views(db)["late"].opened_at)
    assert "False alarm" in m.status_text(d)
    with i18n.using("es"):
        assert "Falsa alarma" in m.status_text(d)


def test_items_opened_before_the_figures_are_not_updated_by_a_recheck(db, imported):
    """After deploy, a recheck of an unchanged order finds its items with the figures the stored
    ones lack: no "updated" note, nothing resolved, and their text stays the store's English."""
    with db.write() as s:
        for d in s.scalars(select(Discrepancy)):
            d.evidence = {k: v for k, v in d.evidence.items() if k != "words"}
    with db.write() as s:
        report = check_orders(s, list(s.scalars(select(Order.id))), actor="system", recheck=True)
    assert report.opened == () and report.closed == ()
    with db.read() as s:
        assert s.scalars(select(Event).where(Event.kind == "triage.updated")).all() == []
    d = views(db)["price_mismatch"]
    assert d.words is None
    with i18n.using("es"):
        assert d.title in shown(m.parent_message(d, snooze_options=SNOOZE))


def test_unusual_prices_first_orders_and_ship_tos_read_in_spanish_and_odd_figures_fall_back():
    from tests.support.views import discrepancy
    cases = {
        "unusual_price": ({"line_no": 2, "sku": "WID-1", "currency": "EUR", "price_minor": 9900,
                           "usual": [1200, 1300], "sample": 6},
                          ("Línea 2: WID-1: normalmente 12,00 €–13,00 € por unidad, este "
                           "pedido 99,00 €")),
        "unusual_first_order": ({"currency": "EUR", "total_minor": 1_234_500,
                                 "typical_minor": 50_000, "sample": 20},
                                ("Primer pedido de este cliente: 12.345,00 €; un primer "
                                 "pedido típico es de 500,00 €")),
        "unusual_ship_to": ({"currency": "EUR", "total_minor": 250_000, "where": "1 Calle, Lugo",
                             "addresses": 2, "orders": 5},
                            "2.500,00 € a una dirección nueva (1 Calle, Lugo)"),
    }
    for kind, (words, title) in cases.items():
        d = discrepancy(type="unusual_order", title="English title", expected="e", found="f",
                        fix_label=None, words={"kind": kind, **words})
        with i18n.using("es_ES"):
            assert title in shown(m.parent_message(d, snooze_options=SNOOZE)), kind
        assert "English title" in shown(m.parent_message(d, snooze_options=SNOOZE))
    odd = discrepancy(title="English title", words={"kind": "credit_limit", "code": "X"})
    with i18n.using("es"):
        assert "English title" in shown(m.parent_message(odd, snooze_options=SNOOZE))


def test_the_order_cards_discrepancies_read_in_spanish_english_unchanged(db, imported):  # noqa: F811
    from messages.orders import order_card
    from store.records import order_view, read_order_view
    d = views(db)["credit_limit"]
    with db.read() as s:
        cards = [read_order_view(s, d.order_ref),
                 order_view(s, s.scalars(select(Order).where(Order.ref == d.order_ref)).one())]
    for card in cards:
        listed = next(x for x in card.open_discrepancies if x.type == "credit_limit")
        assert listed.words == d.words
        english = shown(order_card(card))
        assert f"*Credit limit* (high, new) — {d.title}" in english
        assert english == shown(order_card(replace(card, open_discrepancies=tuple(
            replace(x, words=None) for x in card.open_discrepancies))))
        with i18n.using("es"):
            spanish = shown(order_card(card))
        assert "GLOBEX supera su límite de crédito en 25,00" in spanish
        assert d.title not in spanish and "(alta, nueva)" in spanish


def test_a_postal_code_finding_names_the_country_in_spanish_english_keeps_the_code():
    from tests.support.views import discrepancy
    d = discrepancy(type="bad_address", title="Postal code 1234 doesn't fit DE",
                    expected="a DE postal code", found="1234", fix_label=None,
                    words={"kind": "address_postal_code", "country": "DE", "postal": "1234"})
    assert "Postal code 1234 doesn't fit DE" in shown(m.parent_message(d, snooze_options=SNOOZE))
    with i18n.using("es_MX"):
        spanish = shown(m.parent_message(d, snooze_options=SNOOZE))
        unknown = shown(m.parent_message(replace(d, words={**d.words, "country": "XK1"}),
                                         snooze_options=SNOOZE))
    assert "El código postal 1234 no corresponde a Alemania" in spanish
    assert "un código postal de Alemania" in spanish and "a DE" not in spanish
    assert "no corresponde a XK1" in unknown

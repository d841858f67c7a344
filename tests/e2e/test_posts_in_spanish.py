"""Issue #21: what Orderdesk posts unasked is in the language of where it goes. A route set
`lang es` gets its triage parents (and their updates) in Spanish, a digest subscribed `lang es`
is posted in Spanish, a DM speaks the language its person chose; English routes are unchanged.
Through the sandbox, Block Kit validated on the wire."""

from __future__ import annotations

import json

from bench.app_stack import ADMIN, MANAGER, PROCESSOR, SALES, TRIAGE, WAREHOUSE, action_id, text_of
from messages.actions import TriageActions as A
from messages.i18n import LANGUAGES
from store.metrics import list_digest_subscriptions
from store.workspace import list_routes, set_language
from tests.support.metrics_desk import AFTER_WEEK, build_desk, post_due_digests

MGR_CHANNEL = "C0MGR"


def orders(sb, text: str, *, user: str = ADMIN, channel: str = "C0ORDERS") -> str:
    answer = sb.slash("/orders", text, user=user, channel=channel)
    assert answer.status == 200 and not answer.problems, answer.problems
    return json.dumps(answer.body, ensure_ascii=False) + "".join(
        text_of(m) for m in sb.ephemerals(user=user, channel=channel)[-1:])


def test_a_route_in_spanish_gets_its_parents_in_spanish_and_english_routes_are_unchanged(
        triage, tmp_path):
    t = triage
    said = orders(t.sb, f"route default <#{TRIAGE}|order-triage> lang es")
    assert "now goes to" in said and "Spanish" in said
    assert {r.key: r.language for r in list_routes(t.db)} == {
        "default": "es", "insufficient_stock": None, "manager": None}
    t.import_problems(tmp_path)

    spanish = text_of(t.parent("SO-9002"))
    assert all(word in spanish for word in ("Esperado", "Encontrado", "Asignármelo",
                                            "Resolver", "Posponer", "abierto"))
    assert "Expected" not in spanish and "Assign to me" not in spanish
    # the problem itself too, worded from the finding's figures (the store keeps its English)
    assert "Línea 1: WID-1001-BL a 10,00\u00a0US$, precio de catálogo 12,50\u00a0US$" in spanish
    assert "Cambiar el precio a 12,50\u00a0US$" in spanish and "Re-price" not in spanish
    english = text_of(t.parent("SO-9003", WAREHOUSE))  # insufficient stock: its own route
    assert "Expected" in english and "Assign to me" in english and "Esperado" not in english
    assert "GIZ-2002-RD: 10 ordered, 3 available" in english

    # its updates and thread notes stay in the route's language
    parent = t.parent("SO-9002")
    t.sb.click(action_id(parent, A.ASSIGN_ME), user=PROCESSOR, message=parent)
    t.sb.wait_for(lambda: f"responsable <@{PROCESSOR}>" in text_of(parent) and parent.edited)
    t.sb.wait_for(lambda: len(t.sb.thread(TRIAGE, parent.ts)) == 1)
    note = t.sb.thread(TRIAGE, parent.ts)[0]
    assert note.blocks[0]["elements"][0]["text"] == f"<@{PROCESSOR}> lo tomó"


def test_a_dm_speaks_the_language_its_person_chose(triage, tmp_path):
    t = triage
    set_language(t.db, user_id=SALES, language="es", offered=LANGUAGES)
    t.import_problems(tmp_path)
    t.sb.wait_for(lambda: len(t.dms(SALES)) == 7 and len(t.dms("U0SALES2")) == 1)
    assert all("El pedido" in text_of(m) and "fue marcado en" in text_of(m)
               for m in t.dms(SALES))
    assert "Your account's order" in text_of(t.dms("U0SALES2")[0])  # chose none: English


def test_a_route_in_an_unknown_language_is_refused_plainly(triage):
    said = orders(triage.sb, f"route default <#{TRIAGE}|order-triage> lang xx")
    assert "`xx` is not a language Orderdesk speaks; use one of en | es | auto." in said
    assert {r.key: r.language for r in list_routes(triage.db)}["default"] is None
    said = orders(triage.sb, "route")  # the list names a route's language
    assert "order-triage>`" not in said and "Spanish" not in said
    orders(triage.sb, f"route default <#{TRIAGE}|order-triage> lang es")
    assert "Spanish" in orders(triage.sb, "route")
    orders(triage.sb, f"route default <#{TRIAGE}|order-triage> lang auto")
    assert {r.key: r.language for r in list_routes(triage.db)}["default"] is None


def test_a_digest_subscribed_in_spanish_is_posted_in_spanish(stack, set_clock):
    set_clock.set(AFTER_WEEK)
    build_desk(stack.db)
    said = orders(stack.sb, "digest subscribe weekly lang es", user=MANAGER, channel=MGR_CHANNEL)
    assert "will get the *weekly* digest" in said and "Spanish" in said
    orders(stack.sb, "digest subscribe weekly <#C0WH|warehouse>", user=MANAGER,
           channel=MGR_CHANNEL)
    assert [s.language for s in list_digest_subscriptions(stack.db)] == ["es", None]
    assert "· Spanish" in orders(stack.sb, "digest list", user=MANAGER, channel=MGR_CHANNEL)
    post_due_digests(stack)

    (spanish,) = stack.sb.messages(MGR_CHANNEL)
    assert spanish.text.startswith("Resumen semanal · Semana 45 de 2026, 2–8 nov 2026: ")
    shown = text_of(spanish)
    assert all(word in shown for word in ("*Volumen*", "Pedidos recibidos", "*Entrega*",
                                          "Principales clientes", "comparado con"))
    (chart,) = stack.sb.thread(MGR_CHANNEL, spanish.ts)[0].files
    assert chart["title"].startswith("Pedidos y tasa de discrepancias · Semana 45")
    (english,) = stack.sb.messages("C0WH")
    assert english.text.startswith("Weekly digest · Week 45 2026")
    assert "*Volume*" in text_of(english) and "Volumen" not in text_of(english)


def test_a_digest_subscription_in_an_unknown_language_is_refused(stack):
    said = orders(stack.sb, "digest subscribe weekly lang xx", user=MANAGER,
                  channel=MGR_CHANNEL)
    assert "`xx` is not a language Orderdesk speaks" in said
    assert list_digest_subscriptions(stack.db) == ()

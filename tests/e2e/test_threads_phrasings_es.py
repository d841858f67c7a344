"""Every Spanish phrasing in tests/support/phrasings_es.py, asked through the sandbox by reps
who chose Spanish, answered in the right thread, with exactly the right orders, in Spanish;
and a channel where people of both languages ask, each answered in theirs."""

import json

import pytest

from bot.console import DEMO_ADMIN as ADMIN
from messages import i18n
from store.enums import Role
from store.models import Customer, Shipment
from store.workspace import set_language
from store.workspace.roles import set_role
from tests.support.desk import add_order
from tests.support.phrasings import PROCESSOR, SALES1, SALES2
from tests.support.phrasings_es import PHRASINGS_ES
from tests.support.threads import CHANNEL, answer_in, ask, kind_of, refs_of
from tests.support.threads_desk import on

SPANISH = {"order": '"Seguir"', "orders": '"Detalles"', "candidates": '"Este"',
           "no_match": "No encontré nada"}


def text_of(message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


@pytest.fixture
def es_stack(tstack):
    """The threads desk, José Pérez's order (in transit) added, the reps speaking Spanish."""
    with tstack.db.write() as s:
        jose = Customer(code="JPEREZ", name="José Pérez", currency="USD", sales_rep_id=SALES1)
        s.add(jose)
        s.flush()
        order = add_order(s, "SO-1061", jose.id, on(11, 2), lines=[("WID-1042-BL", None, 2, 1250)])
        s.flush()
        s.add(Shipment(order_id=order.id, carrier="UPS", service="Ground",
                       tracking_number="1Z999AA10123456799", shipped_at=on(11, 24)))
    for user in (SALES1, SALES2, PROCESSOR):
        set_language(tstack.db, user_id=user, language="es", offered=i18n.LANGUAGES)
    return tstack


def test_there_are_at_least_forty_spanish_phrasings_of_every_sort():
    assert len(PHRASINGS_ES) >= 40
    assert {p.kind for p in PHRASINGS_ES} == {"order", "orders", "candidates", "no_match"}
    assert {p.how for p in PHRASINGS_ES} == {"mention", "thread", "dm"}


@pytest.mark.parametrize("phrasing", PHRASINGS_ES, ids=lambda p: p.id)
def test_a_spanish_phrasing_is_answered_with_the_right_orders_in_spanish(es_stack, phrasing):
    channel, thread = ask(es_stack.sb, phrasing.text, user=phrasing.user, how=phrasing.how)
    reply = answer_in(es_stack.sb, channel, thread)
    assert reply.thread_ts == thread
    assert (kind_of(reply, "es"), sorted(refs_of(reply))) == (phrasing.kind,
                                                             sorted(phrasing.refs)), phrasing.why
    assert SPANISH[phrasing.kind] in text_of(reply)


def test_a_mixed_channel_answers_each_person_in_their_language(tstack):
    """Lucía's Slack is in Spanish (users.info); Priya (U0PROC1) chose nothing and uses Slack
    in English; Ada (U0SALES1) chose Spanish with /orders language, then went back to auto."""
    sb = tstack.sb
    sb.add_user("U0LUCIA", "lucia", locale="es-ES", channels=[CHANNEL])
    set_role(tstack.db, actor=ADMIN, user_id="U0LUCIA", role=Role.PROCESSOR,
             admins=frozenset({ADMIN}), default_role=Role.SALES)
    channel, thread = ask(sb, "¿dónde está el pedido SO-1042?", user="U0LUCIA")
    spanish = answer_in(sb, channel, thread)
    sb.mention("status of SO-1042?", user=PROCESSOR, channel=CHANNEL, thread_ts=thread)
    english = answer_in(sb, channel, thread, count=2)
    assert refs_of(spanish) == refs_of(english) == ("SO-1042",)
    assert "*Estado*" in text_of(spanish) and "Seguir" in text_of(spanish)
    assert "*Status*" in text_of(english) and "Follow" in text_of(english)
    assert "25,00\xa0US$" in text_of(spanish) and "$25.00" in text_of(english)
    assert " nov 2026" in text_of(spanish) and ", 2026" in text_of(english)

    chose = sb.slash("/orders", "language es", user=SALES1, channel=CHANNEL)
    assert "español" in str(chose.body), chose.body
    sb.mention("SO-1044", user=SALES1, channel=CHANNEL, thread_ts=thread)
    assert "*Estado*" in text_of(answer_in(sb, channel, thread, count=3))
    back = sb.slash("/orders", "language auto", user=SALES1, channel=CHANNEL)
    assert "language you use Slack in" in str(back.body), back.body
    sb.mention("SO-1044", user=SALES1, channel=CHANNEL, thread_ts=thread)
    assert "*Status*" in text_of(answer_in(sb, channel, thread, count=4))


def test_an_unknown_language_is_refused_naming_the_choices(tstack):
    refused = tstack.sb.slash("/orders", "language klingon", user=SALES1, channel=CHANNEL)
    assert "en | es | auto" in str(refused.body), refused.body


def test_a_spanish_speakers_slash_date_is_day_first(tstack):
    """Lucía's Slack is in Spanish: '3/4' is the 3rd of April for her, March 4 for Priya."""
    sb = tstack.sb
    sb.add_user("U0LUCIA", "lucia", locale="es-ES", channels=[CHANNEL])
    set_role(tstack.db, actor=ADMIN, user_id="U0LUCIA", role=Role.PROCESSOR,
             admins=frozenset({ADMIN}), default_role=Role.SALES)
    channel, thread = ask(sb, "pedidos de Acme del 3/4/2026", user="U0LUCIA")
    spanish = text_of(answer_in(sb, channel, thread))
    channel, thread = ask(sb, "orders from Acme on 3/4/2026", user=PROCESSOR)
    english = text_of(answer_in(sb, channel, thread))
    assert "3/4/2026 (<!date^" in spanish and "|3 abr 2026>" in spanish, spanish[:400]
    assert "|Mar 4, 2026>" in english, english[:400]

"""Spanish questions read like English ones: dates in words (quoted back as asked), what is
wanted, the words that name nothing, accents optional."""

from datetime import UTC, date, datetime

import pytest

from store.questions.parse import parse_question
from store.questions.spanish import MAX_PHRASES, english_dates
from store.views.questions import DELIVERED, ETA, ITEMS, LATE, OPEN, SHIPPED, STATUS

NOW = datetime(2026, 12, 9, 15, tzinfo=UTC)  # Wednesday 9 Dec 2026


@pytest.mark.parametrize("text, start, end", [
    ("pedidos de hoy", date(2026, 12, 9), date(2026, 12, 10)),
    ("pedidos de ayer", date(2026, 12, 8), date(2026, 12, 9)),
    ("pedidos de anteayer", date(2026, 12, 7), date(2026, 12, 8)),
    ("pedidos de antes de ayer", date(2026, 12, 7), date(2026, 12, 8)),
    ("Acme de la semana pasada", date(2026, 11, 30), date(2026, 12, 7)),
    ("pedidos del lunes", date(2026, 12, 7), date(2026, 12, 8)),
    ("el miércoles pasado", date(2026, 12, 2), date(2026, 12, 3)),
    ("el 3 de diciembre", date(2026, 12, 3), date(2026, 12, 4)),
    ("el 3 de dic. de 2025", date(2025, 12, 3), date(2025, 12, 4)),
    ("pedidos de este mes", date(2026, 12, 1), date(2026, 12, 10)),
    ("el mes pasado", date(2026, 11, 1), date(2026, 12, 1)),
    ("pedidos de octubre", date(2026, 10, 1), date(2026, 11, 1)),
    ("desde el lunes", date(2026, 12, 7), date(2026, 12, 10)),
    ("hace dos semanas", date(2026, 11, 23), date(2026, 11, 30)),
    ("los últimos 3 días", date(2026, 12, 6), date(2026, 12, 10)),
    ("los ultimos 3 dias", date(2026, 12, 6), date(2026, 12, 10)),
    ("lo que vence mañana", date(2026, 12, 10), date(2026, 12, 11)),
    ("pedidos de esta mañana", date(2026, 12, 9), date(2026, 12, 10)),
    ("el próximo lunes", date(2026, 12, 14), date(2026, 12, 15)),
    ("el viernes que viene", date(2026, 12, 11), date(2026, 12, 12)),
])
def test_dates_in_spanish_words(text, start, end):
    q = parse_question(text, now=NOW)
    assert (q.dates.start.date(), q.dates.end.date()) == (start, end)
    assert q.dates.phrase.lower() in text.lower()  # quoted as asked, not in English


@pytest.mark.parametrize("text, wants", [
    ("¿ya se envió lo de Globex?", {SHIPPED}), ("ya se envio lo de Globex", {SHIPPED}),
    ("¿qué pedidos están atrasados?", {LATE}), ("pedidos pendientes", {OPEN}),
    ("¿cuándo llega?", {ETA}), ("¿se entregó?", {DELIVERED}), ("¿llegó el pedido?", {DELIVERED}),
    ("¿está pagado?", {STATUS}), ("¿dónde está?", {STATUS}), ("¿qué pidió Initech?", {ITEMS}),
])
def test_what_is_wanted(text, wants):
    assert set(parse_question(text, now=NOW).wants) == wants


@pytest.mark.parametrize("text, words", [
    ("¿dónde está el pedido de José Pérez?", "José Pérez"),
    ("donde esta el pedido de Jose Perez", "Jose Perez"),
    ("¿ya se envió lo de Globex?", "Globex"),
    ("pedidos de Banco de España de ayer", "Banco de España"),
])
def test_filler_words_name_nobody(text, words):
    assert parse_question(text, now=NOW).words == words


def test_key_words_in_spanish():
    assert [k.kind for k in parse_question("¿se envió la OC 7781?", now=NOW).keys] == ["po"]
    assert [k.value for k in parse_question("pedido 1045", now=NOW).keys] == ["1045"]
    assert parse_question("seguir SO-1042", now=NOW).command == "follow"
    assert parse_question("dejar de seguir", now=NOW).command == "unfollow"
    assert parse_question("ayuda", now=NOW).command == "help"


def test_english_is_left_alone_and_a_long_message_reads_a_bounded_number_of_phrases():
    assert english_dates("where's the Acme order from last week") == (
        "where's the Acme order from last week", [])
    _text, pairs = english_dates("hoy " * 1000)
    assert len(pairs) == MAX_PHRASES


def test_la_manana_is_the_morning_not_tomorrow():
    assert english_dates("lo que se envió por la mañana") == ("lo que se envió por la mañana", [])

"""Spanish questions read and answered in Spanish words (threads desk, NOW = Wed 25 Nov 2026).

Date ranges are ranges, as 'between … and …' is in English: 'entre el 20 y el 24 de noviembre'
was read as the 24th alone, and 'entre el 20/11 y el 24/11' as the 20th, so the answer quietly
left out days that were asked."""

import json

import pytest

from messages import i18n
from store.workspace import set_language
from tests.support.phrasings import PROCESSOR
from tests.support.threads import CHANNEL, answer_in, ask, refs_of

SPANISH_RANGES = ["pedidos entre el 20 y el 24 de noviembre",
                  "pedidos entre el 20/11 y el 24/11",
                  "pedidos del 20 al 24 de noviembre",
                  "¿qué pedidos hubo desde el 20 hasta el 24 de noviembre de 2026?"]


@pytest.mark.parametrize("question", SPANISH_RANGES)
def test_a_spanish_range_answers_what_the_english_range_does(tstack, question):
    sb = tstack.sb
    channel, thread = ask(sb, "orders between Nov 20 and Nov 24", user=PROCESSOR)
    english = refs_of(answer_in(sb, channel, thread))
    assert "SO-1042" in english and "SO-1052" in english  # the 20th and the 24th
    sb.slash("/orders", "idioma es", user=PROCESSOR, channel=CHANNEL)
    channel, thread = ask(sb, question, user=PROCESSOR)
    reply = answer_in(sb, channel, thread)
    assert sorted(refs_of(reply)) == sorted(english)
    # Quoted back in the asker's words, not the English the reader turned them into.
    assert "between" not in json.dumps(reply.blocks, ensure_ascii=False)


def test_a_spanish_answer_says_oc_like_the_card(tstack):
    """The Spanish card labels the PO 'OC'; the thread answer to the same reader said 'PO'."""
    set_language(tstack.db, user_id=PROCESSOR, language="es", offered=i18n.LANGUAGES)
    channel, thread = ask(tstack.sb, "¿dónde está el pedido SO-1042?", user=PROCESSOR)
    shown = json.dumps(answer_in(tstack.sb, channel, thread).blocks, ensure_ascii=False)
    assert "*Estado*" in shown
    assert "· OC PO-7781" in shown and "· PO PO-7781" not in shown, shown[:400]

"""Questions sales reps ask in Spanish, and the orders that answer them (threads desk, NOW =
Wed 25 Nov 2026, plus the customer José Pérez: tests/e2e/test_threads_phrasings_es.py).
Most mirror an English phrasing of tests/support/phrasings.py and expect the same orders.
"""

from __future__ import annotations

from tests.support.phrasings import PROCESSOR, SALES2, Phrasing


def _p(text, refs, kind, how="mention", user="U0SALES1", why=""):
    return Phrasing(text, tuple(refs.split()) if refs else (), kind, how, user, why)


PHRASINGS_ES = [
    # The issue's own examples.
    _p("¿dónde está el pedido SO-1042?", "SO-1042", "order"),
    _p("¿ya se envió lo de Globex?", "SO-1050", "order", user=SALES2,
       why="its only open order"),
    _p("pedidos de Acme de la semana pasada", "SO-1042", "order", why="16-22 Nov"),
    _p("¿qué pedidos están atrasados?", "SO-1050", "order", user=PROCESSOR),
    _p("¿cuándo llega el pedido de José Pérez?", "SO-1061", "order"),
    # Accents, case and punctuation optional.
    _p("donde esta el pedido SO-1043", "SO-1043", "order", how="dm"),
    _p("DONDE ESTA EL PEDIDO DE ACME DE LA SEMANA PASADA", "SO-1042", "order", how="thread"),
    _p("cuando llega lo de jose perez", "SO-1061", "order", how="dm"),
    _p("estado del pedido so1044??", "SO-1044", "order"),
    _p("¿Cómo va el pedido #1045?", "SO-1045", "order"),
    _p("¿se envió la OC 7781?", "SO-1042", "order", how="dm"),
    _p("seguimiento de 1Z999AA10123456784", "SO-1044", "order"),
    _p("¿está pagado el pedido SO-1042?", "SO-1042", "order", how="thread"),
    _p("¿qué pasa con el pedido de Stark Industrial Supply?", "SO-1058", "order", how="thread"),
    # Several orders in one question.
    _p("SO-1042 y SO-1044", "SO-1042 SO-1044", "orders"),
    _p("so 1042, so 1043 y 1044 por favor", "SO-1042 SO-1043 SO-1044", "orders", how="thread"),
    _p("novedades de beta industrial supply", "SO-1043 SO-1044", "orders", how="dm"),
    # Other keys.
    _p("OC INI-5521", "SO-1052", "order", user=SALES2),
    _p("número de seguimiento del pedido SO-1051", "SO-1051", "order", user=SALES2),
    # Dates in words.
    _p("¿qué pidió Initech ayer?", "SO-1052 SO-1053", "orders", user=SALES2),
    _p("initech desde el lunes", "SO-1052 SO-1053", "orders", user=SALES2),
    _p("pedidos de Umbrella en octubre", "SO-1055 SO-1056", "orders"),
    _p("pedidos del 20 de noviembre", "SO-1042", "order", user=PROCESSOR),
    _p("¿qué entró el lunes?", "SO-1045 SO-1059", "orders", user=PROCESSOR),
    _p("pedidos de anteayer", "SO-1045 SO-1059", "orders", user=PROCESSOR,
       why="anteayer = Mon 23 Nov"),
    _p("pedidos de ayer", "SO-1046 SO-1052 SO-1053", "orders", user=PROCESSOR),
    _p("pedidos de acme de septiembre", "SO-1060", "order"),
    _p("Globex, últimas 2 semanas", "SO-1046 SO-1051", "orders", user=SALES2),
    _p("¿llegó el pedido de Initech del 3 de noviembre?", "SO-1054", "order", how="dm"),
    _p("¿qué pidió globex este mes?", "SO-1046 SO-1050 SO-1051", "orders", how="thread"),
    _p("¿qué pidió acme el viernes pasado?", "SO-1042", "order"),
    _p("pedidos de José Pérez de este mes", "SO-1061", "order"),
    # Status words that narrow.
    _p("¿algo retenido de beta?", "SO-1043", "order"),
    _p("¿algo atrasado?", "SO-1050", "order", user=PROCESSOR),
    _p("¿qué está atrasado en mis cuentas?", "SO-1050", "order", user=SALES2),
    _p("¿hay pedidos cancelados de globex?", "SO-1046", "order", how="thread", user=SALES2),
    _p("¿ya se envió el pedido de Wayne?", "SO-1059", "order"),
    _p("Wayne Enterprises, ¿seguimiento?", "SO-1059", "order", how="dm"),
    _p("¿se entregaron los pedidos de Umbrella?", "SO-1055 SO-1056", "orders"),
    _p("pedidos pendientes de Initech", "SO-1052 SO-1053", "orders", user=SALES2),
    # Ambiguous: which one?
    _p("pedido de stark", "SO-1057 SO-1058", "candidates", why="two Stark customers"),
    _p("¿dónde está el pedido de stark de la semana pasada?", "SO-1057 SO-1058", "candidates"),
    _p("¿dónde está el 104?", "SO-1042 SO-1043 SO-1044 SO-1045 SO-1046 SO-1054", "candidates"),
    # Nothing found.
    _p("¿qué pidió Hooli ayer?", "", "no_match"),
    _p("pedido SO-9999", "", "no_match", how="dm"),
    _p("zzqx nada parecido", "", "no_match", how="thread"),
]

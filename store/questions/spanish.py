"""Questions asked in Spanish: the words that say what is wanted, the words that name nothing,
and dates in words read as the English phrases store.questions.dates already knows
("la semana pasada" -> "last week", "el 3 de diciembre" -> "3 december"), the Spanish phrase
kept for the answer to quote. Accents are optional: words are compared without them.
"""

from __future__ import annotations

import re
import unicodedata

from store.views.questions import (
    BLOCKED,
    CANCELED,
    DELIVERED,
    ETA,
    ITEMS,
    LATE,
    OPEN,
    SHIPPED,
    STATUS,
    TRACKING,
)


def fold(text: str) -> str:
    """Accents off, one character for one ('dónde' -> 'donde', 'año' -> 'ano'), so spans found
    in the folded text are spans of the original."""
    return "".join(unicodedata.normalize("NFKD", c)[0] for c in text)


# Written without accents: tokens are folded before they are looked up.
WANTS = {
    LATE: {"atrasado", "atrasados", "atrasada", "atrasadas", "retrasado", "retrasados",
           "retrasada", "retrasadas", "retraso", "retrasos", "demorado", "demorados", "tarde",
           "vencido", "vencidos"},
    BLOCKED: {"retenido", "retenidos", "retenida", "retenidas", "bloqueado", "bloqueados",
              "atascado", "atascados", "problema", "problemas", "incidencia", "incidencias",
              "marcado", "marcados", "parado", "parados"},
    OPEN: {"pendiente", "pendientes", "abierto", "abiertos", "abierta", "abiertas"},
    CANCELED: {"cancelado", "cancelados", "cancelada", "canceladas", "anulado", "anulados",
               "cancelacion"},
    SHIPPED: {"enviado", "enviados", "enviada", "enviadas", "envio", "envios", "enviaron",
              "despachado", "despachados", "salio", "salido", "mandado", "mandaron"},
    DELIVERED: {"entregado", "entregados", "entregada", "entregadas", "entrega", "entregaron",
                "entrego", "llego", "llegado", "llegaron", "recibido", "recibidos", "recibio"},
    TRACKING: {"seguimiento", "rastreo", "rastrear", "guia"},
    ETA: {"cuando", "llega", "llegara", "llegan", "llegaran", "previsto", "prevista",
          "estimado", "estimada"},
    # "pagado": the payment is in every answer, so it asks for the status, not a filter.
    STATUS: {"donde", "estado", "novedades", "pasa", "paso", "pagado", "pagados", "pagada",
             "situacion", "noticias"},
    ITEMS: {"articulos", "articulo", "productos", "producto", "compro", "compraron",
            "pidio", "pidieron", "contenido"},
}
STOPWORDS = frozenset(fold(word) for word in """
el la los las un una unos unas lo al del de en por para con sin sobre entre hacia
y o ni pero que qué cual cuál cuales cuáles quien quién como cómo cuanto cuánto
es son está están esta estan estaba estaban fue fueron ha han hay había habia ser estar
ya aun aún todavía todavia se me te le les nos mi mis tu tus su sus yo tú usted ustedes
pedido pedidos pedí pedi orden ordenes órdenes compra compras cliente clientes cuenta cuentas
algo alguno algunos alguna algunas algún ningún ninguno nada todo todos toda todas
hola gracias porfa favor oye buenas buenos dime dame mira ver saber sabes sabe puedes
info información informacion detalle detalles último ultimo últimos ultimos nuevo nuevos
este esta estos estas ese esa esos esas aquí aqui ahí ahi ahora bien muy más mas
va van vamos pasó pasa entró entro entraron llegó hizo hicieron tiene tienen favor
hay hubo había habia
""".split())
# Key prefixes said in Spanish, read as the English ones: "pedido 1042", "OC 7781".
KEY_WORDS = {"pedido": "order", "orden": "order", "numero": "number", "num": "number",
             "nº": "number", "oc": "po", "referencia": "ref"}

_MONTHS = ("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
           "diciembre").split()
_MONTHS_EN = ("january february march april may june july august september october november "
              "december").split()
_MONTH_ABBR = {"ene": 0, "feb": 1, "mar": 2, "abr": 3, "may": 4, "jun": 5, "jul": 6, "ago": 7,
               "sep": 8, "sept": 8, "set": 8, "setiembre": 8, "oct": 9, "nov": 10, "dic": 11}
_WEEKDAYS = "lunes martes miercoles jueves viernes sabado domingo".split()
_WEEKDAYS_EN = "monday tuesday wednesday thursday friday saturday sunday".split()
_MONTH = "(?P<m>" + "|".join(sorted([*_MONTHS, *_MONTH_ABBR], key=len, reverse=True)) + r")\.?"
_WEEKDAY = "(?P<w>" + "|".join(_WEEKDAYS) + ")"
_NUMBERS = {"un": "1", "una": "1", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4",
            "cinco": "5", "seis": "6", "siete": "7", "ocho": "8", "nueve": "9", "diez": "10"}
_N = r"(?P<n>\d{1,3}|" + "|".join(_NUMBERS) + ")"


def _month(name: str) -> str:
    name = name.lower()
    return _MONTHS_EN[_MONTHS.index(name) if name in _MONTHS else _MONTH_ABBR[name]]


def _n(m: re.Match) -> str:
    return _NUMBERS.get(m["n"].lower(), m["n"])


# Longest and most specific first; each pattern runs on the folded, lowercased text.
_SLASH_DAY = r"\d{1,2}/\d{1,2}(?:/\d{2,4})?"
_YEAR = r"(?:\s+(?:de\s+|del\s+)?(?P<y>20\d\d))?"
# 'entre el 20 y el 24 de noviembre', 'del 20 al 24 de nov', 'desde el 3 de mayo hasta el 9
# de junio': a range, its first day's month (and year) the last day's when it names none.
_DAY_SPAN = (r"(?:entre|del?|desde)\s+(?:el\s+)?(?P<d1>\d{1,2})(?:\s+de\s+"
             + _MONTH.replace("?P<m>", "?P<m1>") + r")?\s+(?:y|al?|hasta)\s+(?:el\s+)?"
             r"(?P<d2>\d{1,2})\s+de\s+" + _MONTH.replace("?P<m>", "?P<m2>") + _YEAR)
_SLASH_SPAN = (rf"(?:entre|del?|desde)\s+(?:el\s+)?(?P<a>{_SLASH_DAY})\s+(?:y|al?|hasta)\s+"
               rf"(?:el\s+)?(?P<b>{_SLASH_DAY})")


def _day_span(m: re.Match) -> str:
    year = f" {m['y']}" if m["y"] else ""
    first = f"{_month(m['m1'])} {m['d1']}" if m["m1"] else f"{_month(m['m2'])} {m['d1']}{year}"
    return f"between {first} and {_month(m['m2'])} {m['d2']}{year}"


_PHRASES: tuple[tuple[str, object], ...] = (
    (_DAY_SPAN, _day_span),
    (_SLASH_SPAN, lambda m: f"between {m['a']} and {m['b']}"),
    (r"(?:anteayer|antes\s+de\s+ayer)", "the day before yesterday"),
    (r"ayer", "yesterday"),
    (r"hoy", "today"),
    (r"esta\s+manana", "this morning"),
    # "mañana" is tomorrow, but "la mañana" the morning ("por la mañana").
    (r"(?<!la\s)(?<!pasado\s)manana", "tomorrow"),
    (r"(?:la\s+)?semana\s+pasada", "last week"),
    (r"esta\s+semana", "this week"),
    (r"(?:el\s+)?mes\s+pasado", "last month"),
    (r"este\s+mes", "this month"),
    (r"(?:el\s+)?ano\s+pasado", "last year"),
    (r"este\s+ano", "this year"),
    (r"hace\s+" + _N + r"\s+dias?", lambda m: f"{_n(m)} days ago"),
    (r"hace\s+" + _N + r"\s+semanas?", lambda m: f"{_n(m)} weeks ago"),
    (r"(?:los\s+|las\s+)?ultim[oa]s\s+" + _N + r"\s+(?P<u>dias|semanas|meses)",
     lambda m: f"last {_n(m)} " + {"dias": "days", "semanas": "weeks", "meses": "months"}[
         m["u"]]),
    (r"(?:el\s+)?(?P<d>\d{1,2})\s+de\s+" + _MONTH + r"(?:\s+(?:de\s+|del\s+)?(?P<y>20\d\d))?",
     lambda m: f"{m['d']} {_month(m['m'])}" + (f" {m['y']}" if m["y"] else "")),
    (r"(?:en|de|durante)\s+" + _MONTH + r"(?:\s+(?:de\s+|del\s+)?(?P<y>20\d\d))?",
     lambda m: f"in {_month(m['m'])}" + (f" {m['y']}" if m["y"] else "")),
    (r"(?:el\s+)?(?:pasado\s+)?" + _WEEKDAY + r"\s+pasado",
     lambda m: f"last {_WEEKDAYS_EN[_WEEKDAYS.index(m['w'])]}"),
    (r"(?:el\s+)?pasado\s+" + _WEEKDAY,
     lambda m: f"last {_WEEKDAYS_EN[_WEEKDAYS.index(m['w'])]}"),
    (r"(?:el\s+)?(?:proximo\s+" + _WEEKDAY.replace("?P<w>", "?P<w2>") + r"|"
     + _WEEKDAY + r"\s+(?:proximo|que\s+viene))",
     lambda m: f"next {_WEEKDAYS_EN[_WEEKDAYS.index(m['w'] or m['w2'])]}"),
    (r"(?:el\s+)?" + _WEEKDAY, lambda m: f"on {_WEEKDAYS_EN[_WEEKDAYS.index(m['w'])]}"),
    (r"desde", "since"),
    (r"hasta", "until"),
    (r"antes\s+del?", "before"),
    (r"despues\s+del?", "after"),
)
# A question names one period (store.questions.dates blanks up to 3 more): reading further
# would only cost time on a long message.
MAX_PHRASES = 4
_COMPILED = tuple((re.compile(rf"\b(?:{p})\b", re.IGNORECASE), r) for p, r in _PHRASES)


def english_dates(text: str) -> tuple[str, list[tuple[str, str]]]:
    """`text` with its Spanish date words in English, and (english, spanish) for each, so
    the phrase an answer quotes can be put back in the asker's words. At each place the
    longest phrase wins ("el lunes pasado" over "el lunes")."""
    folded, out, pairs, at = fold(text).lower(), [], [], 0
    while len(pairs) < MAX_PHRASES:
        found = [(m, r) for regex, r in _COMPILED if (m := regex.search(folded, at))]
        if not found:
            break
        m, replacement = min(found, key=lambda f: (f[0].start(), -f[0].end()))
        english = replacement(m) if callable(replacement) else replacement
        out += [text[at:m.start()], f" {english} "]
        pairs.append((english, text[m.start():m.end()]))
        at = m.end()
    out.append(text[at:])
    return "".join(out), pairs


def spanish_phrase(phrase: str, pairs: list[tuple[str, str]]) -> str:
    """The date phrase found in the English text, in the words the asker used."""
    for english, spanish in sorted(pairs, key=lambda p: -len(p[0])):
        phrase = phrase.replace(english, spanish)
    return phrase

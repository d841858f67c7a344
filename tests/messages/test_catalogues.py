"""The translation catalogues: every string marked in the code is in the template, every
Spanish entry is translated with the same placeholders, the shipped .mo matches its .po, and
the translated thread answers stay within Block Kit's limits at their longest."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from messages import i18n
from messages.answers import answer_message, followed_message, unfollowed_message
from messages.common import language_message
from sandbox.blockkit import validate_message_blocks
from store.views.questions import (
    CANDIDATES,
    HELP,
    NEEDS_ORDER,
    NO_MATCH,
    ORDER,
    ORDERS,
    Answer,
    Blocker,
    DateRange,
    LineFact,
    OrderAnswer,
    OrderDetails,
    Question,
    ShipmentFact,
)

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "messages" / "locale"
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.ENGLISH]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")


def catalogue(lang: str):
    with open(LOCALE / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def entries(cat):
    return [m for m in cat if m.id]


def test_every_marked_string_is_in_the_template():
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    marked = {msgid if isinstance(msgid, str) else msgid[0]
              for _file, _line, msgid, *_rest in extract_from_dir(
                  str(ROOT), method_map, options_map,
                  keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None,
                            "pgettext": ((1, "c"), 2)})}
    with open(LOCALE / "messages.pot", "rb") as f:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert marked - template == set(), "run scripts/i18n.sh: strings missing from the template"
    assert template - marked == set(), "run scripts/i18n.sh: the template has stale strings"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_string_is_translated_and_none_is_fuzzy(lang):
    cat = catalogue(lang)
    with open(LOCALE / "messages.pot", "rb") as f:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in entries(cat)}
    assert template - ids == set(), f"run scripts/i18n.sh update: missing in {lang}"
    untranslated = [m.id for m in entries(cat)
                    if not all(m.string if isinstance(m.string, tuple) else [m.string])]
    assert untranslated == []
    assert [m.id for m in entries(cat) if m.fuzzy] == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_are_the_same_in_the_translation(lang):
    wrong = []
    for m in entries(catalogue(lang)):
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        wrong += [(m.id, s) for s in strings if sorted(PLACEHOLDER.findall(s)) != wanted
                  and not (len(ids) > 1 and s is strings[0]
                           and sorted(PLACEHOLDER.findall(s)) == sorted(
                               PLACEHOLDER.findall(ids[0])))]
    assert wrong == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_shipped_mo_is_compiled_from_the_po(lang):
    with open(LOCALE / lang / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = {tuple(m.id) if isinstance(m.id, list) else m.id: tuple(m.string)
                    if isinstance(m.string, list) else m.string
                    for m in read_mo(BytesIO(f.read())) if m.id}
    written = {m.id: m.string for m in entries(catalogue(lang))}
    assert compiled == written, "run scripts/i18n.sh compile"


def test_money_and_days_follow_the_locale_and_english_is_unchanged():
    from messages.text import money
    day = date(2026, 12, 4)
    with i18n.using("es_ES"):
        assert money(123456, "EUR") == "1.234,56\xa0€"
        assert i18n.short_day(day) == "4 dic 2026"
    with i18n.using("es_US"):
        assert money(123456, "USD") == "$1,234.56"
    assert money(123456, "USD") == "$1,234.56" and i18n.short_day(day) is None


# The longest an answer gets: the most rows, blockers, shipments and lines (5: store.questions'
# DETAIL_LINES) it shows, every name and free text at the length the builders cut it to, and
# the longest translated sentences.
LONG = "Ñ" * 300
AT = datetime(2026, 11, 20, 9, tzinfo=UTC)
SHIPMENT = ShipmentFact("C" * 60, "S" * 60, AT, None, date(2026, 11, 27), "1Z" + "9" * 62,
                        "https://example.com/" + "t" * 200)
DETAILS = OrderDetails(lines=tuple(LineFact("SKU-" + "X" * 60, LONG, 9999, 9999, 99999999)
                                   for _ in range(5)), line_count=400, total_minor=9999999999,
                       currency="EUR", ship_to=(LONG, LONG, LONG),
                       shipping_instructions=LONG * 2)


def long_order(ref: str, stage: str, **kw) -> OrderAnswer:
    base = dict(ref=ref, customer_name=LONG, customer_code="X" * 40, po_number=LONG,
                ordered_at=AT, status="open", fulfilment_status="partially_returned",
                payment_status="partially_refunded", stage=stage, late=True, days_late=999,
                due_date=date(2026, 12, 1), shipped_at=AT, delivered_at=None,
                expected_delivery=date(2026, 12, 3), shipments=(SHIPMENT,) * 5,
                blockers=(Blocker("inventory_out_of_stock", "critical", AT, LONG, True),) * 8,
                details=DETAILS, owner_id="U0SALES2")
    return OrderAnswer(**{**base, **kw})


STAGES = ("late", "partially_shipped", "in_transit", "on_hold", "blocked", "preparing",
          "awaiting_fulfilment", "delivered", "draft", "canceled")
DATES = DateRange(AT, datetime(2026, 11, 27, tzinfo=UTC), LONG)


def longest_answers():
    q = Question(text=LONG * 7, command="ask", keys=(), words=LONG, dates=DATES,
                 wants=frozenset({"late", "blocked", "open", "canceled"}), mine=True)
    rows = tuple(long_order(f"SO-{n:06d}", STAGES[n % len(STAGES)]) for n in range(10))
    yield from (Answer(kind=ORDER, question=q, orders=(long_order("SO-1", s),), total=1,
                       note=LONG * 2) for s in STAGES)
    yield Answer(kind=ORDER, question=q, orders=(long_order("SO-2", "late", details=None),),
                 total=1)
    yield from (Answer(kind=kind, question=q, orders=rows, total=123456, total_is_floor=True,
                       offset=20, customers=(LONG,) * 5, note=LONG * 2, fallback=fallback)
                for kind in (ORDERS, CANDIDATES) for fallback in (False, True))
    yield Answer(kind=NO_MATCH, question=q, searched=("order refs", "PO numbers",
                                                      "tracking numbers", "customer names",
                                                      "customer codes"))
    yield Answer(kind=NEEDS_ORDER, question=q)
    yield Answer(kind=HELP, question=q)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_translated_answers_stay_within_block_kit_limits(lang):
    with i18n.using(lang):
        messages = [answer_message(a) for a in longest_answers()]
        messages += [followed_message(["SO-" + "9" * 60] * 5), unfollowed_message(["SO-1"] * 5),
                     unfollowed_message([]), language_message(chosen="es"),
                     language_message(chosen=None)]
    for message in messages:
        assert message["text"] and validate_message_blocks(message["blocks"]) == [], message


def _marked_in_source() -> dict[str, str]:
    """Every literal _() / N_() / gettext() argument in the code that writes what people read,
    by its place, including calls inside f-strings, which Babel's extractor does not see on
    Python 3.11 (an f-string is one token to it)."""
    import ast
    found = {}
    for folder in ("messages", "handlers", "jobs"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in ("_", "N_", "gettext") and node.args
                        and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    found[node.args[0].value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_strings_marked_inside_f_strings_are_in_the_template_too():
    with open(LOCALE / "messages.pot", "rb") as f:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    missing = {text: where for text, where in _marked_in_source().items()
               if text not in template}
    assert missing == {}, "marked where Babel can't see it (inside an f-string?)"

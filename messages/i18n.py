"""The reader's language: gettext catalogues (Babel) and the locale a message is rendered for.

The locale is a context variable, set once per Slack request by the handler kit
(`handlers.kit.listen`), so builders and templates read it instead of every function taking
it. It may be set lazily (a callable), since finding it can cost a users.info call and a read,
and most replies render nothing translated. Unset, everything renders in English, as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from copy import copy
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)
from babel.support import NullTranslations, Translations

from store.money import shown_exponent

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"
ENGLISH = "en"
LANGUAGES = ("en", "es")  # a catalogue ships for each (English is the msgids themselves)
SHORT_DAY = "EEE d MMM y"  # "vie 4 dic 2026": a daily digest's title
CALENDAR_DAY = "d MMM y"  # "4 dic 2026": a day in a card, next to Slack's date tokens

_locale: ContextVar[str | Callable[[], str]] = ContextVar("orderdesk_locale", default=ENGLISH)


def normalize(tag: str | None) -> str | None:
    """A locale tag as Slack or a person writes it ("es-ES", "es", "ES_mx") -> "es_ES";
    None for a language without a catalogue or a tag Babel does not know."""
    if not tag:
        return None
    try:
        parsed = Locale.parse(tag.strip().replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    return str(parsed) if parsed.language in LANGUAGES else None


def set_locale(locale: str | Callable[[], str]) -> Token:
    """The locale of what is rendered from here on in this context (a tag, or a callable
    that finds it when first needed); give the token back to `reset_locale`."""
    return _locale.set(locale)


def reset_locale(token: Token) -> None:
    _locale.reset(token)


@contextmanager
def using(locale: str) -> Iterator[None]:
    token = set_locale(locale)
    try:
        yield
    finally:
        reset_locale(token)


def current() -> str:
    """The locale in force ("en", "es_ES", "es_US"...), found once if it was set lazily."""
    value = _locale.get()
    if callable(value):
        value = normalize(value()) or ENGLISH
        _locale.set(value)
    return value


def language() -> str:
    return current().split("_")[0]


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    if lang == ENGLISH:
        return NullTranslations()
    return Translations.load(LOCALE_DIR, [lang], DOMAIN)


def gettext(message: str) -> str:
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A word that means something else elsewhere: ("button", "Open") is "Abrir", while
    "Open" alone, a status, is "Abierto"."""
    return translations(language()).pgettext(context, message)


_ = gettext


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; translated where it is shown."""
    return message


def language_name(language: str) -> str:
    """A language's name in the reader's language ("español", "inglés", "English")."""
    return Locale.parse(language).get_language_name(current())


def country_name(code: str) -> str:
    """A country by name in the reader's language ("Estados Unidos" for US); the code itself
    when Babel does not know it."""
    return Locale.parse(current()).territories.get((code or "").upper(), code)


def in_language(language: str | None) -> str:
    """" · Spanish" after a route or subscription with a language of its own (named in the
    reader's language); "" for none (the workspace default)."""
    return f" · {language_name(language)}" if language else ""


def money(minor: int, currency: str) -> str | None:
    """Money in the reader's conventions ("1.234,56 €" in es_ES, "$1,234.56" in es_US);
    None in English, whose own format (messages.text.money) is kept as it was. The decimals
    are the currency's ISO 4217 exponent, as the amount is stored, not CLDR's display digits:
    they differ (IQD 3 against 0, IRR 2 against 0), and scaling by CLDR's showed 1.234 IQD as
    1.234 thousand."""
    if language() == ENGLISH:
        return None
    exponent = shown_exponent(currency)
    locale, pattern = _currency_format(current(), exponent)
    return pattern.apply(Decimal(minor).scaleb(-exponent), locale, currency=currency,
                         currency_digits=False)


@lru_cache(maxsize=64)
def _currency_format(tag: str, exponent: int):
    """The locale and its currency pattern with `exponent` decimals (built once: a card shows
    several amounts)."""
    locale = Locale.parse(tag)
    pattern = copy(locale.currency_formats["standard"])
    pattern.frac_prec = (exponent, exponent)
    return locale, pattern


def number(value: float, digits: int = 0, *, group: bool = True) -> str:
    """A number in the reader's conventions: "1,234" / "12.5" in English (as before),
    "1234" / "12.345" / "12,5" in Spanish. `group`: thousands separators."""
    if language() == ENGLISH:
        return f"{value:{',' if group else ''}.{digits}f}"
    pattern = ("#,##0" if group else "0") + ("." + "0" * digits if digits else "")
    return format_decimal(round(value, digits), format=pattern, locale=current())


def count_text(n: int) -> str:
    """A count as English always wrote it ("1234", ungrouped), grouped in other languages
    ("1.234" in Spanish)."""
    return str(n) if language() == ENGLISH else number(n)


def local_day(value: date, pattern: str) -> str:
    """A day by a CLDR pattern in the reader's language ("LLLL y": "diciembre 2026")."""
    return format_date(value, pattern, locale=current()).replace(".", "")


def short_day(value: date) -> str | None:
    """A day in the reader's language ("4 dic 2026"); None in English (messages.text's)."""
    return None if language() == ENGLISH else local_day(value, CALENDAR_DAY)


_FIGURE = re.compile(r"^(?P<before>[^\d.,]*)(?P<figure>[\d.,]+)(?P<after>[^\d.,]*)$")


class NotAFigure(ValueError):
    """A number typed in a way the reader's conventions don't read, or read two ways."""


def typed_figure(text: str) -> str:
    """A number as the reader types it ("12,50", "1.234,56" in es_ES) as the store reads it
    ("12.50", "1234.56"); a currency sign or code around it is kept. English is unchanged:
    the store's own rules (a dot, no separators) apply. Raises NotAFigure, in the reader's
    language, for a figure the locale doesn't read ("12.50" in es_ES) or reads two ways
    ("1.234": one thousand two hundred thirty-four, or one point two three four?)."""
    if language() == ENGLISH:
        return text
    match = _FIGURE.match(text.strip())
    if match is None:
        return text  # not a figure at all: the store says what is wrong with it
    figure, locale = match["figure"], current()
    decimal_mark, group = get_decimal_symbol(locale), get_group_symbol(locale)
    example = format_decimal(Decimal("1234.5"), "#,##0.00", locale=locale)
    one_group = rf"\d{{1,3}}{re.escape(group)}\d{{3}}"
    if decimal_mark not in figure and re.fullmatch(one_group, figure):
        whole = figure.replace(group, "")
        raise NotAFigure(gettext(
            "“%(text)s” can be read two ways: write %(whole)s without the “%(group)s”, or "
            "use “%(mark)s” for decimals, like %(example)s") % {
                "text": figure, "whole": whole, "group": group, "mark": decimal_mark,
                "example": example})
    try:
        value = parse_decimal(figure, locale=locale, strict=True)
    except NumberFormatError:
        raise NotAFigure(gettext(
            "“%(text)s” is not a number as you write them: use “%(mark)s” for decimals, "
            "like %(example)s") % {"text": figure, "mark": decimal_mark,
                                   "example": example}) from None
    return f"{match['before']}{value:f}{match['after']}"


def typed_amount(text: str) -> str:
    """How a plain amount is written for the reader to edit: "12.50" -> "12,50" in es_ES."""
    if language() == ENGLISH:
        return text
    return text.replace(".", get_decimal_symbol(current()))

"""Money as people type and read it. Parsing reuses the importer's rules (store.importer.money)
so a price typed in Slack and one in an import file mean the same thing."""

from __future__ import annotations

from store.importer.money import (
    CURRENCY_EXPONENTS,
    MoneyError,
    currency_exponent,
    parse_decimal,
    to_minor,
)

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}
_PREFIXES = sorted(set(SYMBOLS.values()) | {"US$"}, key=len, reverse=True)


def parse_money(text: str, currency: str) -> int:
    """'12.50' (or '$12.50', '12.50 USD') -> 1250 minor units. Raises MoneyError (a ValueError)
    saying what is wrong and how to write it."""
    raw = str(text).strip()
    cleaned = raw.upper().removesuffix(currency.upper()).removeprefix(currency.upper()).strip()
    for symbol in _PREFIXES:
        if cleaned.startswith(symbol):
            cleaned = cleaned[len(symbol):].strip()
            break
    if not cleaned:
        raise MoneyError(f"'{raw}' is not an amount; write it like 12.50")
    if "E" in cleaned:
        raise MoneyError(f"'{raw}' is not an amount; write digits and a dot only, like 12.50")
    if cleaned.startswith("-"):
        raise MoneyError(f"'{raw}' is negative; a price can't be below 0")
    try:
        return to_minor(parse_decimal(cleaned), currency, original=raw)
    except MoneyError as error:
        raise MoneyError(str(error).replace(f"'{cleaned}'", f"'{raw}'")) from None


def format_money(minor: int, currency: str) -> str:
    """1234 50 -> '$1,234.50', '€12.00', '¥1,200'; unknown symbols as '12.00 CHF'."""
    exponent = currency_exponent(currency) if currency in CURRENCY_EXPONENTS else 2
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(int(minor)), 10 ** exponent)
    amount = f"{whole:,}" + (f".{frac:0{exponent}d}" if exponent else "")
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"

"""Money, always integer minor units: the currencies and their exponents, decimal text ->
minor units (never via float), and money as people type and read it. The import files and a
price typed in Slack go through the same rules, so they mean the same thing."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# ISO 4217 active codes and their minor-unit exponents; everything not listed uses 2.
_EXPONENT_0 = {
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
    "VND", "VUV", "XAF", "XOF", "XPF",
}
_EXPONENT_3 = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}
_EXPONENT_2 = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD",
    "BDT", "BGN", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP",
    "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD",
    "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR",
    "KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD",
    "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN",
    "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON",
    "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD",
    "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD",
    "TZS", "UAH", "USD", "UYU", "UZS", "VES", "WST", "XCD", "YER", "ZAR", "ZMW", "ZWG",
}

# A unit price above this is a typo, and it keeps quantity x price (at most 1,000,000 x 10**12)
# inside a 64-bit integer, which the database's sums and products need.
MAX_MINOR = 10**12
# The most one order may total, in minor units (100,000,000,000.00 with 2 decimals): checked
# wherever an order's lines are set (import, intake, New order, edit). It keeps every sum of
# orders inside a 64-bit integer up to 922,337 orders at this maximum, far past any desk's.
MAX_ORDER_TOTAL = 10**13

CURRENCY_EXPONENTS: dict[str, int] = {
    **{code: 2 for code in _EXPONENT_2},
    **{code: 0 for code in _EXPONENT_0},
    **{code: 3 for code in _EXPONENT_3},
}


class MoneyError(ValueError):
    """What is wrong with a money text, phrased for the person who wrote it."""


def currency_exponent(code: str) -> int:
    return CURRENCY_EXPONENTS[code]


def shown_exponent(code: str) -> int:
    """The decimals money in `code` is shown with: its ISO 4217 exponent, 2 for a code we don't
    know (an order stored before the list knew it)."""
    return CURRENCY_EXPONENTS.get(code, 2)


def parse_currency(text: str) -> str:
    code = text.strip().upper()
    if code not in CURRENCY_EXPONENTS:
        raise MoneyError(
            f"'{text}' is not a currency code we know; use a 3-letter ISO 4217 code "
            "like USD, EUR or JPY"
        )
    return code


def parse_decimal(text: str) -> Decimal:
    """A non-negative decimal amount as written, e.g. '12.50'."""
    cleaned = text.strip()
    if "," in cleaned:
        raise MoneyError(
            f"'{text}' contains a comma; write the amount with a dot as the decimal mark "
            "and no thousands separator, like 1234.50"
        )
    if "_" in cleaned:  # Decimal reads '12_50' as 1250: a typo must not become a price
        raise MoneyError(f"'{text}' is not a number; write the amount only, like 12.50")
    if "e" in cleaned.casefold():  # Decimal reads '1e2' as 100: a typo must not become a price
        raise MoneyError(f"'{text}' is not an amount; write digits and a dot only, like 12.50")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise MoneyError(f"'{text}' is not a number; write the amount only, like 12.50") from None
    if not value.is_finite():
        raise MoneyError(f"'{text}' is not a number; write the amount only, like 12.50")
    if value < 0:
        raise MoneyError(f"'{text}' is negative; amounts must be 0 or more")
    return value


# '1.500' in a European export means 1500; a 2-decimal currency never needs three decimals.
_THOUSANDS_DOT = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")


def to_minor(value: Decimal, currency: str, *, original: str | None = None) -> int:
    """Decimal -> minor units, refusing more decimals than the currency has."""
    exponent = currency_exponent(currency)
    scaled = value.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        shown = original if original is not None else str(value)
        example = "1234" if exponent == 0 else "12." + "5" * exponent
        raise MoneyError(
            f"'{shown}' has more decimals than {currency} allows ({exponent}); "
            f"write it like {example}"
        )
    if original is not None and exponent < 3 and _THOUSANDS_DOT.fullmatch(original.strip()):
        whole = original.strip().replace(".", "")
        raise MoneyError(
            f"'{original}' is ambiguous: {whole} written with a thousands dot, or "
            f"{value:.{exponent}f} with more decimals than {currency} has ({exponent}). "
            f"Write {whole} or {value:.{exponent}f}")
    if scaled > MAX_MINOR:
        shown = original if original is not None else str(value)
        raise MoneyError(f"'{shown}' is more than {format_minor(MAX_MINOR, currency)} "
                         f"{currency}; check the amount")
    return int(scaled)


def format_minor(amount: int, currency: str) -> str:
    """Minor units -> the plain decimal text the import files use (no symbol, no separators)."""
    exponent = currency_exponent(currency)
    return str(Decimal(amount).scaleb(-exponent)) if exponent else str(amount)

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}
_PREFIXES = sorted(set(SYMBOLS.values()) | {"US$"}, key=len, reverse=True)
# The currencies written with a '$' where they are used: the dollars and most pesos.
_DOLLAR_SIGNED = frozenset({
    "USD", "CAD", "AUD", "NZD", "HKD", "SGD", "TWD", "BSD", "BBD", "BZD", "BMD", "BND", "KYD",
    "XCD", "FJD", "GYD", "JMD", "LRD", "NAD", "SBD", "SRD", "TTD", "MXN", "CLP", "COP", "ARS",
    "UYU", "DOP", "CUP", "BRL", "TOP", "WST", "KID", "TVD"})
# The currencies a typed symbol may stand for: '$' is how people write any of those.
_SYMBOL_OF = {"US$": {"USD"}, "$": _DOLLAR_SIGNED,
              **{s: {code} for code, s in SYMBOLS.items() if s != "$"}, "¥": {"JPY", "CNY"}}
_OTHER_CODE = re.compile(r"^([A-Z]{3})\s*[\d.]|[\d.]\s*([A-Z]{3})$")


def parse_money(text: str, currency: str) -> int:
    """'12.50' (or '$12.50', '12.50 USD') -> 1250 minor units. A symbol or code of another
    currency ('€12.50' for USD) is refused, not dropped. Raises MoneyError (a ValueError)
    saying what is wrong and how to write it."""
    raw = str(text).strip()
    cleaned = raw.upper().removesuffix(currency.upper()).removeprefix(currency.upper()).strip()
    for symbol in _PREFIXES:
        if cleaned.startswith(symbol):
            if currency.upper() not in _SYMBOL_OF[symbol]:
                raise _other_currency(raw, currency)
            cleaned = cleaned[len(symbol):].strip()
            break
    other = _OTHER_CODE.search(cleaned)
    if other and (other.group(1) or other.group(2)) in CURRENCY_EXPONENTS:
        raise _other_currency(raw, currency)
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


def _other_currency(raw: str, currency: str) -> MoneyError:
    return MoneyError(f"'{raw}' is in another currency than {currency.upper()}; write the "
                      "amount only, like 12.50")


def format_money(minor: int, currency: str) -> str:
    """1234 50 -> '$1,234.50', '€12.00', '¥1,200'; unknown symbols as '12.00 CHF'."""
    exponent = shown_exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(int(minor)), 10 ** exponent)
    amount = f"{whole:,}" + (f".{frac:0{exponent}d}" if exponent else "")
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"


def order_total_problem(total_minor: int, currency: str) -> str | None:
    """What is wrong with an order total beyond MAX_ORDER_TOTAL, else None."""
    if total_minor <= MAX_ORDER_TOTAL:
        return None
    return (f"the order would total {format_money(total_minor, currency)}, more than one order "
            f"may ({format_money(MAX_ORDER_TOTAL, currency)}); check the quantities and prices")

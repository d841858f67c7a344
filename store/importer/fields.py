"""Field parsers shared by the importers. Each raises FieldError with a reason a person can act on:
what is wrong, and what to write instead."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from store.control_chars import NUL, NUL_REASON, identifier_problem, nul_fields, valid_address
from store.enums import CUSTOMER_LANGUAGES, PaymentStatus
from store.errors import ValidationFailed
from store.money import MoneyError, parse_currency, parse_decimal, to_minor

_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,31}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# INTEGER on PostgreSQL (and what SQLite's driver binds): a bigger count can't be stored.
MAX_WHOLE = 2_147_483_647
# A line's quantity: the order editor's limit (store.orders.lines.MAX_QUANTITY), so every
# door takes the same orders and quantity x price stays inside 64 bits.
MAX_LINE_QUANTITY = 1_000_000
# Far from datetime's edges, so date arithmetic (check windows, periods) can't overflow.
YEARS = range(1900, 3000)


class FieldError(Exception):
    """One cell (or, with column None, one row) is wrong."""

    def __init__(self, column: str | None, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


# Columns holding identifiers, which may not hold invisible characters (store.control_chars).
IDENTIFIER_COLUMNS = ("order_ref", "po_number", "sku", "customer_code", "warehouse")


def nul_errors(row: dict[str, str]) -> list[FieldError]:
    """One error per cell holding a NUL, which PostgreSQL cannot store, or an identifier cell
    holding an invisible character (store.control_chars); nothing else is read from the row."""
    # One search over the joined cells finds the usual row clean without a call per cell.
    clean = NUL not in "".join(v for v in row.values() if isinstance(v, str))
    errors = [] if clean else [FieldError(column, f"{column} {NUL_REASON}")
                               for column in nul_fields(row)]
    named = {err.column for err in errors}
    for column in IDENTIFIER_COLUMNS:
        value = row.get(column)
        if not isinstance(value, str) or (value.isascii() and value.isprintable()):
            continue  # printable ASCII has no invisible character: skip the per-character walk
        if column not in named and (problem := identifier_problem(value, column)):
            errors.append(FieldError(column, problem))
    return errors


def text(value: str, column: str, max_len: int) -> str | None:
    """Optional text: blank -> None; too long for its column -> FieldError."""
    if not value:
        return None
    if len(value) > max_len:
        raise FieldError(column, f"{column} is {len(value)} characters long; the most is {max_len}")
    return value


def email(value: str, column: str, max_len: int) -> str | None:
    """Optional address, as customer mail will send to it: a cell that is not one address
    (a line break, 'a@x; b@y', no @) would fail every mail to it, and a line break would
    add mail headers, so it is refused here, where the file can be fixed."""
    value = text(value, column, max_len)
    if value is None:
        return None
    try:
        valid_address(value, column)
    except ValidationFailed as err:
        raise FieldError(column, err.errors[column]) from None
    return value  # as written: the sending side normalises


def required_text(value: str, column: str, max_len: int, what: str) -> str:
    if not value:
        raise FieldError(column, f"{column} is empty; every row needs {what}")
    return text(value, column, max_len)


def whole_number(value: str, column: str, *, minimum: int, maximum: int = MAX_WHOLE) -> int:
    """An integer >= minimum; '3.0' is accepted as 3 (spreadsheets write that)."""
    rule = ("a positive whole number like 3" if minimum > 0
            else "a whole number of 0 or more, like 12")
    if not value:
        raise FieldError(column, f"{column} is empty; use {rule}")
    try:
        number = None if "_" in value else Decimal(value)  # Decimal reads '1_0' as 10
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise FieldError(column, f"{column} '{value}' is not a whole number; use {rule}")
    if number < minimum:
        problem = "not positive" if minimum > 0 else "negative"
        raise FieldError(column, f"{column} '{value}' is {problem}; use {rule}")
    if number > maximum:
        raise FieldError(column, f"{column} '{value}' is more than {maximum:,}; use {rule}")
    return int(number)


def amount(value: str, column: str) -> Decimal:
    try:
        return parse_decimal(value)
    except MoneyError as err:
        raise FieldError(column, f"{column} {err}") from None


def minor_units(value: Decimal, currency: str, column: str, original: str) -> int:
    try:
        return to_minor(value, currency, original=original)
    except MoneyError as err:
        raise FieldError(column, f"{column} {err}") from None


def currency(value: str, column: str = "currency") -> str:
    try:
        return parse_currency(value)
    except MoneyError as err:
        raise FieldError(column, f"{column} {err}") from None


def timestamp(value: str, column: str) -> datetime | None:
    """ISO 8601 date or date-time -> aware UTC; no offset means UTC, a bare date means midnight."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(
            column,
            f"{column} '{value}' is not a date; use ISO 8601 like 2024-05-01 "
            "or 2024-05-01T14:30:00Z",
        ) from None
    _in_years(parsed, value, column)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _in_years(parsed: date, value: str, column: str) -> None:
    if parsed.year not in YEARS:
        raise FieldError(column, f"{column} '{value}' is not between {YEARS.start} and "
                                 f"{YEARS.stop - 1}; use a real date like 2024-05-01")


def optional_date(value: str, column: str) -> date | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value).date()
    except ValueError:
        raise FieldError(
            column, f"{column} '{value}' is not a date; use ISO 8601 like 2024-05-01"
        ) from None
    _in_years(parsed, value, column)
    return parsed


def payment_status(value: str, column: str = "payment_status") -> PaymentStatus:
    if not value:
        return PaymentStatus.AWAITING
    try:
        return PaymentStatus(value.strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in PaymentStatus)
        raise FieldError(
            column, f"{column} '{value}' is not one we know; use one of {allowed} (or leave empty)"
        ) from None


def slack_user(value: str, column: str) -> str | None:
    if not value:
        return None
    if not _SLACK_USER.match(value):
        raise FieldError(
            column,
            f"{column} '{value}' is not a Slack user id; use the member id like U012AB3CD "
            "(Slack profile -> ⋮ -> Copy member ID)",
        )
    return value


def language(value: str, column: str) -> str | None:
    """A mail language (CUSTOMER_LANGUAGES); blank -> None, the workspace default."""
    if not value:
        return None
    code = value.strip().lower()
    if code not in CUSTOMER_LANGUAGES:
        raise FieldError(column, f"{column} '{value}' is not one of "
                                 f"{', '.join(CUSTOMER_LANGUAGES)}; leave it empty for the default")
    return code


def country(value: str, column: str) -> str | None:
    if not value:
        return None
    code = value.upper()
    if not _COUNTRY.match(code):
        raise FieldError(
            column,
            f"{column} '{value}' is not a 2-letter ISO country code; use e.g. US, DE, FR or JP",
        )
    return code

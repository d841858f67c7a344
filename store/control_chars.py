"""Control characters in user text, checked at every door before the database sees them.

PostgreSQL cannot store NUL (U+0000) in text or JSON, SQLite can: so a NUL is refused where
a person enters data (a modal field, an import cell, an intake field), naming the field, and
the same answer comes on both databases. Text that is only parsed (slash command text, a
message asking a question) loses its control characters instead: Slack users cannot type
them and they mean nothing there. Tab, newline and carriage return are text, not control.

Text bound for a mail header is stricter: a line break there would start a header of its own
(header injection), so one_line refuses it. An email address is checked as customer mail
sends it (email-validator, syntax only: no DNS lookups on a request thread, and a desk's
customers may sit behind internal domains), here at the kernel so an import refuses a cell
that mail could never send to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from email_validator import EmailNotValidError, validate_email

from store.errors import ValidationFailed

NUL = "\x00"
NUL_REASON = "contains a NUL character (an invisible control character); remove it"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_nul(value: object) -> bool:
    return isinstance(value, str) and NUL in value


def nul_fields(values: Mapping[str, object]) -> list[str]:
    """The names whose value is text holding a NUL, in the mapping's order."""
    return [name for name, value in values.items() if has_nul(value)]


def strip_controls(text: str) -> str:
    return _CONTROL.sub("", text)


def strip_controls_in(data: object) -> object:
    """`data` (JSON-like: dicts, lists, strings) with control characters dropped from every
    string, keys included; dicts and lists are changed in place, so callers holding them
    see the clean text."""
    if isinstance(data, str):
        return strip_controls(data)
    if isinstance(data, dict):
        for key in list(data):
            value = strip_controls_in(data.pop(key))
            data[strip_controls(key) if isinstance(key, str) else key] = value
    elif isinstance(data, list):
        data[:] = [strip_controls_in(item) for item in data]
    return data


# The most characters each free-text field takes: one table for the store's checks (an error
# under the field, a 400 naming it, an import row error), the modals' max_length (messages/)
# and the README. Slack's own inputs stop at max_length; these hold for every other door.
TEXT_LIMITS = {
    "shipping_instructions": 2_000,
    "hold_note": 500,
    "resolution_note": 2_000,
    "return_note": 2_000,
    "reason": 500,           # why an order is flagged or canceled, why an approval is rejected
    "notes": 4_000,          # an order's notes (import and intake)
    "service": 64,           # a shipment's carrier service
    "contact_name": 200,
    "contact_role": 64,
    "email": 254,
    "phone": 64,
}


def too_long(value: str | None, limit: str, what: str) -> str | None:
    """What is wrong with `value` as the field `what` when it passes TEXT_LIMITS[limit]."""
    most = TEXT_LIMITS[limit]
    if value is None or len(value) <= most:
        return None
    return f"{what} is {len(value):,} characters long; the most is {most:,}."


# Identifiers (refs, PO numbers, SKUs, customer codes) are compared by eye: a character that
# shows nothing or moves the text (bidi overrides U+202A-202E, zero-width U+200B-200D, other
# format characters, controls, odd spaces) lets one ref impersonate another.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})


def identifier_problem(value: object, field: str) -> str | None:
    """Why `value` can't be an identifier called `field`, or None: it holds an invisible
    character (Unicode Cf and other controls, or a space other than the plain one)."""
    if not isinstance(value, str):
        return None
    for position, char in enumerate(value, start=1):
        if char != " " and unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            name = unicodedata.name(char, "a control character")
            return (f"{field} contains an invisible character (U+{ord(char):04X} {name}) at "
                    f"position {position}; type it again with visible characters only")
    return None


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"); tab and carriage return start one in some of them too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """`value` safe to put in a spreadsheet cell (CSV or XLSX): text that a spreadsheet would
    run as a formula gets a leading apostrophe, which shows it as the text it is. Numbers
    (int, float, Decimal: write amounts as numbers), dates and everything else pass
    unchanged. Every export writes its cells through this."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def from_spreadsheet_cell(text: str) -> str:
    """The text spreadsheet_cell defused, as it was: the importer reads its own exports."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


_LINE_BREAK = re.compile(r"[\r\n\x00\u2028\u2029\x85]")


class HeaderInjection(ValidationFailed):
    """A line break in text bound for a mail header: it would start a header of its own."""

    def __init__(self, field: str):
        super().__init__({field: "Line breaks are not allowed here (they would add mail "
                                 "headers). Keep it on one line."})


def one_line(text: str, field: str, *, limit: int) -> str:
    if _LINE_BREAK.search(text or ""):
        raise HeaderInjection(field)
    value = (text or "").strip()
    if not value:
        raise ValidationFailed({field: f"The {field} is empty."})
    if len(value) > limit:
        raise ValidationFailed({field: f"Keep the {field} under {limit} characters."})
    return value


def valid_address(text: str, field: str = "to") -> str:
    """The normalised address, or ValidationFailed naming what is wrong with it."""
    value = one_line(text, field, limit=254)
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as err:
        raise ValidationFailed({field: f"`{value[:80]}` is not an email address: {err}"}) \
            from None


def ascii_address(address: str) -> str:
    """The address as any mail server takes it: an internationalised domain in its ASCII
    (IDNA) form, info@bücher.de -> info@xn--bcher-kva.de. A local part that is not ASCII has
    no such form and stays as it is: only a server offering SMTPUTF8 takes it."""
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return address
    return checked.ascii_email or address

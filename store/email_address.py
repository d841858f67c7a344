"""Email addresses and one-line header text, checked the way customer mail sends them:
email-validator for the syntax (no DNS lookups on a request thread, and a desk's customers may
sit behind internal domains), CR/LF refused before anything reaches a header (header
injection). In the kernel, so an import refuses a cell that mail could never send to."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from store.errors import ValidationFailed

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

"""Addresses and header text: validated with email-validator (syntax only: no DNS lookups on a
request thread, and a desk's customers may sit behind internal domains), CR/LF refused before
anything reaches a header (header injection), and the plus address replies come back to."""

from __future__ import annotations

import re
import secrets

from email_validator import EmailNotValidError, validate_email

from store.errors import ValidationFailed

MAX_SUBJECT = 200
MAX_BODY = 20_000
_TOKEN = re.compile(r"\+([a-z0-9]{8,32})@", re.IGNORECASE)
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


def new_token() -> str:
    return secrets.token_hex(8)


def reply_address(sender: str, token: str) -> str:
    """orders@desk.example -> orders+<token>@desk.example: replies name their mail."""
    local, _, domain = sender.rpartition("@")
    return f"{local}+{token}@{domain}"


def message_id(sender: str, token: str) -> str:
    return f"<mail-{token}@{sender.rpartition('@')[2]}>"


def token_in(addresses: str) -> str | None:
    match = _TOKEN.search(addresses or "")
    return match.group(1).lower() if match else None

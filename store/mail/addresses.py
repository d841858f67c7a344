"""The plus address replies come back to, and the ids in a mail's headers. Addresses and header
text are checked by the kernel's store.email_address."""

from __future__ import annotations

import re
import secrets

MAX_SUBJECT = 200
MAX_BODY = 20_000
_TOKEN = re.compile(r"\+([a-z0-9]{8,32})@", re.IGNORECASE)


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

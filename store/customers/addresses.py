"""Addresses as people type them: trimmed, the country code upper-cased, and what is missing
or malformed keyed by the form's block ids. Orders' ship-to and customers' addresses share it."""

from __future__ import annotations

import re

from store.views.orders import ADDRESS_FIELDS, ADDRESS_MAX_LENGTH, AddressView

_REQUIRED = {
    "line1": "Enter the street address (line 1).",
    "city": "Enter the city.",
    "postal_code": "Enter the postal code (ZIP).",
    "country": "Enter the 2-letter country code, e.g. US, GB or DE.",
}


def clean_address(address: AddressView) -> dict[str, str | None]:
    values = {f: (getattr(address, f) or "").strip() or None for f in ADDRESS_FIELDS}
    if values["country"]:
        values["country"] = values["country"].upper()
    return values


def address_problems(values: dict[str, str | None], prefix: str) -> dict[str, str]:
    """Missing or malformed address parts, keyed '<prefix>.<part>'."""
    problems = {}
    for part, message in _REQUIRED.items():
        if not values[part]:
            problems[f"{prefix}.{part}"] = message
    country = values["country"]
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        problems[f"{prefix}.country"] = (f"'{country}' is not a 2-letter country code; "
                                         "use e.g. US, GB or DE.")
    for part, limit in ADDRESS_MAX_LENGTH.items():
        if values[part] and len(values[part]) > limit and f"{prefix}.{part}" not in problems:
            problems[f"{prefix}.{part}"] = f"Keep this under {limit + 1} characters."
    return problems

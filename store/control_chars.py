"""Control characters in user text, checked at every door before the database sees them.

PostgreSQL cannot store NUL (U+0000) in text or JSON, SQLite can: so a NUL is refused where
a person enters data (a modal field, an import cell, an intake field), naming the field, and
the same answer comes on both databases. Text that is only parsed (slash command text, a
message asking a question) loses its control characters instead: Slack users cannot type
them and they mean nothing there. Tab, newline and carriage return are text, not control.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

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


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"); tab and carriage return start one in some of them too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """`value` safe to put in a spreadsheet cell (CSV or XLSX): text that a spreadsheet would
    run as a formula gets a leading apostrophe, which shows it as the text it is. Numbers,
    dates and everything else pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value

"""Classifying a lookup query before searching (DESIGN.md "Fuzzy lookup"). Pure functions.

A query is split into identifier-like keys (refs, numbers, PO and tracking numbers,
SKUs and codes) and words (customer names). Each key kind decides which exact indexes
and which fuzzy strategy are worth trying; nothing here touches the database.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from store.tracking import clean_tracking_number, looks_like_tracking_number
from store.views.questions import Key

REF = "ref"
NUMBER = "number"
PO = "po"
TRACKING = "tracking"
CODE = "code"

_REF = re.compile(r"^SO[-#:]?(\d{1,12})$", re.IGNORECASE)
_PO = re.compile(r"^PO[-#:]?([A-Z0-9][A-Z0-9\-/]*)$", re.IGNORECASE)
_NUMBER = re.compile(r"^#?(\d{1,30})$")
_PREFIX_ONLY = re.compile(r"^(SO|PO)[#:\-]?$|^#$", re.IGNORECASE)
_DIGITS = frozenset(string.digits)
_ALNUM = string.digits + string.ascii_uppercase


@dataclass(frozen=True)
class Plan:
    text: str
    keys: tuple[Key, ...]
    words: str     # what is left for customer names / codes


def classify(query: str) -> Plan:
    text = " ".join(query.split())
    whole = clean_tracking_number(text)
    if " " in text and looks_like_tracking_number(whole):
        # Pasted with spaces: '1Z 999 AA1 01 2345 6784' is one tracking number.
        return Plan(text, (Key(TRACKING, text, whole),), "")
    keys, words = [], []
    for token in _glue_prefixes(text.split()):
        key = classify_token(token)
        if key is None:
            words.append(token)
        else:
            keys.append(key)
    return Plan(text, tuple(keys), " ".join(words))


def _glue_prefixes(tokens: list[str]) -> list[str]:
    """'PO 7781' and 'SO # 1042' are one key, not a word and a number."""
    out: list[str] = []
    for token in tokens:
        if out and _PREFIX_ONLY.match(out[-1]) and any(c.isdigit() for c in token):
            prefix = out[-1].rstrip("#:-")
            out[-1] = (prefix + "-" if prefix else "#") + token.lstrip("#")
        else:
            out.append(token)
    return out


def classify_token(token: str) -> Key | None:
    """The key a token is, or None when it is a word."""
    stripped = token.strip(",;")
    if m := _REF.match(stripped):
        return Key(REF, stripped, m.group(1))
    if m := _NUMBER.match(stripped):
        digits = m.group(1)
        kind = TRACKING if len(digits) >= 10 and looks_like_tracking_number(digits) else NUMBER
        return Key(kind, stripped, digits)
    if looks_like_tracking_number(stripped):
        return Key(TRACKING, stripped, clean_tracking_number(stripped))
    if (m := _PO.match(stripped)) and any(c.isdigit() for c in stripped):
        return Key(PO, stripped, m.group(1).upper())
    # Letters only ('Thomas-Collins', 'S.A.R.L.') is a word: names are hyphenated far more
    # often than SKUs lack digits, and words still get an exact code / SKU probe.
    if any(c.isdigit() for c in stripped):
        return Key(CODE, stripped, stripped.upper())
    return None


def neighbours(text: str, *, max_variants: int = 4000) -> list[str]:
    """Every string within Levenshtein distance 1 of `text`, plus adjacent swaps.

    Searching these through the unique/btree index costs a few ms and no memory, where
    scanning a million refs in Python costs tens of ms (DESIGN.md measured 16 ms / 450k).
    The alphabet follows the text: digits for numbers, digits and letters otherwise.
    """
    alphabet = string.digits if set(text) <= _DIGITS else _ALNUM + "".join(set(text) - set(_ALNUM))
    out: set[str] = set()
    for i in range(len(text) + 1):
        head, tail = text[:i], text[i:]
        if tail:
            out.add(head + tail[1:])
            if len(tail) > 1:
                out.add(head + tail[1] + tail[0] + tail[2:])
        for char in alphabet:
            out.add(head + char + tail)
            if tail:
                out.add(head + char + tail[1:])
    out.discard(text)
    out.discard("")
    return sorted(out)[:max_variants]

"""Classifying a lookup query before searching (DESIGN.md "Fuzzy lookup"). Pure functions.

A query is split into identifier-like keys (refs, numbers, PO and tracking numbers,
SKUs and codes) and words (customer names). Each key kind decides which exact indexes
and which fuzzy strategy are worth trying; nothing here touches the database.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from store.errors import InputTooLong
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

# Bounds on one lookup's work (issue #14: one 10,000-character token cost 7 GB and 22 s).
MAX_QUERY_CHARS = 2_000  # a lookup or question longer than this is refused, naming the limit
MAX_KEYS = 8             # distinct keys probed per query; more is a paste, not a question
MAX_WORDS = 20           # distinct words fuzzy-matched one at a time
MAX_FUZZY_CHARS = 40     # longer than any real ref, PO, SKU or tracking number: no typo search
MAX_VARIANTS = 4_000


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
    return Plan(text, tuple(dict.fromkeys(keys))[:MAX_KEYS], " ".join(words))


def check_length(text: str, what: str) -> None:
    """Refuse text longer than MAX_QUERY_CHARS before any work is done on it."""
    if len(text) > MAX_QUERY_CHARS:
        raise InputTooLong(what, len(text), MAX_QUERY_CHARS)


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


def neighbours(text: str, *, max_variants: int = MAX_VARIANTS) -> list[str]:
    """Strings within Levenshtein distance 1 of `text`, plus adjacent swaps, at most
    `max_variants` of them; none for text longer than MAX_FUZZY_CHARS.

    Searching these through the unique/btree index costs a few ms and no memory, where
    scanning a million refs in Python costs tens of ms (DESIGN.md measured 16 ms / 450k).
    The alphabet follows the text: digits for numbers, digits and letters otherwise.
    """
    if len(text) > MAX_FUZZY_CHARS:
        return []
    return list(islice(_variants(text), max_variants))


def _variants(text: str) -> Iterator[str]:
    """Distinct one-edit variants, generated lazily: the cap stops the work, not a slice."""
    alphabet = string.digits if set(text) <= _DIGITS else _ALNUM + "".join(
        sorted(set(text) - set(_ALNUM)))
    seen = {text, ""}
    for i in range(len(text) + 1):
        head, tail = text[:i], text[i:]
        edits = []
        if tail:
            edits.append(head + tail[1:])
            if len(tail) > 1:
                edits.append(head + tail[1] + tail[0] + tail[2:])
        for char in alphabet:
            edits.append(head + char + tail)
            if tail:
                edits.append(head + char + tail[1:])
        for variant in edits:
            if variant not in seen:
                seen.add(variant)
                yield variant

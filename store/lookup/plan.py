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
from store.refs import DEFAULT_REF_PREFIX, ref_key_of, ref_prefix_of
from store.tracking import clean_tracking_number, looks_like_tracking_number
from store.views.questions import Key

REF = "ref"
NUMBER = "number"
PO = "po"
TRACKING = "tracking"
CODE = "code"

# The PO's body in any script ('PO ΠΑΡ-1', 'PO-Ж12'): letters and digits, no underscore.
_PO = re.compile(r"^PO[-#:]?([^\W_][\w\-/]*)$", re.IGNORECASE)
_NUMBER = re.compile(r"^#?(\d{1,30})$")
_PREFIX_ONLY = re.compile(r"^(SO|PO)[#:\-]?$|^#$", re.IGNORECASE)
_DIGITS = frozenset(string.digits)
_ALNUM = string.digits + string.ascii_uppercase
_KEY_ALNUM = string.digits + string.ascii_lowercase
# The ref prefixes assumed when none are learned from the data (store.refs.ref_prefixes).
DEFAULT_PREFIXES = frozenset({ref_key_of(DEFAULT_REF_PREFIX)})

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


def classify(query: str, prefixes: frozenset[str] = DEFAULT_PREFIXES) -> Plan:
    """`prefixes`: the ref prefixes in use (store.refs.ref_prefixes), so 'HX-2001' reads as a
    ref on a desk whose refs look like that."""
    text = " ".join(query.split())
    whole = clean_tracking_number(text)
    if " " in text and looks_like_tracking_number(whole):
        # Pasted with spaces: '1Z 999 AA1 01 2345 6784' is one tracking number.
        return Plan(text, (Key(TRACKING, text, whole),), "")
    keys, words = [], []
    for token in glue_prefixes(text.split(), prefixes):
        key = classify_token(token, prefixes)
        if key is None:
            words.append(token)
        else:
            keys.append(key)
    return Plan(text, tuple(dict.fromkeys(keys))[:MAX_KEYS], " ".join(words))


def check_length(text: str, what: str) -> None:
    """Refuse text longer than MAX_QUERY_CHARS before any work is done on it."""
    if len(text) > MAX_QUERY_CHARS:
        raise InputTooLong(what, len(text), MAX_QUERY_CHARS)


def glue_prefixes(tokens: list[str], prefixes: frozenset[str] = DEFAULT_PREFIXES) -> list[str]:
    """'PO 7781', 'SO # 1042' and 'HX 2001' (a ref prefix in use) are one key, not a word
    and a number."""
    out: list[str] = []
    for token in tokens:
        if out and _PREFIX_ONLY.match(out[-1]) and any(c.isdigit() for c in token):
            prefix = out[-1].rstrip("#:-")
            out[-1] = (prefix + "-" if prefix else "#") + token.lstrip("#")
        elif out and token in ("#", ":", "-") and out[-1][-1:].isalpha() and (
                _PREFIX_ONLY.match(out[-1]) or is_ref_prefix(out[-1], prefixes)):
            out[-1] += token  # 'HX # 2001'
        elif out and is_ref_prefix(out[-1], prefixes) and token.lstrip("#").isdigit():
            out[-1] = out[-1].rstrip("#:-") + "-" + token.lstrip("#")
        else:
            out.append(token)
    return out


def is_ref_prefix(token: str, prefixes: frozenset[str]) -> bool:
    """'HX', 'hx-', 'Web#': the letters of a ref prefix in use, written alone."""
    key = ref_key_of(token)
    return bool(key) and not any(c.isdigit() for c in key) and key in prefixes


def ref_shaped(token: str, prefixes: frozenset[str]) -> str | None:
    """The ref key of a token shaped like the refs in use (a known prefix, then digits):
    'HX-2001' -> 'hx2001' when 'hx' is a prefix in use; else None."""
    key = ref_key_of(token)
    prefix = ref_prefix_of(key)
    if prefix and prefix in prefixes and key[len(prefix):].isdigit():
        return key
    return None


def ref_tokens(text: str, prefixes: frozenset[str] = DEFAULT_PREFIXES) -> list[str]:
    """The tokens of a message that may be order refs, in order: any with three digits or
    more, once glued to a ref prefix in use ('HX 2001', '#1001', '4500012345')."""
    tokens = [t.strip(_EDGES) for t in re.split(r"[\s,;]+", text or "")]
    return list(dict.fromkeys(t for t in glue_prefixes([t for t in tokens if t], prefixes)
                              if sum(c.isdigit() for c in t) >= 3))


_EDGES = "?!.,;:()[]{}\"'`*_~<>“”‘’"


def classify_token(token: str, prefixes: frozenset[str] = DEFAULT_PREFIXES) -> Key | None:
    """The key a token is, or None when it is a word."""
    stripped = token.strip(",;")
    if (key := ref_shaped(stripped, prefixes)) is not None:
        return Key(REF, stripped, key)
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


def neighbours(text: str, *, max_variants: int = MAX_VARIANTS, lower: bool = False) -> list[str]:
    """Strings within Levenshtein distance 1 of `text`, plus adjacent swaps, at most
    `max_variants` of them; none for text longer than MAX_FUZZY_CHARS.

    Searching these through the unique/btree index costs a few ms and no memory, where
    scanning a million refs in Python costs tens of ms (DESIGN.md measured 16 ms / 450k).
    The alphabet follows the text: digits for numbers, digits and letters otherwise
    (lower case for ref keys).
    """
    if len(text) > MAX_FUZZY_CHARS:
        return []
    return list(islice(_variants(text, _KEY_ALNUM if lower else _ALNUM), max_variants))


def _variants(text: str, letters: str = _ALNUM) -> Iterator[str]:
    """Distinct one-edit variants, generated lazily: the cap stops the work, not a slice."""
    alphabet = string.digits if set(text) <= _DIGITS else letters + "".join(
        sorted(set(text) - set(letters)))
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

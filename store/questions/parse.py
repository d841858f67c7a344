"""A question in plain words -> a Question: command, order keys, customer words, dates, wants.

Rule-based and pure. Order keys reuse the lookup's classifier (store.lookup.plan), so
"SO-1042", "so 1042", "#1042", "PO 7781" and "1Z999AA10123456784" read the same here as in
/order. Dates come out first (store.questions.dates), so "Nov 20" never becomes order 20.
What is left after keys, dates, intent words and stopwords may name a customer.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import datetime

from store.lookup import CODE, DEFAULT_PREFIXES, MAX_KEYS, NUMBER, classify_token, is_ref_prefix
from store.questions import spanish
from store.questions.dates import find_dates
from store.views.questions import (
    ASK,
    BLOCKED,
    CANCELED,
    DELIVERED,
    ETA,
    FOLLOW,
    HELP,
    ITEMS,
    LATE,
    OPEN,
    SHIPPED,
    STATUS,
    TRACKING,
    UNFOLLOW,
    Key,
    Question,
)

_MENTION = re.compile(r"<[@!#][^>]*>")
_LINK = re.compile(r"<(?:https?://|mailto:)[^|>]*\|([^>]*)>|<((?:https?://|mailto:)[^>]*)>")
_UPS_SPACED = re.compile(r"\b1Z(?:[\s-]?[0-9A-Z]){16}\b", re.IGNORECASE)
_PUNCT = "?!¿¡.,;:()[]{}\"'`*_~“”‘’«»"
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_PREFIXES = {"so", "so#", "po", "po#", "#", "order", "order#", "ref", "no", "number", "no.",
             "num", "nr"}

_FOLLOW = re.compile(
    r"^(?:please\s+|pls\s+|can\s+you\s+|could\s+you\s+|por\s+favor,?\s+)?(?:follow|watch|"
    r"subscribe\s+to|keep\s+(?:me|us)\s+posted(?:\s+on)?|keep\s+an\s+eye\s+on|"
    r"notify\s+(?:me|us)|let\s+(?:me|us)\s+know|seguir|sigue|av[ií]s[ae]me(?:\s+de)?)\b",
    re.IGNORECASE)
_UNFOLLOW = re.compile(
    r"^(?:please\s+|pls\s+)?(?:unfollow|un-follow|unwatch|unsubscribe|mute|"
    r"stop\s+(?:following|watching|updates|updating|notifying|posting)|no\s+more\s+updates|"
    r"dej(?:ar|a)\s+de\s+seguir|no\s+sigas)\b",
    re.IGNORECASE)
_HELP = re.compile(r"^(?:help|\?|what\s+can\s+you\s+do\??|how\s+does\s+this\s+work\??|"
                   r"ayuda|¿?qu[eé]\s+puedes\s+hacer\??)$",
                   re.IGNORECASE)
_DOTTED_PO = re.compile(r"\bp\.\s?o\.?(?=[\s#:]|$)", re.IGNORECASE)
_LOOKALIKE_REF = re.compile(r"^([^\W\d_]{1,8}[-#:]?)([\dOoIl]{3,})$")
_LOOKALIKES = str.maketrans("OoIl", "0011")
_MINE = re.compile(r"\b(?:my\s+(?:accounts?|customers?|clients?|orders?)|"
                   r"mis\s+(?:cuentas|clientes|pedidos))\b", re.IGNORECASE)

WANTS = {
    LATE: {"late", "overdue", "delayed", "delay", "behind", "slipping", "slipped", "past-due"},
    BLOCKED: {"hold", "held", "blocked", "blocking", "stuck", "problem", "problems", "issue",
              "issues", "discrepancy", "discrepancies", "flagged", "holds", "holding"},
    OPEN: {"open", "outstanding", "pending", "unshipped", "unfulfilled"},
    CANCELED: {"canceled", "cancelled", "cancel", "cancellation"},
    SHIPPED: {"shipped", "ship", "ships", "shipping", "sent", "dispatched", "gone", "left",
              "out"},
    DELIVERED: {"delivered", "arrived", "arrive", "arriving", "delivery", "received"},
    TRACKING: {"tracking", "track", "trace", "tracknum", "waybill"},
    ETA: {"eta", "when", "expected", "expect", "due"},
    STATUS: {"status", "update", "updates", "news", "progress", "where", "wheres", "whereabouts"},
    ITEMS: {"items", "item", "products", "bought", "buy", "buys", "purchased", "contents"},
}
# "what did Globex order", "what has Acme ordered": the question is about the items.
_WHAT_ORDERED = re.compile(r"\bwhat\b(?:\s+\S+){0,6}?\s+(?:order|ordered|orders)\b",
                           re.IGNORECASE)
_INTENT = {word: want for want, words in WANTS.items() for word in words}
_INTENT_ES = {word: want for want, words in spanish.WANTS.items() for word in words}

# Kept inside a customer's name when they sit between two of its words.
CONNECTORS = frozenset({"and", "&", "of", "the", "und", "et", "y", "de", "la", "von", "van"})
STOPWORDS = frozenset("""
a an the of for from to in on at by with about into onto over under via per and or but nor
is are was were be been being am has have had having do does did done doing will would shall
should can could may might must what whats what's where wheres where's which who whos who's
whom whose when whens how hows how's why any anything anybody some something every all each
this that these those it its it's itself there theres there's their theirs they them here
me my mine we us our ours you your yours i i'm im he she his her him
order orders ordered ordering po pos purchase so ref refs status state statuses update updates
news info information details detail latest last recent recently lately new
please pls plz thanks thank thx ty hey hi hello yo ok okay cool great
tell show give check find look see get got know let lemme gimme need want wanted
still yet already now just only also too very really much many more most
not no yes nope yep up down out off back again soon today
happening happened going gone go goes went come came coming placed place put made
make submitted entered between since until before after during ask asking
wondering wonder question quick think guys folks team someone anyone
account accounts customer customers client clients
order's customer's account's
""".split())


_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(/\d{2,4})?(?![\d/])")


def _month_first(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Day-first slash dates ('3/4', '3/4/2026') as the date reader takes them (month first),
    and the pairs that quote them back as they were asked."""
    pairs: list[tuple[str, str]] = []

    def swap(m: re.Match) -> str:
        turned = f"{m.group(2)}/{m.group(1)}{m.group(3) or ''}"
        pairs.append((turned, m.group(0)))
        return turned
    return _SLASH_DATE.sub(swap, text), pairs


def parse_question(text: str, *, now: datetime,
                   prefixes: frozenset[str] = DEFAULT_PREFIXES, tz: str = "UTC",
                   day_first: bool = False) -> Question:
    """Read one message. `now` (UTC) anchors relative dates, read in the asker's zone `tz`;
    `prefixes`: the ref prefixes in use (store.refs.ref_prefixes), so 'HX 2001' and 'hx-2001'
    read as one ref. `day_first`: the asker writes 3/4 for the 3rd of April (Spanish)."""
    clean = clean_text(text)
    command, rest = _command(clean)
    if command == HELP:
        return Question(text=clean, command=HELP, keys=(), words="", dates=None,
                        wants=frozenset())
    mine = bool(_MINE.search(rest))
    rest = _MINE.sub(" ", rest)
    rest, said = spanish.english_dates(rest)
    swapped: list[tuple[str, str]] = []
    if day_first:
        rest, swapped = _month_first(rest)
    dates, rest = find_dates(rest, now, tz)
    if dates is not None and (said or swapped):  # quote the date as it was asked
        # Slash dates first: a Spanish phrase holds them as they were typed ('entre el 20/11').
        phrase = spanish.spanish_phrase(dates.phrase, swapped)
        dates = replace(dates, phrase=spanish.spanish_phrase(phrase, said))
    rest = _DOTTED_PO.sub("PO", rest)
    rest = _UPS_SPACED.sub(lambda m: re.sub(r"[\s-]", "", m.group(0)), rest)
    keys, words, wants = _tokens(rest, prefixes)
    if _WHAT_ORDERED.search(rest):
        wants.add(ITEMS)
    return Question(text=clean, command=command, keys=tuple(keys), words=" ".join(words),
                    dates=dates, wants=frozenset(wants), mine=mine)


def clean_text(text: str) -> str:
    """Slack's markup out: mentions gone, links to their label, &amp; back to &."""
    text = _LINK.sub(lambda m: m.group(1) or m.group(2), text or "")
    text = _MENTION.sub(" ", text)
    return " ".join(html.unescape(text).split())


def _command(text: str) -> tuple[str, str]:
    if not text or _HELP.match(text):
        return HELP, ""
    if m := _UNFOLLOW.match(text):
        return UNFOLLOW, text[m.end():]
    if m := _FOLLOW.match(text):
        return FOLLOW, text[m.end():]
    return ASK, text


def _tokens(text: str, prefixes: frozenset[str]) -> tuple[list[Key], list[str], set[str]]:
    keys: list[Key] = []
    words: list[str | None] = []  # None: a word that is not part of a name
    wants: set[str] = set()
    tokens = [spanish.KEY_WORDS.get(spanish.fold(t).lower(), t) for t in _split(text)]
    for token in (_digits(t, prefixes) for t in _glue(tokens, prefixes)):
        key = classify_token(token, prefixes)
        if key is not None and (key.kind != CODE or _is_key_worth_searching(key)):
            # (a short code like '3M' falls through: it may be a customer's name)
            if _is_key_worth_searching(key):
                keys.append(key)
            words.append(None)
            continue
        lowered = token.lower()
        folded = spanish.fold(lowered)
        want = _INTENT.get(lowered) or _INTENT_ES.get(folded)
        if want:
            wants.add(want)
        if lowered in CONNECTORS:
            words.append(token)
        elif (want is None and lowered not in STOPWORDS and folded not in spanish.STOPWORDS
              and len(lowered) > 1):
            words.append(token)
        else:
            words.append(None)
    return list(dict.fromkeys(keys))[:MAX_KEYS], _name_words(words), wants


def _name_words(words: list[str | None]) -> list[str]:
    """Name words, keeping 'and' / 'of' only between two of them ('Jones, Reed and Johnson',
    'Bank of America'): names match far better whole."""
    out = []
    for i, word in enumerate(words):
        if word is None:
            continue
        if word.lower() in CONNECTORS:
            before = words[i - 1] if i else None
            after = words[i + 1] if i + 1 < len(words) else None
            if not (before and after and before.lower() not in CONNECTORS
                    and after.lower() not in CONNECTORS):
                continue
        out.append(word)
    return out


def _split(text: str) -> list[str]:
    tokens = []
    for raw in re.split(r"\s+|,|(?<=\w)\?|/(?=\D)", text):
        token = _POSSESSIVE.sub("", raw.strip(_PUNCT)).strip(_PUNCT)
        if token:
            tokens.append(token)
    return tokens


def _digits(token: str, prefixes: frozenset[str]) -> str:
    """'SO-1O42' -> 'SO-1042': letters typed for the digits they look like, in a ref whose
    prefix is in use."""
    m = _LOOKALIKE_REF.match(token)
    if m is None or sum(c.isdigit() for c in m.group(2)) < 2 \
            or not is_ref_prefix(m.group(1), prefixes):
        return token
    return m.group(1) + m.group(2).translate(_LOOKALIKES)


def _glue(tokens: list[str], prefixes: frozenset[str]) -> list[str]:
    """'PO 7781', 'SO # 1042', 'order no. 1042', 'HX 2001' -> one key each."""
    out: list[str] = []
    for token in tokens:
        prefix = _prefix_run(out)
        if out and is_ref_prefix(out[-1], prefixes) and token.lstrip("#").isdigit() \
                and (prefix is None or prefix[0] != "PO"):
            out[-1] = out[-1].rstrip("#:-") + "-" + token.lstrip("#")
        elif prefix is not None and any(c.isdigit() for c in token):
            kind, count = prefix
            del out[len(out) - count:]
            body = token.lstrip("#:-")
            out.append(f"{kind}-{body}" if kind in ("SO", "PO") else f"#{body}")
        else:
            out.append(token)
    return out


def _prefix_run(out: list[str]) -> tuple[str, int] | None:
    """The key prefix the last tokens form ('po', 'po number', 'so #'), with its length."""
    run = []
    for token in reversed(out[-3:]):
        if token.lower().rstrip("#:") not in {p.rstrip("#") for p in _PREFIXES} and token != "#":
            break
        run.insert(0, token.lower().rstrip("#:"))
    if not run:
        return None
    kind = "PO" if "po" in run else "SO" if "so" in run else "#"
    if kind == "#" and not ({"order", "ref", "#", ""} & set(run)):
        return None  # 'number 5' alone is not a key prefix
    return kind, len(run)


def _is_key_worth_searching(key: Key) -> bool:
    """Short bare numbers are quantities ('3 orders'), not refs."""
    if key.kind == NUMBER:
        return len(key.value) >= 3
    if key.kind == CODE:
        return sum(c.isdigit() for c in key.value) >= 3 or len(key.value) >= 6
    return True

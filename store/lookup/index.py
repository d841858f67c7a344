"""The in-memory fuzzy index: distinct customer names, SKUs and product names.

rapidfuzz needs the strings in process memory; customers and products are small next
to orders (tens of thousands at a million orders), so we keep them here and let the
database join the winners to orders through its indexes. DESIGN.md "Fuzzy lookup".

Freshness: every fuzzy search reads the count of changes to customer and product names, which
triggers keep for every writer in every process (store.migrations.search_index: an insert, a
rename, a deletion), and rebuilds when it moved. Readers work on an immutable snapshot swapped
in under a lock, so this is thread-safe.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.db import Database
from store.models import Customer, Product, SearchIndexVersion

# Beyond this many distinct names, WRatio over all of them gets too slow (26-42 ms over 5k long
# multilingual names, bench/recall.py). Then candidates come from token_sort_ratio (top PREFILTER)
# plus names holding a word close to a query word (partial names like 'acme'), and only
# those are re-scored with WRatio.
WRATIO_MAX_NAMES = 2_000
PREFILTER = 50
MAX_POSTING = 5_000  # words in more names than this ('inc', 'group') narrow nothing
# Word against word: WRatio scores 'glbex' against 'globex corporation' 72 (the long name
# dilutes one dropped letter), fuzz.ratio against the word 'globex' 91. A query word this
# close to a name word (or to two adjacent ones glued: 'globexcorp') counts as that word;
# shorter query words must match exactly, where one edit is a different word ('acme'/'acne').
WORD_CUTOFF = 80.0
FUZZY_WORD_MIN = 4
WORD_HITS = 8  # close words per query word, enough for 'bearing' among catalog nouns
TIE_WINDOW = 4  # candidates per result re-ranked on ties
MAX_CLOSE_KEPT = 20_000  # query words whose close words a snapshot remembers
MAX_QUERY_WORDS = 20  # a name has a few words; the rest of a long query narrows nothing
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_KANA_VOICING = ("\u3099", "\u309a")  # part of the kana they mark (か/が): kept
# Letters with a stroke or a ligature have no decomposition: typed as their plain letters.
_PLAIN_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O",
                                "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
                                "ı": "i", "ħ": "h", "Ħ": "H", "þ": "th", "Þ": "Th", "ð": "d"})


def fold_marks(text: str) -> str:
    """Without accents and other combining marks: names are typed without them as often as
    with ('Nguyen Thuong Mai' for 'Nguyễn Thương Mại', 'Lodz' for 'Łódź'). Canonical
    decomposition and back, so Hangul syllables and kana keep their shape."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed
                   if not unicodedata.combining(c) or c in _KANA_VOICING)
    return unicodedata.normalize("NFC", kept).translate(_PLAIN_LETTERS)


def processed(text: str) -> str:
    """A name or query as the index compares them: marks folded, then rapidfuzz's lower case
    without punctuation."""
    return default_process(fold_marks(text))


def compact_sku(text: str) -> str:
    """'wid-1042 bl' -> 'WID1042BL': people drop or add dashes and spaces in SKUs."""
    return _NOT_ALNUM.sub("", text.upper())


@dataclass(frozen=True)
class Words:
    """The distinct words of a list of names, and adjacent pairs glued, with where each is."""
    words: list[str]
    postings: list[tuple[int, ...]]  # word -> indices of the names holding it
    at: dict[str, int] = field(default_factory=dict)  # word -> its index in words
    # query word -> its close words (_close_words), kept with the snapshot: names are typed
    # again and again, and most of a query's words are spelt right.
    close: dict[str, list] = field(default_factory=dict)

    @cached_property
    def by_length(self) -> tuple[list[int], list[str], list[int]]:
        """(lengths, words, each one's index in `words`), shortest first (_close_words)."""
        order = sorted(range(len(self.words)), key=lambda w: len(self.words[w]))
        return [len(self.words[w]) for w in order], [self.words[w] for w in order], order


@dataclass(frozen=True)
class Snapshot:
    signature: int  # the count of changes it was built at
    names: list[str]                   # distinct customer names, processed
    name_ids: list[tuple[int, ...]]    # customer ids carrying each name
    customers: dict[int, tuple[str, str]]  # id -> (code, name)
    skus: list[str]                    # compact SKUs
    sku_products: list[tuple[str, str, bool]]  # (sku, name, active) per compact SKU
    product_names: list[str]           # processed product names, parallel to sku_products
    name_words: Words = field(default_factory=lambda: Words([], [], {}))
    product_words: Words = field(default_factory=lambda: Words([], [], {}))
    shared_skus: frozenset[str] = frozenset()  # compact SKUs that more than one SKU gives

    @cached_property
    def _sku_at(self) -> dict[str, int]:
        return {compact: i for i, compact in enumerate(self.skus)}

    def catalog_sku(self, typed: str) -> str | None:
        """The catalog's SKU that `typed` spells another way ('wid1042bl', 'WID 1042-BL' for
        'WID-1042-BL'), when it names exactly one product."""
        compact = compact_sku(typed)
        at = self._sku_at.get(compact)
        return None if at is None or compact in self.shared_skus else self.sku_products[at][0]

    @cached_property
    def sorted_names(self) -> list[str]:
        """Each name's words sorted, joined by a space: fuzz.token_sort_ratio is fuzz.ratio
        of exactly these, so the prefilter sorts the names once, not on every lookup (1.4 of
        a 1M lookup's 2.8 ms CPU was token_sort_ratio sorting 4,679 names' words again)."""
        return [_sorted_words(name) for name in self.names]


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


class _Holder:
    def __init__(self):
        self.lock = threading.Lock()
        self.snapshot: Snapshot | None = None


_holders: weakref.WeakKeyDictionary[Database, _Holder] = weakref.WeakKeyDictionary()
_holders_lock = threading.Lock()


def _holder(db: Database) -> _Holder:
    with _holders_lock:
        holder = _holders.get(db)
        if holder is None:
            holder = _holders[db] = _Holder()
        return holder


def invalidate(db: Database) -> None:
    """Drop the snapshot: the next search builds it again (after changing how it is built)."""
    holder = _holder(db)
    with holder.lock:
        holder.snapshot = None


def snapshot(db: Database, session: Session | None = None) -> Snapshot:
    """The current index, rebuilt first if the tables changed since it was built.

    Pass the caller's session when one is open: a second transaction on the one shared
    connection of an in-memory SQLite database would fail."""
    if session is None:
        with db.read() as own:
            return snapshot(db, own)
    holder = _holder(db)
    # Core on the session's connection: no ORM execute path. No row yet: nothing changed.
    signature = session.connection().execute(_VERSION).scalar() or 0
    current = holder.snapshot
    if current is not None and current.signature == signature:
        return current
    with holder.lock:
        current = holder.snapshot
        if current is None or current.signature != signature:
            current = holder.snapshot = _build(session, signature)
        return current


# Built once (a statement keeps its cache key): it runs on every fuzzy lookup.
_VERSION = select(SearchIndexVersion.version).where(SearchIndexVersion.id == 1)


def _build(session: Session, signature: int) -> Snapshot:
    customer_rows = session.execute(select(Customer.id, Customer.code, Customer.name)).all()
    product_rows = session.execute(
        select(Product.sku, Product.name, Product.active).order_by(Product.id)
    ).all()
    by_name: dict[str, list[int]] = {}
    for cid, _code, name in customer_rows:
        by_name.setdefault(processed(name or ""), []).append(cid)
    by_sku: dict[str, tuple[str, str, bool]] = {}
    shared = set()
    for sku, name, active in product_rows:
        compact = compact_sku(sku)
        if compact in by_sku:
            shared.add(compact)
        by_sku.setdefault(compact, (sku, name, bool(active)))
    names = list(by_name)
    product_names = [processed(name or "") for _sku, name, _a in by_sku.values()]
    return Snapshot(
        signature=signature,
        names=names, name_words=_word_index(names),
        name_ids=[tuple(ids) for ids in by_name.values()],
        customers={cid: (code, name) for cid, code, name in customer_rows},
        skus=list(by_sku),
        sku_products=list(by_sku.values()),
        product_names=product_names, product_words=_word_index(product_names),
        shared_skus=frozenset(shared),
    )


def _word_index(names: list[str]) -> Words:
    index: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        split = name.split()
        glued = [a + b for a, b in pairwise(split)]
        for word in dict.fromkeys(split + glued):
            index.setdefault(word, []).append(i)
    words = list(index)
    return Words(words, [tuple(ids) for ids in index.values()],
                 {w: i for i, w in enumerate(words)})


def match_names(snap: Snapshot, query: str, *, limit: int,
                cutoff: float) -> list[tuple[int, float]]:
    """(index into snap.names, score), best first: the better of WRatio on the whole name (as
    DESIGN.md measured) and the query's words against the name's words."""
    text = processed(query)
    if not text or not snap.names:
        return []
    by_words = _word_scores(snap.name_words, text)
    if len(snap.names) <= WRATIO_MAX_NAMES:
        choices: list[str] | dict[int, str] = snap.names
    else:
        # fuzz.token_sort_ratio(text, name) == fuzz.ratio of both sorted: same scores, order.
        pool = {i for _n, _s, i in process.extract(
            _sorted_words(text), snap.sorted_names, scorer=fuzz.ratio, processor=None,
            limit=PREFILTER)}
        pool.update(sorted(by_words, key=by_words.__getitem__, reverse=True)[:PREFILTER])
        choices = {i: snap.names[i] for i in pool}
    return _best(snap.names, text, by_words,
                 process.extract(text, choices, scorer=fuzz.WRatio, processor=None,
                                 limit=limit, score_cutoff=cutoff), limit, cutoff)


def _word_scores(index: Words, text: str) -> dict[int, float]:
    """Name index -> the mean over the query's words of each one's best fuzz.ratio against
    the name's words (0 for a word it lacks): 'blue bearing' is 100 for 'compact bearing
    3854 blue', 50 for 'blue motor'."""
    query_words = list(dict.fromkeys(text.split()))[:MAX_QUERY_WORDS]
    total: dict[int, float] = {}
    for word in query_words:
        if len(word) < FUZZY_WORD_MIN:
            hits = [(word, 100.0, index.at[word])] if word in index.at else []
        else:
            hits = _close_words(index, word)
        best: dict[int, float] = {}
        for _w, score, w in hits:  # best first: a name keeps its closest word's score
            postings = index.postings[w]
            if len(postings) > MAX_POSTING:
                continue
            if best:
                best.update(dict.fromkeys((i for i in postings if i not in best), score))
            else:  # the closest word's names, in C (a common word is in hundreds of names)
                best = dict.fromkeys(postings, score)
        if total:
            add = total.get
            for i, score in best.items():
                total[i] = add(i, 0.0) + score
        else:
            total = best
    count = len(query_words)
    return {i: score / count for i, score in total.items()}


def _close_words(index: Words, word: str) -> list:
    """The words of `index` within WORD_CUTOFF of `word`, best first, as process.extract over
    all of them gives them (ties in the order of `words`), remembered for this snapshot's
    lifetime. fuzz.ratio is at most 200 × the shorter length / both lengths, so only words
    from 2/3 to 3/2 of the word's length can reach 80: those are read, as a slice of the words
    by length (the 1M seed's 7,893 name words: 0.39 -> 0.27 ms a word)."""
    hits = index.close.get(word)
    if hits is None:
        lengths, words, at = index.by_length
        share = WORD_CUTOFF / 100
        lo = bisect_left(lengths, len(word) * share / (2 - share) - 1e-9)
        hi = bisect_right(lengths, len(word) * (2 - share) / share + 1e-9)
        found = process.extract(word, words[lo:hi], scorer=fuzz.ratio, processor=None,
                                limit=None, score_cutoff=WORD_CUTOFF)
        hits = sorted(((w, score, at[lo + i]) for w, score, i in found),
                      key=lambda hit: (-hit[1], hit[2]))[:WORD_HITS]
        if len(index.close) >= MAX_CLOSE_KEPT:  # a long-lived process: drop the lot, not grow
            index.close.clear()
        index.close[word] = hits
    return hits


def _best(names: list[str], text: str, by_words: dict[int, float], whole: list, limit: int,
          cutoff: float) -> list[tuple[int, float]]:
    """The better of both scores per name, best first; among equal scores the name closest to
    the query as a whole ('olympos emporiki' before 'olympos emporiki a e')."""
    scores = {i: s for i, s in by_words.items() if s >= cutoff}
    for _n, score, i in whole:
        scores[i] = max(scores.get(i, 0.0), score)
    top = sorted(scores.items(), key=lambda kv: -kv[1])[:limit * TIE_WINDOW]
    top.sort(key=lambda kv: (-kv[1], -fuzz.ratio(text, names[kv[0]]), kv[0]))
    return top[:limit]


def match_skus(snap: Snapshot, query: str, *, limit: int, cutoff: float) -> list[tuple[int, float]]:
    """(index into snap.skus, score), best first; fuzz.ratio over compact SKUs."""
    text = compact_sku(query)
    if not text or not snap.skus:
        return []
    hits = process.extract(text, snap.skus, scorer=fuzz.ratio, processor=None,
                           limit=limit, score_cutoff=cutoff)
    return [(i, s) for _n, s, i in hits]


def match_product_names(snap: Snapshot, query: str, *, limit: int,
                        cutoff: float) -> list[tuple[int, float]]:
    """(index into snap.product_names, score), best first, as match_names scores."""
    text = processed(query)
    if not text or not snap.product_names:
        return []
    whole = process.extract(text, snap.product_names, scorer=fuzz.WRatio, processor=None,
                            limit=limit, score_cutoff=cutoff)
    return _best(snap.product_names, text, _word_scores(snap.product_words, text), whole,
                 limit, cutoff)

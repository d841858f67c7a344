"""The in-memory fuzzy index: distinct customer names, SKUs and product names.

rapidfuzz needs the strings in process memory; customers and products are small next
to orders (tens of thousands at a million orders), so we keep them here and let the
database join the winners to orders through its indexes. DESIGN.md "Fuzzy lookup".

Freshness: every fuzzy search compares max(id) of both tables (an index probe), and at most
every CHECK_SECONDS also the row counts; a write that renames things calls invalidate().
Readers work on an immutable snapshot swapped in under a lock, so this is thread-safe.
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.db import Database
from store.models import Customer, Product

CHECK_SECONDS = 5.0
# Beyond this many distinct names, WRatio over all of them gets too slow (DESIGN.md: 32 ms
# over 57k). Then candidates come from token_sort_ratio (whole-name typos, top PREFILTER)
# plus names holding a word close to a query word (partial names like 'acme'), and only
# those are re-scored with WRatio.
WRATIO_MAX_NAMES = 60_000
PREFILTER = 50
MAX_POSTING = 5_000  # words in more names than this ('inc', 'group') narrow nothing
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def compact_sku(text: str) -> str:
    """'wid-1042 bl' -> 'WID1042BL': people drop or add dashes and spaces in SKUs."""
    return _NOT_ALNUM.sub("", text.upper())


@dataclass(frozen=True)
class Snapshot:
    signature: tuple
    names: list[str]                   # distinct customer names, processed
    name_ids: list[tuple[int, ...]]    # customer ids carrying each name
    customers: dict[int, tuple[str, str]]  # id -> (code, name)
    skus: list[str]                    # compact SKUs
    sku_products: list[tuple[str, str, bool]]  # (sku, name, active) per compact SKU
    product_names: list[str]           # processed product names, parallel to sku_products
    words: list[str] = field(default_factory=list)  # distinct name words (large sets only)
    postings: list[tuple[int, ...]] = field(default_factory=list)  # word -> name indices


class _Holder:
    def __init__(self):
        self.lock = threading.Lock()
        self.snapshot: Snapshot | None = None
        self.counts_checked_at = 0.0
        self.counts: tuple | None = None


_holders: weakref.WeakKeyDictionary[Database, _Holder] = weakref.WeakKeyDictionary()
_holders_lock = threading.Lock()


def _holder(db: Database) -> _Holder:
    with _holders_lock:
        holder = _holders.get(db)
        if holder is None:
            holder = _holders[db] = _Holder()
        return holder


def invalidate(db: Database) -> None:
    """Call after writes that add, rename or remove customers or products."""
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
    signature = _signature(session, holder)
    current = holder.snapshot
    if current is not None and current.signature == signature:
        return current
    with holder.lock:
        current = holder.snapshot
        if current is None or current.signature != signature:
            current = holder.snapshot = _build(session, signature)
        return current


# Built once (a statement keeps its cache key): one of them runs on every fuzzy lookup.
_MAXIMA = select(select(func.max(Customer.id)).scalar_subquery(),
                 select(func.max(Product.id)).scalar_subquery())
_COUNTS = select(select(func.count()).select_from(Customer).scalar_subquery(),
                 select(func.count()).select_from(Product).scalar_subquery())


def _signature(session: Session, holder: _Holder) -> tuple:
    now = time.monotonic()
    maxima = tuple(session.execute(_MAXIMA).one())
    if holder.counts is None or now - holder.counts_checked_at >= CHECK_SECONDS:
        # Deletes don't move max(id); counts catch them, checked less often.
        holder.counts = tuple(session.execute(_COUNTS).one())
        holder.counts_checked_at = now
    return maxima + holder.counts


def _build(session: Session, signature: tuple) -> Snapshot:
    customer_rows = session.execute(select(Customer.id, Customer.code, Customer.name)).all()
    product_rows = session.execute(
        select(Product.sku, Product.name, Product.active).order_by(Product.id)
    ).all()
    by_name: dict[str, list[int]] = {}
    for cid, _code, name in customer_rows:
        by_name.setdefault(default_process(name or ""), []).append(cid)
    by_sku: dict[str, tuple[str, str, bool]] = {}
    for sku, name, active in product_rows:
        by_sku.setdefault(compact_sku(sku), (sku, name, bool(active)))
    names = list(by_name)
    words, postings = _word_index(names) if len(names) > WRATIO_MAX_NAMES else ([], [])
    return Snapshot(
        signature=signature,
        names=names, words=words, postings=postings,
        name_ids=[tuple(ids) for ids in by_name.values()],
        customers={cid: (code, name) for cid, code, name in customer_rows},
        skus=list(by_sku),
        sku_products=list(by_sku.values()),
        product_names=[default_process(name or "") for _sku, name, _a in by_sku.values()],
    )


def _word_index(names: list[str]) -> tuple[list[str], list[tuple[int, ...]]]:
    index: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        for word in set(name.split()):
            index.setdefault(word, []).append(i)
    return list(index), [tuple(ids) for ids in index.values()]


def match_names(snap: Snapshot, query: str, *, limit: int,
                cutoff: float) -> list[tuple[int, float]]:
    """(index into snap.names, score), best first, WRatio as DESIGN.md measured."""
    text = default_process(query)
    if not text or not snap.names:
        return []
    if len(snap.names) <= WRATIO_MAX_NAMES:
        hits = process.extract(text, snap.names, scorer=fuzz.WRatio, processor=None,
                               limit=limit, score_cutoff=cutoff)
        return [(i, s) for _n, s, i in hits]
    pool = {i for _n, _s, i in process.extract(text, snap.names, scorer=fuzz.token_sort_ratio,
                                                processor=None, limit=PREFILTER)}
    for word in set(text.split()):
        if len(word) < 2:
            continue
        for _w, _s, w in process.extract(word, snap.words, scorer=fuzz.ratio, processor=None,
                                         limit=5, score_cutoff=80):
            if len(snap.postings[w]) <= MAX_POSTING:
                pool.update(snap.postings[w])
    hits = process.extract(text, {i: snap.names[i] for i in pool}, scorer=fuzz.WRatio,
                           processor=None, limit=limit, score_cutoff=cutoff)
    return [(i, s) for _n, s, i in hits]


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
    text = default_process(query)
    if not text or not snap.product_names:
        return []
    hits = process.extract(text, snap.product_names, scorer=fuzz.WRatio, processor=None,
                           limit=limit, score_cutoff=cutoff)
    return [(i, s) for _n, s, i in hits]

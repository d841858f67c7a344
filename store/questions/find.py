"""Which orders a question is about: by key (exact, then one typo), or by customer, dates and
filters. Index probes only (store.lookup.probes), plus rapidfuzz over the in-memory customer
names (store.lookup.index), as DESIGN.md "Fuzzy lookup" measured."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.enums import OrderStatus
from store.lookup import (
    CODE,
    MAX_WORDS,
    Snapshot,
    customers_by_code,
    exact_order_hits,
    match_names,
    near_order_hits,
    processed,
)
from store.models import Customer, Order
from store.questions.facts import is_blocked_clause, is_late_clause, is_open_clause
from store.views.questions import BLOCKED, CANCELED, LATE, OPEN, DateRange, Key

NAME_CUTOFF = 80.0      # whole leftover words vs customer names (WRatio)
WORD_CUTOFF = 86.0      # one word at a time, when the whole phrase matched nothing
TIE_MARGIN = 3.0        # names scoring this close to the best are equally likely
TIEBREAK_MARGIN = 10.0  # ...unless one matches the whole words this much better
MATCH_LIMIT = 20        # names taken from the fuzzy index before breaking ties
COUNT_CAP = 1000        # count matching orders up to here; beyond, say "1,000+"
MAX_CUSTOMERS = 5


@dataclass
class Found:
    """Orders a question is about, and what to say about how they were found."""

    ids: list[int] = field(default_factory=list)
    matched: dict[int, str] = field(default_factory=dict)
    ambiguous: bool = False
    total: int = 0
    floor: bool = False
    customers: list[str] = field(default_factory=list)
    fallback: bool = False  # nothing matched the dates / filters: these are the latest instead
    notes: list[str] = field(default_factory=list)
    by_keys: bool = False  # the orders are those the question's refs, POs or tracking name
    undated: bool = False  # the date it seemed to ask for was the first word of a name

    def add(self, oid: int, phrase: str) -> None:
        if oid not in self.matched:
            self.ids.append(oid)
            self.matched[oid] = phrase


def orders_by_keys(session: Session, keys: tuple[Key, ...], limit: int,
                   prefixes: frozenset[str] = frozenset()) -> Found:
    """Exact hits for every key; a key with none gets its one-typo neighbours. `prefixes`:
    the ref prefixes in use (a bare '1001' may be WEB-1001)."""
    found = Found(by_keys=True)
    for key in keys:
        exact = _one_ref_if_spelt(key, exact_order_hits(session, key, limit, prefixes))
        if sum(phrase.startswith("order ref ") for _oid, phrase in exact) > 1:
            found.ambiguous = True  # '1001': WEB-1001 or #1001?
        for oid, phrase in exact:
            found.add(oid, phrase)
        if exact:
            continue
        near = near_order_hits(session, key, limit, prefixes)
        if key.kind == CODE and not near:
            continue  # a code may be a customer's; the caller tries that
        if len({oid for oid, _ in near}) > 1:
            found.ambiguous = True
        elif near:
            found.notes.append(f"Nothing is exactly '{key.text}'; this is the closest")
        for oid, phrase in near:
            found.add(oid, phrase)
        if not near:
            found.notes.append(f"No order, PO or tracking number '{key.text}'")
    found.total = len(found.ids)
    return found


def _one_ref_if_spelt(key: Key, hits: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """'#1001' typed as stored names that order, though WEB-1001 ends so too."""
    spelt = f"order ref {key.text}".casefold()
    if key.text.isdigit() or sum(p.casefold() == spelt for _o, p in hits) != 1:
        return hits
    return [(oid, p) for oid, p in hits
            if p.casefold() == spelt or not p.startswith("order ref ")]


@dataclass(frozen=True)
class CustomerHit:
    id: int
    name: str
    score: float


def match_customers(session: Session, snap: Snapshot, words: str,
                    codes: tuple[str, ...] = ()) -> list[CustomerHit]:
    """Customers the words name, best first: exact codes, then the phrase, then single words."""
    hits: dict[int, CustomerHit] = {}
    for cid, _code, name in customers_by_code(session, *codes, *words.split()):
        hits[cid] = CustomerHit(cid, name, 100.0)
    if hits:
        return list(hits.values())
    _add_names(hits, snap, words, NAME_CUTOFF)
    if not hits:
        long_words = dict.fromkeys(word for word in words.split() if len(word) >= 4)
        for word in list(long_words)[:MAX_WORDS]:  # a real question names a few, not hundreds
            _add_names(hits, snap, word, WORD_CUTOFF)
    return sorted(hits.values(), key=lambda h: (-h.score, h.name, h.id))


def _add_names(hits: dict, snap: Snapshot, text: str, cutoff: float) -> None:
    for i, score in match_names(snap, text, limit=MATCH_LIMIT, cutoff=cutoff):
        for cid in snap.name_ids[i]:
            if cid not in hits or hits[cid].score < score:
                hits[cid] = CustomerHit(cid, snap.customers[cid][1], round(float(score), 1))


def likely(hits: list[CustomerHit], words: str = "") -> list[CustomerHit]:
    """The best hit and those tied with it: more than one means the name is ambiguous.

    WRatio scores a partial match ('Jones Group' in 'Jones, Reed and Jonhson') as high as
    a whole one with a typo; among tied names, a clear winner on the whole words wins."""
    if not hits:
        return []
    best = hits[0].score
    tied = [h for h in hits if h.score >= best - TIE_MARGIN]
    if len(tied) > 1 and words:
        text = processed(words)
        ranked = sorted(((fuzz.token_set_ratio(text, processed(h.name)), h)
                         for h in tied), key=lambda pair: -pair[0])
        if ranked[0][0] - ranked[1][0] >= TIEBREAK_MARGIN:
            return [ranked[0][1]]
    return tied[:MAX_CUSTOMERS]


def select_orders(session: Session, *, today: date, customer_ids: list[int] | None = None,
                  rep_id: str | None = None, dates: DateRange | None = None,
                  filters: tuple[str, ...] = (), limit: int = 10) -> tuple[list[int], int, bool]:
    """Newest first: (ids up to `limit`, how many match (capped), whether the count was capped).

    A status filter over every account ("anything late?") is not counted: at a million
    orders that scan costs ~100 ms for a number nobody needs; the answer says "more"."""
    stmt = select(Order.id)
    if customer_ids is not None:
        stmt = stmt.where(Order.customer_id.in_(customer_ids))
    if rep_id is not None:
        stmt = stmt.where(Order.customer_id.in_(
            select(Customer.id).where(Customer.sales_rep_id == rep_id)))
    if dates is not None and dates.start is not None:
        stmt = stmt.where(Order.ordered_at >= dates.start)
    if dates is not None and dates.end is not None:
        stmt = stmt.where(Order.ordered_at < dates.end)
    for name in filters:
        stmt = stmt.where(_FILTERS[name](today))
    ids = list(session.scalars(stmt.order_by(Order.ordered_at.desc(), Order.id.desc())
                               .limit(limit + 1)))
    if len(ids) <= limit:
        return ids, len(ids), False
    ids = ids[:limit]
    if filters and customer_ids is None and rep_id is None:
        return ids, limit, True
    total = session.scalar(select(func.count()).select_from(
        stmt.limit(COUNT_CAP + 1).subquery()))
    return ids, min(total, COUNT_CAP), total > COUNT_CAP


_FILTERS = {
    LATE: is_late_clause,
    BLOCKED: lambda _today: is_blocked_clause(),
    OPEN: lambda _today: is_open_clause(),
    # lower(): as in question_facts._active, keep SQLite off the status index.
    CANCELED: lambda _today: func.lower(Order.status) == OrderStatus.CANCELED.value,
}

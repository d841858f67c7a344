"""Finding orders, customers and products from whatever a person typed.

Routed as DESIGN.md measured: classify the query (store.lookup.plan), probe the exact
indexes, then one-typo neighbours of refs / PO / tracking numbers through the same
indexes, fuzz.ratio over distinct SKUs and WRatio over distinct customer names in
memory (store.lookup.index), and join the winners to orders through indexes.
"""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from store.db import Database
from store.lookup import probes
from store.lookup.index import (
    Snapshot,
    compact_sku,
    match_names,
    match_product_names,
    match_skus,
    snapshot,
)
from store.lookup.plan import (
    CODE,
    NUMBER,
    PO,
    REF,
    TRACKING,
    Plan,
    check_length,
    classify,
    glue_prefixes,
)
from store.models import Order, OrderLine
from store.records import (
    candidates,
    candidates_of_customers,
    read_order_view,
    read_order_views,
)
from store.refs import ref_prefixes
from store.views.orders import (
    Candidate,
    CustomerMatch,
    LookupResult,
    OrderView,
    ProductMatch,
)
from store.views.questions import Key

EXACT, NEAR = 100.0, 90.0
NAME_CUTOFF = 75.0
SKU_CUTOFF = 80.0
PRODUCT_SKU_CUTOFF = 70.0

_SEARCHED = {
    REF: ("order refs",),
    NUMBER: ("order refs", "PO numbers", "SKUs", "customer codes"),
    PO: ("PO numbers",),
    TRACKING: ("order refs", "tracking numbers", "PO numbers"),
    CODE: ("order refs", "PO numbers", "SKUs", "customer codes"),
}


PAGE_SIZE = 5  # candidates a page


def find_orders(db: Database, *, query: str, limit: int = PAGE_SIZE, offset: int = 0
                ) -> LookupResult:
    """The one order the query names exactly, else up to `limit` ranked candidates from
    `offset` on, with how many there are in all. Raises InputTooLong beyond MAX_QUERY_CHARS."""
    offset = max(0, offset)
    check_length(query.strip(), "lookup")
    if not query.split():
        return LookupResult(query=query.strip(), exact=None, candidates=(), searched=())
    with db.read() as session:
        prefixes = ref_prefixes(session)
        plan = classify(query, prefixes)
        search = _OrderSearch(db, session, plan, offset + limit, prefixes)
        if (view := search.lone_ref_card()) is not None:
            return LookupResult(plan.text, view, (), search.searched_phrases())
        exact_id = search.run()
        if exact_id is not None:
            view = read_order_view(session, plan.text, order_id=exact_id)
            return LookupResult(plan.text, view, (), search.searched_phrases())
        found, total = search.candidates()
    ranked = sorted(found, key=lambda c: (-c.score, -c.ordered_at.timestamp()))
    return LookupResult(plan.text, None, tuple(ranked[offset:offset + limit]),
                        search.searched_phrases(), total=total, offset=offset)


class _OrderSearch:
    """One lookup's state: what was searched, and the scored hits so far."""

    def __init__(self, db: Database, session: Session, plan: Plan, limit: int,
                 prefixes: frozenset[str]):
        self.db, self.session, self.plan, self.limit = db, session, plan, limit
        self.prefixes = prefixes
        self._snap: Snapshot | None = None
        self.searched: dict[str, None] = {}
        self.orders: dict[int, tuple[float, str]] = {}
        self.customers: dict[int, tuple[float, str]] = {}
        self.skus: dict[str, tuple[float, str]] = {}
        # How many orders the keys match exactly, beyond the `limit` newest of each read (a PO
        # on dozens of orders); forgotten when the orders are narrowed down.
        self.exact_total = 0

    @property
    def snap(self) -> Snapshot:
        """The fuzzy index, fetched only when a fuzzy step runs (refs and POs never need it)."""
        if self._snap is None:
            self._snap = snapshot(self.db, self.session)
        return self._snap

    def searched_phrases(self) -> tuple[str, ...]:
        return tuple(self.searched)

    def lone_ref_card(self) -> OrderView | None:
        """A query that is one order ref and nothing else ('SO-1042', the busiest kind): the
        card's own query is the probe, one round trip fewer. None unless exactly one order
        has the ref; run() then searches as usual."""
        if self.plan.words or [key.kind for key in self.plan.keys] != [REF]:
            return None
        views = read_order_views(self.session, keys=[self.plan.keys[0].value])
        if len(views) != 1:
            return None
        self._note(*_SEARCHED[REF])
        return views[0]

    def run(self) -> int | None:
        """Collect hits; return an order id when exactly one order matches exactly."""
        for key in self.plan.keys:
            self._note(*_SEARCHED[key.kind])
            if key.kind not in (REF, PO) and len(key.value) >= 8:
                self._note("tracking numbers")
            hits, matched = probes.exact_order_matches(self.session, key, self.limit,
                                                       self.prefixes)
            for oid, phrase in hits:
                self._add_order(oid, EXACT, phrase)
            self.exact_total = max(self.exact_total, matched)
        if self.plan.words:
            self._match_words(self.plan.words)
        if len(self.orders) > 1 and self.customers:
            self._narrow_orders_to_customers()
        if len(self.orders) > 1 and len(self.plan.keys) == 1 and not self.plan.words \
                and not self.plan.keys[0].text.isdigit():
            self._prefer_ref_spelt_as_typed(self.plan.keys[0].text)
        if len(self.orders) == 1:
            return next(iter(self.orders))
        if not self.orders:
            self._match_keys_loosely()
            if len(self.orders) > 1 and self.customers:
                self._narrow_orders_to_customers()
        if not self.orders and not self.customers and not self.skus and self.plan.keys:
            self._match_words(self.plan.text)  # '3M', '7-Eleven': a name that looked like a key
        return None

    def _prefer_ref_spelt_as_typed(self, text: str) -> None:
        """'#1001' typed as Shopify stored it opens that order, though WEB-1001 ends so too
        (a bare '1001' says nothing about which, so it stays two candidates)."""
        spelt = [oid for oid, (_s, phrase) in self.orders.items()
                 if phrase.casefold() == f"order ref {text}".casefold()]
        if len(spelt) == 1:
            self.orders, self.exact_total = {spelt[0]: self.orders[spelt[0]]}, 0

    def _match_keys_loosely(self) -> None:
        found = False
        for key in self.plan.keys:
            if key.kind in (NUMBER, CODE):
                found |= self._match_sku(key)
                found |= self._match_customer_code(key.text)
        if found:
            return
        for key in self.plan.keys:
            for oid, phrase in probes.near_order_hits(self.session, key, self.limit,
                                                      self.prefixes):
                self._add_order(oid, NEAR, phrase)

    def _match_sku(self, key: Key) -> bool:
        exact = probes.skus_in_orders(self.session, key.text)
        for sku in exact:
            self.skus[sku] = (EXACT, f"SKU {sku}")
        if exact:
            return True
        hits = match_skus(self.snap, key.text, limit=self.limit, cutoff=SKU_CUTOFF)
        for i, score in hits:
            sku = self.snap.sku_products[i][0]
            exact = self.snap.skus[i] == compact_sku(key.text)
            phrase = f"SKU {sku}" if exact else f"SKU {sku} ~ '{key.text}'"
            self.skus.setdefault(sku, (EXACT if exact else score, phrase))
        return bool(hits)

    def _match_customer_code(self, text: str) -> bool:
        rows = probes.customers_by_code(self.session, text)
        for cid, code, _name in rows:
            self.customers[cid] = (EXACT, f"customer code {code}")
        return bool(rows)

    def _match_words(self, words: str) -> None:
        self._note("customer codes", "customer names")
        if " " not in words:
            if self._match_customer_code(words):
                return
            for sku in probes.catalog_skus(self.session, words):  # 'CLP-BK-SS': no digits
                self.skus[sku] = (EXACT, f"SKU {sku}")
        for i, score in match_names(self.snap, words, limit=self.limit, cutoff=NAME_CUTOFF):
            for cid in self.snap.name_ids[i]:
                self.customers.setdefault(cid, (score, f"customer name ~ '{words}'"))

    def _narrow_orders_to_customers(self) -> None:
        owners = probes.customer_of_orders(self.session, self.orders)
        kept = {oid: hit for oid, hit in self.orders.items() if owners.get(oid) in self.customers}
        if kept:
            self.orders, self.exact_total = kept, 0

    def _add_order(self, oid: int, score: float, phrase: str) -> None:
        if oid not in self.orders or self.orders[oid][0] < score:
            self.orders[oid] = (score, phrase)

    def _note(self, *phrases: str) -> None:
        for phrase in phrases:
            self.searched.setdefault(phrase)

    def candidates(self) -> tuple[list[Candidate], int]:
        """Every candidate worth showing, unsorted, and how many orders they come from in all
        (the lists are capped)."""
        if not self.orders and self.customers and not self.skus:  # a name: one statement
            return candidates_of_customers(self.session, _top(self.customers, self.limit),
                                           self.limit)
        found = candidates(self.session, self._scored())
        return found, max(len(found), self._total())

    def _scored(self) -> list[tuple[int, float, str]]:
        """(order id, score, matched_on) for every candidate worth showing, unsorted."""
        if self.orders:
            return [(oid, s, p) for oid, (s, p) in self.orders.items()]
        top_customers = _top(self.customers, self.limit)
        top_skus = _top(self.skus, self.limit)
        if top_customers and top_skus:
            both = self._orders_of_customers_with_skus(top_customers, top_skus)
            if both:
                return both
        out = []
        for cid, oid in probes.newest_orders_of_customers(self.session, list(top_customers),
                                                          self.limit):
            score, phrase = top_customers[cid]
            out.append((oid, score, phrase))
        for sku, (score, phrase) in top_skus.items():
            for oid in probes.newest_orders_with_skus(self.session, sku, self.limit):
                out.append((oid, score, phrase))
        return out

    def _total(self) -> int:
        """How many orders the candidates come from, but for a name alone (candidates())."""
        if self.orders:
            return max(len(self.orders), self.exact_total)
        customers = list(_top(self.customers, self.limit))
        skus = list(_top(self.skus, self.limit))
        if not skus:
            return 0
        conn = self.session.connection()
        params = {"customers": customers, "skus": skus}
        if customers:
            both = conn.execute(_COUNT_BOTH, params).scalar()
            if both:
                return int(both)
            return int(conn.execute(_COUNT_EITHER_NONE_BOTH, params).scalar() or 0)
        return int(conn.execute(_COUNT_WITH_SKUS, params).scalar() or 0)

    def _orders_of_customers_with_skus(self, customers: dict, skus: dict) -> list:
        out = []
        for sku, (sku_score, sku_phrase) in skus.items():
            owners = probes.customer_of_orders(self.session, probes.newest_orders_with_skus(
                self.session, sku, self.limit, customer_ids=list(customers)))
            for oid, cid in owners.items():
                score, phrase = customers[cid]
                out.append((oid, (score + sku_score) / 2, f"{phrase} + {sku_phrase}"))
        return out


# Built once, run on the connection: building these per lookup and the ORM's execute path
# cost more than the counts themselves (a name and a SKU run one or two).
_OF_CUSTOMERS = Order.customer_id.in_(bindparam("customers", expanding=True))
_WITH_SKUS = Order.id.in_(select(OrderLine.order_id)
                          .where(OrderLine.sku.in_(bindparam("skus", expanding=True))))
# count(*), not count(distinct id): these select from orders alone (the SKU test is a
# subquery in WHERE, no join), so each order is one row already, and PostgreSQL's distinct
# sorts every matching id (a customer's ~200 orders, 2-3x the count's time).
_COUNT = select(func.count()).select_from(Order)
_COUNT_BOTH = _COUNT.where(_OF_CUSTOMERS, _WITH_SKUS)
# A SKU alone: its lines' distinct orders, from the (sku, order_id) index alone (every line's
# order exists); through the orders, PostgreSQL probed their key once per order (a popular
# SKU at 1M orders: 73-135 ms, 3-4 ms this way).
_COUNT_WITH_SKUS = select(func.count(func.distinct(OrderLine.order_id))).where(
    OrderLine.sku.in_(bindparam("skus", expanding=True)))
# The customers' orders or the SKUs' when no order is both: the sum of the two counts, each an
# index read (as one OR over the orders, PostgreSQL read ~150 ms at 1M orders).
_COUNT_EITHER_NONE_BOTH = select(_COUNT.where(_OF_CUSTOMERS).scalar_subquery()
                                 + _COUNT_WITH_SKUS.scalar_subquery())


def _top(hits: dict, limit: int) -> dict:
    return dict(sorted(hits.items(), key=lambda kv: -kv[1][0])[:limit])


def split_ref(db: Database, text: str) -> tuple[str, str]:
    """'HX 2001 wrong colour' -> ('HX 2001', 'wrong colour'): the ref a subcommand's text
    starts with (two words when the first is a ref prefix in use, 'SO # 1042' three) and the
    rest (a reason)."""
    words = text.split()
    if not words:
        return "", ""
    with db.read() as session:
        prefixes = ref_prefixes(session)
    for count in (3, 2):
        glued = glue_prefixes(words[:count], prefixes)
        if len(words) >= count and len(glued) == 1:
            return " ".join(words[:count]), " ".join(words[count:])
    return words[0], " ".join(words[1:])


def find_customers(db: Database, *, query: str, limit: int = 5) -> tuple[CustomerMatch, ...]:
    """Exact code first, then customer names by WRatio, best first."""
    check_length(query.strip(), "customer search")
    text = " ".join(query.split())
    if not text:
        return ()
    with db.read() as session:
        exact = probes.customers_by_code(session, text)
        snap = snapshot(db, session)
    found = {cid: CustomerMatch(id=cid, code=code, name=name, score=EXACT)
             for cid, code, name in exact}
    for i, score in match_names(snap, text, limit=limit, cutoff=NAME_CUTOFF - 15):
        for cid in snap.name_ids[i]:
            code, name = snap.customers[cid]
            found.setdefault(cid, CustomerMatch(id=cid, code=code, name=name,
                                                score=round(float(score), 1)))
    ranked = sorted(found.values(), key=lambda m: (-m.score, m.name, m.id))
    return tuple(ranked[:limit])


def find_products(db: Database, *, query: str, limit: int = 5) -> tuple[ProductMatch, ...]:
    """Products by SKU (exact, then fuzz.ratio) and by name (WRatio), best first."""
    check_length(query.strip(), "product search")
    text = " ".join(query.split())
    if not text:
        return ()
    snap = snapshot(db)
    best: dict[int, float] = {}
    for i, score in match_skus(snap, text, limit=limit, cutoff=PRODUCT_SKU_CUTOFF):
        best[i] = EXACT if snap.skus[i] == compact_sku(text) else float(score)
    for i, score in match_product_names(snap, text, limit=limit, cutoff=NAME_CUTOFF):
        best[i] = max(best.get(i, 0.0), float(score))
    matches = [
        ProductMatch(sku=snap.sku_products[i][0], name=snap.sku_products[i][1],
                     score=round(score, 1), active=snap.sku_products[i][2])
        for i, score in best.items()
    ]
    matches.sort(key=lambda m: (-m.score, not m.active, m.sku))
    return tuple(matches[:limit])


__all__ = ["Candidate", "find_customers", "find_orders", "find_products", "split_ref"]

"""Finding orders, customers and products from whatever a person typed: a query is
classified (store.lookup.plan), keys go to index probes, words to the in-memory fuzzy index.
"""

from __future__ import annotations

from store.lookup.find import PAGE_SIZE, find_customers, find_orders, find_products, split_ref
from store.lookup.index import Snapshot, compact_sku, match_names, processed, snapshot
from store.lookup.plan import (
    CODE,
    DEFAULT_PREFIXES,
    MAX_KEYS,
    MAX_QUERY_CHARS,
    MAX_WORDS,
    NUMBER,
    check_length,
    classify_token,
    is_ref_prefix,
    ref_tokens,
)
from store.lookup.probes import customers_by_code, exact_order_hits, near_order_hits

__all__ = [
    "PAGE_SIZE",
    "customers_by_code",
    "exact_order_hits",
    "near_order_hits",
    "CODE",
    "DEFAULT_PREFIXES",
    "MAX_KEYS",
    "MAX_QUERY_CHARS",
    "MAX_WORDS",
    "NUMBER",
    "Snapshot",
    "processed",
    "check_length",
    "classify_token",
    "compact_sku",
    "find_customers",
    "find_orders",
    "find_products",
    "is_ref_prefix",
    "ref_tokens",
    "match_names",
    "snapshot",
    "split_ref",
]

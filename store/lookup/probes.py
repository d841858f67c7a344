"""The database side of lookup: index probes that turn keys into order ids.

Every probe is an indexed equality or IN lookup (refs unique, po_number, tracking_number,
order_lines.sku, customers.code). "Newest" means latest ordered_at, then highest id, as
find_orders ranks the candidates (a page is then the same orders however far one pages).

Measured at 1M orders: `WHERE po_number IN (..) ORDER BY ordered_at DESC LIMIT 5` made
PostgreSQL walk the ordered_at index backwards past 900k rows (250 ms) for a PO shared by
old orders. So matches are fetched through the key's own index, capped at MATCH_CAP, and
sorted here; only the SKU probe keeps ORDER BY ... LIMIT, on a column each database can
serve from an index (see newest_orders_with_skus).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from store.db import among
from store.lookup.plan import CODE, NUMBER, PO, REF, TRACKING, neighbours
from store.models import Customer, Order, OrderLine, Product, Shipment
from store.records import customers_bound, newest_of_customers
from store.refs import folded, ref_key_of, ref_keys
from store.views.questions import Key


def _spellings(text: str) -> list[str]:
    """As typed, trimmed, in capitals and lower case; each also in ASCII when typed in
    full-width or another script's digits (store.refs.folded)."""
    return list(dict.fromkeys(form for typed in (text, folded(text)) for form in (
        typed, typed.strip(), typed.strip().upper(), typed.strip().lower())))


def po_spellings(key: Key) -> list[str]:
    body = key.value
    forms = [key.text, body, f"PO-{body}", f"PO{body}", f"PO {body}", f"PO#{body}"]
    return list(dict.fromkeys(f for text in forms for f in _spellings(text)))


MATCH_CAP = 2_000


def _newest_ids(session: Session, stmt, limit: int) -> tuple[list[int], set[int]]:
    """The newest `limit` of the orders `stmt` selects as (id, ordered_at), and all their ids
    (up to MATCH_CAP: how many there are, for the list's count and its Next button)."""
    newest, ids = _newest_rows(session, stmt, limit)
    return [row[0] for row in newest], ids


def _newest_rows(session: Session, stmt, limit: int) -> tuple[list[tuple], set[int]]:
    """_newest_ids with each row whole: (id, ordered_at, what else `stmt` selects)."""
    rows = {tuple(row) for row in session.execute(stmt.limit(MATCH_CAP))}
    newest = sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)
    return newest[:limit], {row[0] for row in rows}


def orders_by_ref_keys(session: Session, keys: Collection[str]) -> list[tuple[int, str]]:
    """(order id, ref) of the orders whose ref key is one of `keys` (ix_orders_ref_key)."""
    if not keys:
        return []
    return [tuple(row) for row in session.execute(
        select(Order.id, Order.ref).where(among(session, Order.ref_key, keys)).limit(MATCH_CAP))]


def orders_by_po(session: Session, spellings: Collection[str], limit: int
                 ) -> tuple[list[tuple[int, datetime, str]], set[int]]:
    """The newest `limit` orders with one of these POs as (id, ordered_at, PO as stored), and
    all their ids."""
    if not spellings:
        return [], set()
    return _newest_rows(session, select(Order.id, Order.ordered_at, Order.po_number)
                        .where(among(session, Order.po_number, spellings)), limit)


def orders_by_tracking(session: Session, numbers: Collection[str], limit: int
                       ) -> tuple[list[int], set[int]]:
    if not numbers:
        return [], set()
    return _newest_ids(session, select(Shipment.order_id, Order.ordered_at)
                       .join(Order, Order.id == Shipment.order_id)
                       .where(among(session, Shipment.tracking_number, numbers)), limit)


def exact_order_hits(session: Session, key: Key, limit: int,
                     prefixes: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """(order id, matched_on) for exact ref / PO / tracking matches of one key: the newest
    `limit` of each kind."""
    return exact_order_matches(session, key, limit, prefixes)[0]


def exact_order_matches(session: Session, key: Key, limit: int,
                        prefixes: frozenset[str] = frozenset()
                        ) -> tuple[list[tuple[int, str]], int]:
    """exact_order_hits, and how many orders match in all (a PO on dozens of orders). Any key
    with digits may be a ref ('HX-2001', '1001', 'SO12345'): its ref key is one index probe."""
    hits: list[tuple[int, str]] = []
    matched: set[int] = set()
    if key.kind != PO:  # a long number may be SAP's '4500012345' as much as a tracking number
        for oid, ref in orders_by_ref_keys(session, ref_keys(key.text, prefixes)):
            hits.append((oid, f"order ref {ref}"))
            matched.add(oid)
    if key.kind != REF:
        spellings = po_spellings(key) if key.kind == PO else _spellings(key.text)
        newest, ids = orders_by_po(session, spellings, limit)
        # each labelled with the PO as stored ('PO-1007'), not as typed ('po 1007')
        hits += [(oid, f"PO {po}") for oid, _at, po in newest]
        matched |= ids
    if key.kind == TRACKING or (key.kind not in (REF, PO) and len(key.value) >= 8):
        numbers = list(dict.fromkeys([key.value, *_spellings(key.text)]))
        newest, ids = orders_by_tracking(session, numbers, limit)
        hits += [(oid, f"tracking {key.value}") for oid in newest]
        matched |= ids
    return hits, len(matched)


def near_ref_keys(key: Key, prefixes: frozenset[str]) -> list[str]:
    """The stored-ref keys one typo away from a key, to probe (bounded by neighbours())."""
    if key.kind == NUMBER:
        digits = ref_key_of(key.value)
        variants = [n for n in neighbours(digits) if not n.startswith("0")]
        with_prefixes = [p + n for n in variants for p in sorted(prefixes) if p]
        return list(dict.fromkeys(variants + with_prefixes))[:NEAR_KEYS_CAP]
    typed = ref_key_of(key.text)
    # 'SO-10O005', 'SO-1l42': a letter O, l or I typed for a digit beside digits is no one typo
    # away once the key drops the zeros padding each run of digits, so it is read as the digit.
    as_digits = ref_key_of(_DIGIT_LOOKALIKES.sub(
        lambda run: "".join(_DIGIT_OF[c] for c in run.group()), key.text))
    lookalike = [as_digits] if as_digits != typed else []
    return list(dict.fromkeys(lookalike + neighbours(typed, lower=True)))[:NEAR_KEYS_CAP]


NEAR_KEYS_CAP = 4_000
_DIGIT_OF = {"O": "0", "o": "0", "l": "1", "I": "1"}
_DIGIT_LOOKALIKES = re.compile(r"(?<=[0-9])[OolI]+|[OolI]+(?=[0-9])")


def near_order_hits(session: Session, key: Key, limit: int,
                    prefixes: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """Orders whose ref / PO / tracking number is one typo away from the key."""
    hits: list[tuple[int, str]] = []
    if key.kind in (REF, NUMBER, CODE):
        found = orders_by_ref_keys(session, near_ref_keys(key, prefixes))
        hits += [(oid, f"order ref ~ '{key.text}'")
                 for oid, _ref in sorted(found, reverse=True)[:limit]]
    if key.kind != REF:
        body = key.value if key.kind == PO else key.text.upper()
        variants = neighbours(body)
        if key.kind == PO:
            variants += [f"PO-{v}" for v in variants]
        hits += [(oid, f"PO ~ '{key.text}'")
                 for oid, _at, _po in orders_by_po(session, variants, limit)[0]]
    if key.kind == TRACKING:
        hits += [(oid, f"tracking ~ '{key.text}'")
                 for oid in orders_by_tracking(session, neighbours(key.value), limit)[0]]
    return hits


def customers_by_code(session: Session, *texts: str) -> list[tuple[int, str, str]]:
    """(id, code, name) of customers whose code is one of the texts: one probe for all."""
    spellings = list(dict.fromkeys(s for text in texts for s in _spellings(text)))
    rows = session.connection().execute(_CUSTOMERS_BY_CODE, {"codes": spellings})
    return [tuple(row) for row in rows]


def catalog_skus(session: Session, text: str) -> list[str]:
    return list(session.connection().execute(_CATALOG_SKUS,
                                              {"skus": _spellings(text)}).scalars())


# Built once, run on the connection (Core): both run on every one-word name search.
_CUSTOMERS_BY_CODE = select(Customer.id, Customer.code, Customer.name).where(
    Customer.code.in_(bindparam("codes", expanding=True)))
_CATALOG_SKUS = select(Product.sku).where(Product.sku.in_(bindparam("skus", expanding=True)))


def skus_in_orders(session: Session, text: str) -> list[str]:
    """SKUs as stored on order lines (unknown ones included) that equal the text.

    One LIMIT 1 probe per spelling: DISTINCT over a popular SKU read 26k rows (150 ms)."""
    found = []
    for spelling in _spellings(text):
        stmt = select(OrderLine.sku).where(OrderLine.sku == spelling).limit(1)
        if session.scalar(stmt) is not None:
            found.append(spelling)
    return found


def newest_orders_of_customers(session: Session, customer_ids: Sequence[int],
                               limit: int) -> list[tuple[int, int]]:
    """(customer id, order id): each customer's newest `limit` orders, in one round trip
    (UNION ALL of per-customer index range scans on (customer_id, ordered_at))."""
    if not customer_ids:
        return []
    stmt = newest_of_customers(len(customer_ids), limit)
    return [(cid, oid) for cid, oid in session.connection().execute(
        stmt, customers_bound(customer_ids))]


def newest_orders_with_skus(session: Session, sku: str, limit: int,
                            customer_ids: Collection[int] | None = None) -> list[int]:
    """Newest orders with a line of this exact SKU (a popular one is on 26k lines at 1M),
    read backwards from the (sku, order_id) index (0023) on both databases."""
    stmt = select(OrderLine.order_id).where(OrderLine.sku == sku)
    if customer_ids is not None:
        stmt = stmt.join(Order, Order.id == OrderLine.order_id).where(
            Order.customer_id.in_(list(customer_ids)))
    rows = session.scalars(stmt.order_by(OrderLine.order_id.desc()).limit(limit * 3))
    return list(dict.fromkeys(rows))[:limit]


def customer_of_orders(session: Session, order_ids: Collection[int]) -> dict[int, int]:
    if not order_ids:
        return {}
    rows = session.execute(
        select(Order.id, Order.customer_id).where(Order.id.in_(list(order_ids)))
    )
    return {order_id: customer_id for order_id, customer_id in rows}

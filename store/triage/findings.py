"""The order checks, as pure functions over facts (store.triage.facts) and rules
(store.triage.rules). Each returns Findings: type, severity, a fingerprint that identifies the
finding for deduplication, a title, and evidence (expected vs found, plus a known fix).

Fingerprints include the value found (the price, the quantity, the address), so a different
problem on the same line later is a new finding, while re-checking an unchanged order finds
exactly the same fingerprints again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from store import clock
from store.enums import DiscrepancyType as T
from store.enums import Severity
from store.money import format_money
from store.states import ALL_SHIPPED
from store.triage.facts import Facts, OrderFacts, po_key
from store.triage.history import median_mad, ship_key
from store.triage.rules import POSTAL_CODES, CheckRules

OPEN_FULFILMENT = ("unfulfilled", "allocated")
WORDS = "words"
# Address parts as people say them, not as the columns are named ("line1").
ADDRESS_WORDS = {"line1": "street address", "line2": "second address line",
                 "postal_code": "postal code", "name": "recipient"}


@dataclass(frozen=True)
class Finding:
    order_id: int
    type: T
    severity: Severity
    fingerprint: str
    title: str
    evidence: dict


# The clock's late-order sweep (store.fulfilment.allocation) owns this finding, not the checks: a recheck
# after an edit must not resolve it because the checks did not find it again.
LATE_FINGERPRINT = "late"
# Findings from outside the checks (a storefront disagreeing with the desk, store.connect): a
# recheck cannot find them again, so it must not resolve them.
EXTERNAL_PREFIX = "storefront:"


def find_problems(order: OrderFacts, facts: Facts, rules: CheckRules, now: datetime) -> list:
    if order.status not in rules.checked_statuses:
        return []
    out: list[Finding] = []
    for check in CHECKS:
        out.extend(check(order, facts, rules, now))
    return out


def _finding(order, dtype: T, kind: str, rules: CheckRules, key: str, title: str,
             expected: str, found: str, words: dict | None = None, **extra) -> Finding:
    # `words`: the finding's kind and figures (minor units, quantities, ISO dates), for
    # messages/ to word it in the reader's language; kept out of the recheck's comparison
    # (WORDS, checks.py) so items opened before it existed are not "updated".
    evidence = {"expected": expected, "found": found, **extra,
                WORDS: {"kind": kind, **(words or {})}}
    return Finding(order.id, dtype, rules.severity(kind), f"{dtype.value}:{key}"[:200],
                   title[:200], evidence)


def check_skus(order, facts, rules, now):
    for ln in order.lines:
        product = facts.products.get(ln.product_id) if ln.product_id else None
        if product is None:
            yield _finding(order, T.UNKNOWN_SKU, "unknown_sku", rules, f"{ln.line_no}:{ln.sku}",
                           f"Line {ln.line_no}: SKU {ln.sku} is not in the catalog",
                           "a SKU from the catalog", ln.sku, line_no=ln.line_no, sku=ln.sku,
                           words={"line_no": ln.line_no, "sku": ln.sku})
        elif not product.active:
            yield _finding(order, T.UNKNOWN_SKU, "inactive_sku", rules,
                           f"{ln.line_no}:{ln.sku}:inactive",
                           f"Line {ln.line_no}: {ln.sku} is discontinued",
                           "an active product", f"{ln.sku} (discontinued)",
                           line_no=ln.line_no, sku=ln.sku,
                           words={"line_no": ln.line_no, "sku": ln.sku})


def expected_price(order: OrderFacts, line, facts: Facts) -> tuple[int, str] | None:
    """(price, where it comes from): the customer's negotiated price, else the catalog's."""
    negotiated = facts.customer_prices.get((order.customer_id, line.product_id))
    if negotiated is not None:
        return negotiated, "customer price"
    product = facts.products.get(line.product_id)
    if product is None or product.currency != order.currency:
        return None  # nothing comparable: an unknown SKU is its own finding
    return product.unit_price_minor, "catalog price"


def check_prices(order, facts, rules, now):
    for ln in order.lines:
        if not ln.product_id:
            continue
        expected = expected_price(order, ln, facts)
        if expected is None:
            continue
        price, source = expected
        approved = facts.approved_prices
        if ln.unit_price_minor in approved.get((order.id, ln.line_no, ln.sku), ()) or \
                ln.unit_price_minor in approved.get((order.id, ln.line_no, None), ()):
            # A manager approved this price for this line and product: the agreed price (a
            # line whose SKU changed since, or a new line under a reused number, is not it).
            continue
        allowed = max(abs(price) * rules.price_tolerance_pct / 100, rules.price_tolerance_minor)
        if abs(ln.unit_price_minor - price) <= allowed:
            continue
        under = ln.unit_price_minor < price
        money = lambda v: format_money(v, order.currency)  # noqa: E731
        yield _finding(
            order, T.PRICE_MISMATCH, "price_under" if under else "price_over", rules,
            f"{ln.line_no}:{ln.sku}:{ln.unit_price_minor}",
            f"Line {ln.line_no}: {ln.sku} at {money(ln.unit_price_minor)}, "
            f"{source} {money(price)}",
            f"{money(price)} ({source})", money(ln.unit_price_minor), line_no=ln.line_no,
            sku=ln.sku, words={"line_no": ln.line_no, "sku": ln.sku, "currency": order.currency,
                               "price_minor": ln.unit_price_minor, "expected_minor": price,
                               "source": source.split()[0]},
            fix={"kind": "reprice", "line_no": ln.line_no, "price_minor": price,
                 "label": f"Re-price to {money(price)}"})


def check_stock(order, facts, rules, now):
    if order.fulfilment_status not in OPEN_FULFILMENT:
        return
    need: dict[int, int] = {}
    for ln in order.lines:
        if ln.product_id:
            need[ln.product_id] = need.get(ln.product_id, 0) + max(
                0, ln.quantity - ln.reserved - ln.backordered)
    for product_id, wanted in need.items():
        available = max(0, facts.available.get(product_id, 0))
        if wanted <= available:
            continue
        sku = facts.products[product_id].sku if product_id in facts.products else "?"
        yield _finding(
            order, T.INSUFFICIENT_STOCK, "no_stock" if available == 0 else "insufficient_stock",
            rules, f"{sku}:{wanted}", f"{sku}: {wanted} ordered, {available} available",
            f"at most {available} available", f"{wanted} to ship", sku=sku,
            words={"sku": sku, "wanted": wanted, "available": available},
            fix={"kind": "backorder", "product_id": product_id, "available": available,
                 "label": f"Ship {available}, backorder {wanted - available}"})


_ALL_SHIPPED = frozenset(status.value for status in ALL_SHIPPED)


def check_address(order, facts, rules, now):
    if order.fulfilment_status in _ALL_SHIPPED:
        return  # the goods went: no address to fix (the editor refuses to change it)
    ship = order.ship
    missing = [p for p in rules.address_required if not (ship.get(p) or "").strip()]
    country = (ship.get("country") or "").strip().upper()
    postal = (ship.get("postal_code") or "").strip()
    pattern = POSTAL_CODES.get(country)
    bad_postal = bool(not missing and pattern and not pattern.fullmatch(postal))
    if not (missing or bad_postal):
        return
    fix = _address_fix(order, facts, rules)
    extra = {"fix": fix} if fix else {}
    if missing:
        parts = ", ".join(ADDRESS_WORDS.get(p, p.replace("_", " ")) for p in missing)
        yield _finding(order, T.BAD_ADDRESS, "address_missing", rules,
                       f"missing:{','.join(missing)}", f"Ship-to is missing {parts}",
                       "a complete address", f"no {parts}", words={"missing": missing}, **extra)
    else:
        yield _finding(order, T.BAD_ADDRESS, "address_postal_code", rules,
                       f"postal:{country}:{postal}",
                       f"Postal code {postal} doesn't fit {country}",
                       f"a {country} postal code", postal,
                       words={"country": country, "postal": postal}, **extra)


def address_ok(address: dict, rules: CheckRules) -> bool:
    if any(not (address.get(p) or "").strip() for p in rules.address_required):
        return False
    pattern = POSTAL_CODES.get((address.get("country") or "").strip().upper())
    return not pattern or bool(pattern.fullmatch((address.get("postal_code") or "").strip()))


def _address_fix(order, facts, rules) -> dict | None:
    customer = facts.customers.get(order.customer_id)
    address = customer.default_address if customer else None
    if not address or not address_ok(address, rules):
        return None
    if all((address.get(p) or None) == (order.ship.get(p) or None) for p in address):
        return None
    return {"kind": "address", "address": address, "label": "Use the address on file"}


def check_payment(order, facts, rules, now):
    if order.payment_status == "failed":
        yield _finding(order, T.PAYMENT_ERROR, "payment_failed", rules, "failed",
                       "Payment failed", "payment authorized or captured", "failed")
    elif order.payment_status == "awaiting":
        since = order.payment_status_at or order.ordered_at
        waited = now - since
        if waited > timedelta(days=rules.payment_awaiting_days):
            yield _finding(order, T.PAYMENT_ERROR, "payment_awaiting", rules, "awaiting",
                           f"Payment awaited for {waited.days} days",
                           f"paid within {rules.payment_awaiting_days} days",
                           f"awaiting since {since.date().isoformat()}",
                           words={"days": waited.days, "limit_days": rules.payment_awaiting_days,
                                  "since": since.date().isoformat()})


def check_duplicates(order, facts, rules, now):
    first = (facts.first_po.get((order.customer_id, po_key(order.po_number)))
             if order.po_number else None)
    if first and (first[0], first[1]) < (order.ordered_at, order.id):
        yield _finding(order, T.DUPLICATE_ORDER, "duplicate_po", rules, f"po:{first[2]}",
                       f"Same PO {order.po_number} as {first[2]}", "a new PO number",
                       f"PO {order.po_number} already on {first[2]}", other_ref=first[2],
                       words={"po": order.po_number, "other_ref": first[2]})
        return
    for other in facts.neighbours.get(order.customer_id, ()):
        if other.id == order.id or not _earlier(other, order) or not order.lines:
            continue
        if (abs(order.ordered_at - other.ordered_at) <= rules.duplicate_window
                and other.signature == order.signature):
            yield _finding(order, T.DUPLICATE_ORDER, "duplicate_lines", rules,
                           f"lines:{other.ref}", f"Same lines as {other.ref}, "
                           f"{_gap(order.ordered_at - other.ordered_at)} apart",
                           "different lines, or orders further apart",
                           f"same lines as {other.ref}", other_ref=other.ref,
                           words={"other_ref": other.ref, "hours": round(abs(
                               order.ordered_at - other.ordered_at).total_seconds() / 3600)})
            return


def _earlier(a: OrderFacts, b: OrderFacts) -> bool:
    return (a.ordered_at, a.id) < (b.ordered_at, b.id)


def _gap(delta: timedelta) -> str:
    hours = abs(delta).total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"


def check_credit(order, facts, rules, now):
    customer = facts.customers.get(order.customer_id)
    if customer is None or customer.credit_limit_minor is None:
        return
    if order.payment_status not in ("awaiting", "authorized", "failed"):
        return  # a paid order uses no credit
    if order.currency != customer.currency:
        return  # the limit is in the customer's currency: this order's value can't be compared
    if customer.exposure_minor <= customer.credit_limit_minor:
        return
    money = lambda v: format_money(v, order.currency)  # noqa: E731
    over = customer.exposure_minor - customer.credit_limit_minor
    yield _finding(order, T.CREDIT_LIMIT, "credit_limit", rules, "over",
                   f"{customer.code} is {money(over)} over its credit limit",
                   f"at most {money(customer.credit_limit_minor)} unpaid",
                   f"{money(customer.exposure_minor)} unpaid with this order",
                   words={"code": customer.code, "currency": order.currency, "over_minor": over,
                          "limit_minor": customer.credit_limit_minor,
                          "unpaid_minor": customer.exposure_minor})


def check_requested_date(order, facts, rules, now):
    if not order.requested_date or order.fulfilment_status not in OPEN_FULFILMENT:
        return
    start = max(clock.date_of(order.ordered_at), clock.date_of(now))
    earliest: date = start + timedelta(days=rules.min_lead_days)
    if order.requested_date >= earliest:
        return
    yield _finding(order, T.LATE, "late", rules, order.requested_date.isoformat(),
                   f"Requested for {order.requested_date.isoformat()}, earliest ship "
                   f"{earliest.isoformat()}", f"on or after {earliest.isoformat()}",
                   order.requested_date.isoformat(),
                   words={"requested": order.requested_date.isoformat(),
                          "earliest": earliest.isoformat()})


def check_unusual(order, facts, rules, now):
    """The order against the customer's own history (store.triage.history)."""
    for ln in order.lines:
        yield from _unusual_line(order, ln, facts, rules)
    past = facts.history.ship_tos.get(order.customer_id, Counter()).copy()
    past[ship_key(order.ship)] -= 1  # the order itself
    orders = sum(n for n in past.values() if n > 0)
    money = lambda v: format_money(v, order.currency)  # noqa: E731
    total = order.total_minor
    typical = facts.history.typical_first
    if (orders == 0 and typical and typical[1] >= rules.unusual_first_order_min_sample
            and total > rules.unusual_first_order_factor * max(typical[0], 1)):
        yield _finding(order, T.UNUSUAL_ORDER, "unusual_first_order", rules,
                       f"unusual:first:{total}",
                       f"First order of this customer: {money(total)}, a typical first order "
                       f"is {money(typical[0])}", f"about {money(typical[0])} (the median of "
                       f"{typical[1]} first orders)", money(total),
                       words={"currency": order.currency, "total_minor": total,
                              "typical_minor": typical[0], "sample": typical[1]})
    if (orders >= rules.unusual_min_history and total >= rules.unusual_high_value_minor
            and past[ship_key(order.ship)] <= 0 and not _is_default(order, facts)):
        where = ", ".join(p for p in (order.ship.get("line1"), order.ship.get("city")) if p)
        yield _finding(order, T.UNUSUAL_ORDER, "unusual_ship_to", rules,
                       f"unusual:ship_to:{':'.join(ship_key(order.ship))}",
                       f"{money(total)} to a new address ({where})",
                       f"one of the {len([n for n in past.values() if n > 0])} addresses used "
                       f"on {orders} earlier orders", f"{where}, first time",
                       words={"currency": order.currency, "total_minor": total, "where": where,
                              "addresses": len([n for n in past.values() if n > 0]),
                              "orders": orders})


def _is_default(order, facts) -> bool:
    customer = facts.customers.get(order.customer_id)
    address = customer.default_address if customer else None
    return bool(address) and ship_key(address) == ship_key(order.ship)


def _unusual_line(order, ln, facts, rules):
    seen = facts.history.lines.get((order.customer_id, ln.sku))
    if not seen:
        return
    own = (ln.quantity, ln.unit_price_minor, order.currency)  # the order's own line
    quantities, prices = Counter(), Counter()
    for (quantity, price, currency), n in seen.items():  # no copy of the histogram per line
        if (quantity, price, currency) == own:
            n -= 1
        if n <= 0:
            continue
        quantities[quantity] += n
        if currency == order.currency:
            prices[price] += n
    if sum(quantities.values()) < rules.unusual_min_history:
        return
    where = f"Line {ln.line_no}: {ln.sku}"
    median, mad = median_mad(quantities)
    if _off(ln.quantity, median, mad, rules.unusual_quantity_floor, rules):
        usual = _range(median, mad, str)
        tenfold = (ln.quantity >= rules.unusual_quantity_factor * median
                   or ln.quantity * rules.unusual_quantity_factor <= median)
        yield _finding(order, T.UNUSUAL_ORDER,
                       "unusual_quantity_10x" if tenfold else "unusual_quantity", rules,
                       f"unusual:qty:{ln.line_no}:{ln.sku}:{ln.quantity}",
                       f"{where} usually {usual}, this order {ln.quantity}",
                       f"usually {usual} (median of {sum(quantities.values())} orders)",
                       str(ln.quantity), line_no=ln.line_no, sku=ln.sku,
                       words={"line_no": ln.line_no, "sku": ln.sku, "quantity": ln.quantity,
                              "usual": _bounds(median, mad), "sample": sum(quantities.values())})
    if sum(prices.values()) < rules.unusual_min_history:
        return
    median, mad = median_mad(prices)
    if _off(ln.unit_price_minor, median, mad, rules.unusual_price_floor, rules):
        money = lambda v: format_money(round(v), order.currency)  # noqa: E731
        usual = _range(median, mad, money)
        yield _finding(order, T.UNUSUAL_ORDER, "unusual_price", rules,
                       f"unusual:price:{ln.line_no}:{ln.sku}:{ln.unit_price_minor}",
                       f"{where} usually {usual} each, this order "
                       f"{money(ln.unit_price_minor)}",
                       f"usually {usual} (median of {sum(prices.values())} orders)",
                       money(ln.unit_price_minor), line_no=ln.line_no, sku=ln.sku,
                       words={"line_no": ln.line_no, "sku": ln.sku, "currency": order.currency,
                              "price_minor": ln.unit_price_minor,
                              "usual": [round(v) for v in _bounds(median, mad)],
                              "sample": sum(prices.values())})


def _off(value: int, median: float, mad: float, floor: float, rules) -> bool:
    spread = max(1.4826 * mad, floor * abs(median), 1e-9)
    return abs(value - median) > rules.unusual_k * spread


def _bounds(median: float, mad: float) -> list:
    """[median] or [low, high], as _range shows them."""
    as_int = lambda v: int(v) if float(v).is_integer() else v  # noqa: E731
    return [as_int(median)] if mad == 0 else [as_int(median - mad), as_int(median + mad)]


def _range(median: float, mad: float, show) -> str:
    """"10–12": the middle of what the customer orders (median ± MAD)."""
    return "–".join(show(v) for v in _bounds(median, mad))


CHECKS = (check_skus, check_prices, check_stock, check_address, check_payment,
          check_duplicates, check_credit, check_requested_date, check_unusual)

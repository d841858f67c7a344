"""Demo orders, one at a time, as plain tuples ready for bulk loading.

Each order gets a state consistent with its age (store.seed.states), lines priced from the
catalog or the customer's negotiated prices, and - for a few per cent - a real problem:
a price off the catalog, more than is in stock, a bad address, a failed payment, a
duplicate (same customer and PO) or an unknown SKU.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections import Counter, defaultdict, deque
from datetime import date, timedelta
from itertools import accumulate

from store.seed.fulfil import Fulfiller
from store.seed.reference import SALES_REPS, Catalog, CustomerSet
from store.seed.states import (
    HOLD_FOR_PROBLEM,
    NOTES,
    OPEN_UNSHIPPED,
    RESERVING,
    SHIPPING,
    Weighted,
    pick_state,
    spoil_address,
    unknown_sku,
)

FIRST_REF = 100_001
ORDER_COLS = (
    "id", "ref", "ref_key", "ref_prefix", "customer_id", "po_number", "currency", "ordered_at", "requested_date",
    "promised_date", "status", "fulfilment_status", "payment_status", "payment_status_at",
    "shipping_minor", "ship_name", "ship_line1", "ship_line2", "ship_city", "ship_region",
    "ship_postal_code", "ship_country", "shipping_instructions", "notes", "sales_rep_id",
    "source", "canceled_reason", "created_at", "updated_at", "version_id",
)
ORDER_TS = ("ordered_at", "payment_status_at", "created_at", "updated_at")
LINE_COLS = (
    "id", "order_id", "line_no", "sku", "product_id", "description", "quantity",
    "unit_price_minor", "quantity_backordered", "warehouse_id", "quantity_reserved",
)
_LINE_COUNT = Weighted([(30, 1), (22, 2), (15, 3), (11, 4), (8, 5), (6, 6), (4, 7), (4, 8)])
_QUANTITY = Weighted([(25, 1), (20, 2), (12, 3), (8, 4), (10, 5), (10, 10), (5, 12),
                      (4, 20), (3, 24), (2, 50), (1, 100)])
_SHIPPING = Weighted([(60, 0), (15, 995), (12, 1500), (8, 2500), (5, 4900)])
_PO_STYLES = ("PO-{n:06d}", "45000{n:05d}", "{code}-{n:04d}", "PO{n}")
# Problem rates per order. Stock, SKU and payment problems only matter while an order is
# still open and unshipped, so they are concentrated there (a few per cent of all orders).
RATES = {"wrong_price": 0.02, "bad_address": 0.015, "duplicate": 0.005,
         "unknown_sku": 0.05, "over_stock": 0.08, "failed_payment": 0.06}


class OrderFactory:
    def __init__(self, rng: random.Random, catalog: Catalog, customers: CustomerSet, now: int):
        self.rng, self.catalog, self.customers, self.now = rng, catalog, customers, now
        self.order_id = 0
        self.orders: list[tuple] = []
        self.lines: list[tuple] = []
        self.line_id = 0
        self.reserved: dict[tuple[int, int], int] = defaultdict(int)
        self.problems: Counter = Counter()
        self.recent: deque = deque(maxlen=300)
        self.po_counter: dict[int, int] = defaultdict(int)
        self.fulfil = Fulfiller(rng, now)
        self._known_skus = set(catalog.skus)
        self._low_stock = sorted(catalog.low_stock) or [0]
        self._customer_cum = list(accumulate(customers.weights))
        self._product_cum = list(accumulate(rng.paretovariate(1.1) for _ in catalog.skus))
        self._dates: dict[int, str] = {}

    def take(self) -> dict[str, list[tuple]]:
        """The rows made since the last call, by table."""
        out = {"orders": self.orders, "order_lines": self.lines, **self.fulfil.take()}
        self.orders, self.lines = [], []
        return out

    def make(self, at: int) -> None:
        rng = self.rng
        age = (self.now - at) / 86_400
        self.order_id += 1
        oid = self.order_id
        status, fulfilment, payment = pick_state(rng, age)
        earlier = None
        if self.recent and rng.random() < RATES["duplicate"]:
            earlier = rng.choice(self.recent)
        if earlier is not None and earlier[1] is not None:
            customer, po, picks = earlier  # the same customer and PO entered twice
            self.problems["duplicate"] += 1
        else:
            customer = self._pick_customer()
            po, picks = self._po(customer), self._pick_lines(customer)
            self.recent.append((customer, po, picks))
        picks = list(picks)
        problems = self._problems(
            picks, status in ("open", "draft") and fulfilment in OPEN_UNSHIPPED, age)
        if "failed_payment" in problems:
            payment = "failed"
        address = customer["address"]
        if "bad_address" in problems:
            address = spoil_address(rng, address, customer["country"])
        line_ids = self._write_lines(oid, picks, customer, fulfilment, status)
        updated = self.fulfil.add(oid, at, fulfilment, status, customer, self.lines,
                                  len(line_ids))
        self.fulfil.holds_for(oid, at, status, fulfilment,
                              [HOLD_FOR_PROBLEM[p] for p in problems if p in HOLD_FOR_PROBLEM])
        self._write_order(oid, at, customer, po, (status, fulfilment, payment), address, updated)

    def _pick_customer(self) -> dict:
        index = bisect(self._customer_cum, self.rng.random() * self._customer_cum[-1])
        return self.customers.info[index]

    def _po(self, customer: dict) -> str | None:
        if self.rng.random() < 0.08:
            return None  # some orders come without a PO
        self.po_counter[customer["id"]] += 1
        style = _PO_STYLES[customer["id"] % len(_PO_STYLES)]
        return style.format(n=self.po_counter[customer["id"]] + 1000, code=f"C{customer['id']}")

    def _pick_lines(self, customer: dict) -> tuple:
        rng, cum = self.rng, self._product_cum
        chosen: dict[int, None] = {}
        for _ in range(_LINE_COUNT.pick(rng)):
            chosen.setdefault(bisect(cum, rng.random() * cum[-1]), None)
        prices = customer["prices"]
        return tuple((i, self.catalog.skus[i], _QUANTITY.pick(rng),
                      prices.get(i, self.catalog.prices[i])) for i in chosen)

    def _problems(self, picks: list, open_unshipped: bool, age: float) -> list[str]:
        rng, found = self.rng, []
        if rng.random() < RATES["wrong_price"]:
            at = rng.randrange(len(picks))
            index, sku, qty, price = picks[at]
            factor = rng.choice((0.5, 0.8, 0.9, 1.1, 1.25, 10.0))
            picks[at] = (index, sku, qty, max(1, int(price * factor)))
            found.append("wrong_price")
        if open_unshipped and rng.random() < RATES["unknown_sku"]:
            at = rng.randrange(len(picks))
            index, sku, qty, price = picks[at]
            picks[at] = (None, unknown_sku(rng, sku, self._known_skus), qty, price)
            found.append("unknown_sku")
        if open_unshipped and rng.random() < RATES["over_stock"]:
            index = rng.choice(self._low_stock)
            picks.append((index, self.catalog.skus[index], rng.randint(20, 60),
                          self.catalog.prices[index]))
            found.append("over_stock")
        if rng.random() < RATES["bad_address"]:
            found.append("bad_address")
        if open_unshipped and age < 20 and rng.random() < RATES["failed_payment"]:
            found.append("failed_payment")
        self.problems.update(found)
        return found

    def _write_lines(self, oid, picks, customer, fulfilment, status) -> list[int]:
        ids = []
        reserving = fulfilment in RESERVING and status == "open"
        placed = reserving or fulfilment in SHIPPING
        for line_no, (index, sku, qty, price) in enumerate(picks, start=1):
            self.line_id += 1
            ids.append(self.line_id)
            product_id = None if index is None else index + 1
            warehouse = self._warehouse(index, customer) if placed and index is not None else None
            reserved = qty if reserving and warehouse else 0
            if reserved:
                self.reserved[(product_id, warehouse)] += qty
            name = None if index is None else self.catalog.names[index]
            self.lines.append((self.line_id, oid, line_no, sku, product_id, name, qty, price, 0,
                               warehouse, reserved))
        return ids

    def _warehouse(self, index: int, customer: dict) -> int:
        stocked = self.catalog.warehouses[index]
        for wanted in customer["warehouses"]:
            if wanted in stocked:
                return wanted
        return stocked[0]

    def _write_order(self, oid, at, customer, po, state, address, updated) -> None:
        rng = self.rng
        status, fulfilment, payment = state
        day = at // 86_400
        requested = self._date(day + rng.randint(5, 21)) if rng.random() < 0.8 else None
        promised = (self._date(day + rng.randint(3, 14))
                    if fulfilment != "unfulfilled" and status != "draft" else None)
        paid_at = None if payment == "awaiting" else min(self.now, at + rng.randint(60, 7200))
        rep = customer["rep"] if rng.random() < 0.95 else rng.choice(SALES_REPS)
        self.orders.append((
            oid, f"SO-{FIRST_REF - 1 + oid}", f"so{FIRST_REF - 1 + oid}", "so", customer["id"],
            po, "USD", at, requested, promised,
            status, fulfilment, payment, paid_at, _SHIPPING.pick(rng), customer["name"][:200],
            address["line1"], address["line2"], address["city"], address["region"],
            address["postal_code"], customer["country"],
            rng.choice(NOTES[:3]) if rng.random() < 0.04 else None,
            rng.choice(NOTES) if rng.random() < 0.05 else None,
            rep, "seed", self.fulfil.cancel_reason() if status == "canceled" else None,
            at, max(updated, paid_at or at), 1,
        ))

    def _date(self, day: int) -> str:
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = (date(1970, 1, 1) + timedelta(days=day)).isoformat()
        return text

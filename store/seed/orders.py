"""Demo orders, one at a time, as plain tuples ready for bulk loading.

Each order gets a state consistent with its age (store.seed.states), lines priced from the
catalog or the customer's negotiated prices, and - for a few per cent - a real problem:
a price off the catalog, more than is in stock, a bad address, a failed payment, a
duplicate (same customer and PO) or an unknown SKU.

Customers order a SKU in habitual quantities (each (customer, SKU) has its usual quantity,
each order within ±15% of it), and PLANTED orders in the later part of the seed are unusual
for their customer (store.triage's unusual_order check): ten times or a third of the usual
quantity, a price far from what the customer pays, a high-value order to a new address. The
ids of the orders with each problem are kept (`problem_orders`), so bench/unusual.py can
measure the check. Habits and plants draw from their own generator: the main one, and so
every other choice, stays as it was.
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
    SeedRandom,
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
PLANTED = 20  # unusual orders, in the last PLANT_FROM of the seed (history before them)
PLANT_FROM = 0.4
PLANT_HISTORY = 6  # past lines of the SKU (or orders of the customer) a plant needs
HIGH_VALUE_MINOR = 200_000  # the check's default unusual_high_value_minor


class OrderFactory:
    def __init__(self, rng: random.Random, catalog: Catalog, customers: CustomerSet, now: int,
                 total: int = 0):
        self.rng, self.catalog, self.customers, self.now = rng, catalog, customers, now
        # Habits and plants: see the docstring. Only the state's ints are hashed: the whole
        # state holds None, whose hash is its address before Python 3.12 (data changed per run).
        self.side = SeedRandom(hash(rng.getstate()[1]))
        self.usual: dict[tuple[int, int], int] = {}
        self.seen: Counter = Counter()  # (customer id, product index) -> lines so far
        self.placed: Counter = Counter()  # customer id -> orders so far
        self.problem_orders: dict[str, list[int]] = defaultdict(list)
        start = int(total * (1 - PLANT_FROM))
        self._plant_at = deque(sorted(self.side.sample(range(start, total), min(
            PLANTED * 3, max(0, total - start))))) if total >= 1000 else deque()
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
        """The rows made since the last call, by table; their facts rows are made from them
        where they are loaded (store.seed.facts.add_facts)."""
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
            self.problem_orders["duplicate"].append(oid)
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
        if status in ("open", "draft") and self._plant_due(oid):
            address = self._plant(oid, customer, picks, address)
        for problem in problems:
            self.problem_orders[problem].append(oid)
        self.placed[customer["id"]] += 1
        self.seen.update((customer["id"], index) for index, *_ in picks if index is not None)
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
        return tuple((i, self.catalog.skus[i], self._habitual(customer["id"], i, rng),
                      prices.get(i, self.catalog.prices[i])) for i in chosen)

    def _habitual(self, cid: int, index: int, rng: random.Random) -> int:
        rng.random()  # _QUANTITY's draw as before, so the main generator's sequence is unchanged
        usual = self.usual.get((cid, index))
        if usual is None:
            usual = self.usual[(cid, index)] = _QUANTITY.pick(self.side)
        return max(1, round(usual * self.side.uniform(0.85, 1.15)))

    def _plant_due(self, oid: int) -> bool:
        if not self._plant_at or oid < self._plant_at[0]:
            return False
        return len(self.problem_orders["unusual"]) < PLANTED

    def _plant(self, oid: int, customer: dict, picks: list, address: dict) -> dict:
        """Make this order unusual for its customer, if its history allows; the address."""
        side, cid = self.side, customer["id"]
        total = sum(q * p for _, _, q, p in picks)
        known = [n for n, (index, *_) in enumerate(picks)
                 if index is not None and self.seen[(cid, index)] >= PLANT_HISTORY]
        if total >= HIGH_VALUE_MINOR and self.placed[cid] >= PLANT_HISTORY:
            others = [c for c in self.customers.info
                      if c["country"] == customer["country"] and c["id"] != cid]
            if not others:
                return address
            other = side.choice(others)
            address = {**other["address"], "line1": f"{side.randint(1, 999)} "
                       f"{other['address']['line1']}"}
        elif known:
            n = side.choice(known)
            index, sku, qty, price = picks[n]
            usual = self.usual[(cid, index)]
            kind = len(self.problem_orders["unusual"]) % 3
            if kind == 0:
                picks[n] = (index, sku, usual * 10, price)
            elif kind == 1 and usual >= 9:
                picks[n] = (index, sku, max(1, usual // 3), price)
            else:
                picks[n] = (index, sku, qty, max(1, price * side.choice((3, 4)) // 10))
        else:
            return address
        self._plant_at.popleft()
        self.problem_orders["unusual"].append(oid)
        self.problems["unusual"] += 1
        return address

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

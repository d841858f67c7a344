"""Demo orders' states and problems: what an order of a given age looks like.

Pure functions of a random.Random, so the same seed gives the same data.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

OPEN_UNSHIPPED = frozenset({"unfulfilled", "allocated", "picking", "packed"})
RESERVING = frozenset({"allocated", "picking", "packed"})
SHIPPING = frozenset({"partially_shipped", "shipped", "delivered", "partially_returned",
                      "returned"})
COMPLETED = frozenset({"delivered", "partially_returned", "returned"})
CANCEL_REASONS = (
    "Customer canceled: ordered by mistake", "Customer found a cheaper supplier",
    "Duplicate order", "Payment could not be collected", "Out of stock, customer would not wait",
)


class SeedRandom(random.Random):
    """random.Random whose randint, randrange and choice draw exactly as Random's do (the
    same getrandbits calls, so the same values and the same stream after them) in fewer Python
    calls than Random's three: a 1M seed makes ~15 million of them. Anything unusual (non-int
    or empty ranges, steps) goes to Random's own. tests/store/seed/test_seed_random.py holds
    the two to the same values."""

    def _below(self, width: int) -> int:
        """Random._randbelow_with_getrandbits: a uniform int in [0, width), width > 0."""
        bits = width.bit_length()
        drawn = self.getrandbits(bits)
        while drawn >= width:
            drawn = self.getrandbits(bits)
        return drawn

    def randint(self, a, b):
        width = b + 1 - a
        if type(a) is not int or type(b) is not int or width <= 0:
            return super().randint(a, b)
        return a + self._below(width)

    def randrange(self, start, stop=None, step=1):
        width = start if stop is None else stop - start
        if (step != 1 or type(start) is not int or (stop is not None and type(stop) is not int)
                or width <= 0):
            return super().randrange(start, stop, step)
        drawn = self._below(width)
        return drawn if stop is None else start + drawn

    def choice(self, seq):
        width = len(seq)
        if not width:
            return super().choice(seq)
        return seq[self._below(width)]


class Weighted:
    """Fast repeated weighted choice (random.choices rebuilds its table on every call)."""

    def __init__(self, pairs):
        self.values = [v for _, v in pairs]
        self.cum = list(accumulate(w for w, _ in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.values[bisect(self.cum, rng.random() * self.total)]


# Fulfilment by age in days: young orders are still open, old ones delivered.
_BY_AGE = (
    (1, Weighted([(70, "unfulfilled"), (30, "allocated")])),
    (3, Weighted([(20, "unfulfilled"), (35, "allocated"), (20, "picking"), (15, "packed"),
                  (10, "shipped")])),
    (7, Weighted([(4, "unfulfilled"), (8, "allocated"), (5, "picking"), (8, "packed"),
                  (8, "partially_shipped"), (52, "shipped"), (15, "delivered")])),
    (14, Weighted([(2, "unfulfilled"), (1, "allocated"), (5, "partially_shipped"),
                   (22, "shipped"), (70, "delivered")])),
    (10_000, Weighted([(0.6, "unfulfilled"), (1, "partially_shipped"), (1.5, "shipped"),
                       (94, "delivered"), (1.5, "partially_returned"), (0.8, "returned")])),
)
_PAYMENT = {
    "unfulfilled": Weighted([(55, "awaiting"), (45, "authorized")]),
    "allocated": Weighted([(80, "authorized"), (20, "captured")]),
    "picking": Weighted([(80, "authorized"), (20, "captured")]),
    "packed": Weighted([(70, "authorized"), (30, "captured")]),
    "partially_shipped": Weighted([(1, "captured")]),
    "shipped": Weighted([(1, "captured")]),
    "delivered": Weighted([(1, "captured")]),
    "partially_returned": Weighted([(1, "partially_refunded")]),
    "returned": Weighted([(1, "refunded")]),
}
_CANCELED_PAYMENT = Weighted([(40, "refunded"), (30, "awaiting"), (30, "failed")])


def pick_state(rng: random.Random, age_days: float) -> tuple[str, str, str]:
    """(order status, fulfilment status, payment status) for an order this old."""
    x = rng.random()
    if age_days > 0.3 and x < 0.03:
        return "canceled", "unfulfilled", _CANCELED_PAYMENT.pick(rng)
    if age_days < 2 and x < 0.045:
        return "draft", "unfulfilled", "awaiting"
    for limit, table in _BY_AGE:
        if age_days < limit:
            fulfilment = table.pick(rng)
            break
    status = "completed" if fulfilment in COMPLETED else "open"
    return status, fulfilment, _PAYMENT[fulfilment].pick(rng)


_BAD_POSTAL = {"US": ("SW1A 1AA", "1234", "ABCDE"), "DE": ("123", "D-1011"),
               "GB": ("12345", "SW1"), "FR": ("7500", "75-001"), "ES": ("2801",),
               "JP": ("12-345", "1000")}


def spoil_address(rng: random.Random, address: dict, country: str) -> dict:
    """An incomplete address, or a postal code that can't belong to the country."""
    bad = dict(address)
    way = rng.randrange(4)
    if way == 0:
        bad["postal_code"] = None
    elif way == 1:
        bad["city"] = None
    elif way == 2:
        bad["line1"] = None
    else:
        bad["postal_code"] = rng.choice(_BAD_POSTAL.get(country, ("XXXXX",)))
    return bad


def unknown_sku(rng: random.Random, sku: str, known: set[str]) -> str:
    """A plausible typo of a real SKU that matches nothing in the catalog."""
    family, number, variant = sku.split("-")
    for _ in range(10):
        way = rng.randrange(3)
        if way == 0:
            candidate = f"{family}-{number[::-1]}-{variant}"
        elif way == 1:
            candidate = f"{family}-{number}-{variant}{rng.choice('XZQ')}"
        else:
            candidate = f"{family[1]}{family[0]}{family[2]}-{number}-{variant}"
        if candidate not in known:
            return candidate
    return f"{sku}-OLD"


HOLD_FOR_PROBLEM = {
    "failed_payment": "awaiting_payment", "bad_address": "incorrect_address",
    "over_stock": "inventory_out_of_stock",
}
OTHER_HOLDS = Weighted([(40, "credit_hold"), (30, "high_risk"), (30, "customer_request")])
HOLD_NOTES = {
    "awaiting_payment": "Card declined; waiting for a new payment method",
    "incorrect_address": "Carrier rejected the address; confirm with the customer",
    "inventory_out_of_stock": "Not enough stock to fill; check the next receipt",
    "credit_hold": "Over credit limit; finance to review",
    "high_risk": "Billing and shipping countries differ; verify before release",
    "customer_request": "Customer asked us to wait for their confirmation",
}
NOTES = (
    "Deliver to loading dock B", "Call before delivery", "Please include packing list",
    "Rush: line down at customer site", "Partial shipments OK", "No deliveries on Fridays",
    "<!here> please expedite", "Ref. contract *2024-Q3* & addendum <b>",
)

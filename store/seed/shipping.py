"""Demo shipments and returns: carriers, services and tracking numbers that look real."""

from __future__ import annotations

import random

from store.seed.states import Weighted

_US_CARRIERS = Weighted([(45, "UPS"), (35, "FedEx"), (20, "USPS")])
_INTL_CARRIERS = Weighted([(60, "DHL"), (25, "UPS"), (15, "FedEx")])
_SERVICES = {
    "UPS": Weighted([(60, "Ground"), (25, "2nd Day Air"), (15, "Next Day Air")]),
    "FedEx": Weighted([(55, "Ground"), (30, "2Day"), (15, "Priority Overnight")]),
    "USPS": Weighted([(60, "Priority Mail"), (40, "Ground Advantage")]),
    "DHL": Weighted([(80, "Express Worldwide"), (20, "Economy Select")]),
}
_ALNUM = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
RETURN_REASONS = Weighted([
    (30, "Damaged in transit"), (25, "Wrong item shipped"), (20, "Defective on arrival"),
    (15, "No longer needed"), (10, "Ordered the wrong size"),
])
RETURN_OUTCOMES = Weighted([(80, "refund"), (10, "replace"), (5, "exchange"), (5, "claim")])


def ups_tracking(rng: random.Random) -> str:
    """1Z + shipper (6) + service (2) + package (7) + check digit, e.g. 1Z999AA10123456784."""
    body = ("".join(rng.choices(_ALNUM, k=6)) + rng.choice(("01", "02", "03"))
            + f"{rng.randrange(10_000_000):07d}")
    return f"1Z{body}{_ups_check(body)}"


# A character's value in the check: a digit its own, a letter (ASCII - 63) mod 10.
_UPS_VALUE = {c: int(c) if c.isdigit() else (ord(c) - 63) % 10 for c in _ALNUM}.__getitem__


def _ups_check(body: str) -> int:
    """Odd positions (1-based) count once, even ones twice."""
    total = sum(map(_UPS_VALUE, body[::2])) + 2 * sum(map(_UPS_VALUE, body[1::2]))
    return (10 - total % 10) % 10


def usps_tracking(rng: random.Random) -> str:
    """22 digits starting 9400, the last a mod-10 check digit (weights 3,1 from the right)."""
    body = f"9400{rng.randrange(10**17):017d}"
    # Digits as ASCII codes (one pass in C): the last and every second one before it count
    # three times, the others once; 48 is "0".
    codes = body.encode()
    thrice, once = codes[::-2], codes[-2::-2]
    total = 3 * (sum(thrice) - 48 * len(thrice)) + sum(once) - 48 * len(once)
    return body + str((10 - total % 10) % 10)


def tracking_number(rng: random.Random, carrier: str) -> str:
    if carrier == "UPS":
        return ups_tracking(rng)
    if carrier == "USPS":
        return usps_tracking(rng)
    if carrier == "FedEx":
        return f"{rng.randrange(10**11, 10**12)}"
    return f"{rng.randrange(10**9, 10**10)}"  # DHL Express: 10 digits


def pick_carrier(rng: random.Random, country: str | None) -> tuple[str, str]:
    carrier = (_US_CARRIERS if country in (None, "US") else _INTL_CARRIERS).pick(rng)
    return carrier, _SERVICES[carrier].pick(rng)

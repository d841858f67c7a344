"""The one place that says how strict the order checks are, and how triage behaves.

Every tolerance, window, severity and SLA target the checks and the triage flow use lives in
`RULES` below (README, "Triage", has the same table for admins). Change a value here and
restart; tests build their own `CheckRules(...)` with `dataclasses.replace(RULES, ...)`.

Severities: low < medium < high < critical. SLA targets are how long an item may stay open
before it is nudged in its thread; `escalate_after` later it is escalated to the manager route.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from store.enums import DiscrepancyType as T
from store.enums import Severity as S


def _severities() -> dict[str, S]:
    return {
        "unknown_sku": S.HIGH,           # a line nobody can pick
        "inactive_sku": S.MEDIUM,        # discontinued product ordered
        "price_under": S.HIGH,           # charging less than the agreed price: money lost
        "price_over": S.MEDIUM,          # charging more: an unhappy customer
        "insufficient_stock": S.MEDIUM,
        "no_stock": S.HIGH,              # nothing at all to ship
        "address_missing": S.HIGH,
        "address_postal_code": S.MEDIUM,
        "payment_failed": S.HIGH,
        "payment_awaiting": S.MEDIUM,
        "duplicate_po": S.HIGH,
        "duplicate_lines": S.MEDIUM,
        "credit_limit": S.HIGH,
        "late": S.MEDIUM,
        "delivery_exception": S.HIGH,    # the carrier could not deliver, or is sending it back
        "bad_contact": S.MEDIUM,         # the customer's email bounced
        "manual": S.MEDIUM,              # flagged by a person
        "unusual_quantity": S.MEDIUM,    # a quantity unlike the customer's own for that SKU
        "unusual_quantity_10x": S.HIGH,  # ten times (or a tenth of) the usual: a fat finger
        "unusual_price": S.MEDIUM,       # a unit price unlike what this customer pays
        "unusual_first_order": S.MEDIUM, # a first order far above the desk's typical first
        "unusual_ship_to": S.HIGH,       # a high-value order to an address never used: fraud?
    }


def _sla() -> dict[T, timedelta]:
    h = timedelta(hours=1)
    return {
        T.PAYMENT_ERROR: 4 * h, T.CREDIT_LIMIT: 4 * h, T.DUPLICATE_ORDER: 4 * h,
        T.UNKNOWN_SKU: 8 * h, T.PRICE_MISMATCH: 8 * h, T.BAD_ADDRESS: 8 * h,
        T.INSUFFICIENT_STOCK: 24 * h, T.LATE: 8 * h, T.DELIVERY_EXCEPTION: 4 * h,
        T.BAD_CONTACT: 24 * h, T.UNUSUAL_ORDER: 8 * h,
        T.OTHER: 24 * h,
    }


# Postal codes per ISO country (whole string, case-insensitive, after trimming). A country not
# listed is not checked: better silent than a false alarm on every order to it.
POSTAL_CODES: dict[str, re.Pattern] = {code: re.compile(rx, re.IGNORECASE) for code, rx in {
    "US": r"\d{5}(-\d{4})?",
    "CA": r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d",
    "GB": r"(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})",
    "DE": r"\d{5}",
    "FR": r"\d{5}",
    "JP": r"\d{3}-?\d{4}",
    "ES": r"(0[1-9]|[1-4]\d|5[0-2])\d{3}",
    "NL": r"[1-9]\d{3} ?[A-Z]{2}",
    "IT": r"\d{5}",
    "AU": r"\d{4}",
    "AT": r"\d{4}",
    "BE": r"\d{4}",
    "CH": r"\d{4}",
}.items()}


@dataclass(frozen=True)
class CheckRules:
    # Price: a line is off when |found - expected| > max(expected * pct / 100, abs minor units).
    price_tolerance_pct: float = 2.0
    price_tolerance_minor: int = 1
    # Payment: still "awaiting" this long after the order (or the last payment change) is a problem.
    payment_awaiting_days: int = 7
    # Duplicates: same customer + same PO (any time), or same customer + same lines within this.
    duplicate_window: timedelta = timedelta(days=2)
    # Requested date: the desk needs this many days from order (or today) to ship.
    min_lead_days: int = 2
    # Address parts that must be present for a label to print.
    address_required: tuple[str, ...] = ("line1", "city", "postal_code", "country")
    severities: dict[str, S] = field(default_factory=_severities)
    sla: dict[T, timedelta] = field(default_factory=_sla)
    # An overdue item is nudged in its thread at its SLA, escalated this long after the nudge.
    escalate_after: timedelta = timedelta(hours=2)
    # Noise: more new items than this in one channel within an hour are batched into a summary
    # (people's own flags never are). Per channel: a route key (a type, "default",
    # "warehouse") -> its own threshold; a channel takes the largest of the keys routed to it.
    batch_threshold: int = 10
    batch_thresholds: dict[str, int] = field(default_factory=dict)
    batch_window: timedelta = timedelta(hours=1)
    # Snooze choices on the parent message: value -> (label, delta or None for "tomorrow at
    # tomorrow_hour", the next day's morning in the desk's zone, ORDERDESK_TIMEZONE).
    snooze_choices: tuple[tuple[str, str, timedelta | None], ...] = (
        ("1h", "1 hour", timedelta(hours=1)),
        ("4h", "4 hours", timedelta(hours=4)),
        ("tomorrow", "Tomorrow 09:00", None),
    )
    tomorrow_hour: int = 9
    # Unusual orders (against the customer's own history; store.triage.history). A line is
    # unusual when |found - median| > k * max(1.4826 * MAD, floor * median), with at least
    # `unusual_min_history` past lines of that SKU for the customer (so one odd order moves
    # neither the median nor the spread).
    unusual_min_history: int = 4
    unusual_k: float = 4.0
    unusual_quantity_floor: float = 0.25
    unusual_price_floor: float = 0.05
    unusual_quantity_factor: float = 10.0  # this many times the usual (or 1/x): severity high
    # A first order above factor x the median first order (of >= min_sample recent customers).
    unusual_first_order_factor: float = 5.0
    unusual_first_order_min_sample: int = 20
    # An order at least this big (minor units) to a ship-to the customer never used, after
    # `unusual_min_history` orders.
    unusual_high_value_minor: int = 200_000
    # Order states the checks look at: finished or canceled orders are history.
    checked_statuses: tuple[str, ...] = ("draft", "open")

    def severity(self, kind: str) -> S:
        return self.severities.get(kind, S.MEDIUM)

    def batch_threshold_for(self, route_keys) -> int:
        """The threshold of a channel, from the route keys that point at it."""
        own = [self.batch_thresholds[k] for k in route_keys if k in self.batch_thresholds]
        return max(own) if own else self.batch_threshold

    def sla_for(self, dtype: T) -> timedelta:
        return self.sla.get(dtype, timedelta(hours=24))


RULES = CheckRules()
# The snooze menu as (value, label): the parent message and the queue offer the same choices.
SNOOZE_OPTIONS = [(value, text) for value, text, _ in RULES.snooze_choices]


def active(rules: CheckRules | None = None) -> CheckRules:
    """The rules given, else RULES as it is at call time (a bench or test may swap RULES)."""
    return rules if rules is not None else RULES

# How a discrepancy can be resolved (the Resolve modal's choices): value -> what people read.
RESOLUTION_REASONS = {
    "fixed": "Fixed on the order", "accepted": "Accepted as it is",
    "customer_confirmed": "Confirmed with the customer", "canceled": "Order canceled",
    "duplicate": "Duplicate, handled on the other order", "false_alarm": "False alarm",
    "other": "Other",
}
# Set by the system, never offered in the modal.
AUTOMATIC_REASONS = {"no_longer_found": "No longer found on the order"}

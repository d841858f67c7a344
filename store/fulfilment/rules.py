"""The one place that says how shipping, returns and approvals behave (README, "Shipping,
returns and approvals", has the same table for admins). Change a value here and restart;
tests build their own with `dataclasses.replace(RULES, ...)`.

Money thresholds are in minor units of the order's currency and compare with "more than":
a refund of exactly `refund_approval_minor` goes through without a manager.

Refund policy (computed by store.fulfilment.refunds):
- refund and claim lines give back quantity × the line's unit price; replacement and exchange
  lines give back nothing (an exchange is an even swap, unit for unit, whatever the prices);
- shipping, per `shipping_refund`:
  "pro_rata"    the share of shipping that the refunded goods' value is of the order subtotal,
                rounded down per return, cumulative over the order's returns, so the shares add
                up to exactly the shipping charged once everything is refunded;
  "whole_order" all of it, on the return that leaves every unit of the order refunded;
  "never"       none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

SHIPPING_POLICIES = ("pro_rata", "whole_order", "never")

# Carrier -> (tracking number shape after removing spaces and dashes, an example for people).
# "Other" has no shape: anything goes.
TRACKING_FORMATS: dict[str, tuple[re.Pattern, str]] = {
    "UPS": (re.compile(r"1Z[0-9A-Z]{16}"), "1Z999AA10123456784"),
    "FedEx": (re.compile(r"\d{12}|\d{15}|\d{20}|\d{22}"), "123456789012"),
    "USPS": (re.compile(r"9[1-5]\d{18,20}|[A-Z]{2}\d{9}US"), "9400111899223344556677"),
    "DHL": (re.compile(r"\d{10}|JJD\d{16,20}|JD\d{18}"), "1234567890"),
}
CARRIERS = ("UPS", "FedEx", "USPS", "DHL", "Other")

RETURN_REASONS = (
    ("damaged", "Arrived damaged"),
    ("defective", "Defective"),
    ("wrong_item", "Wrong item sent"),
    ("missing", "Missing from the delivery"),
    ("not_as_described", "Not as described"),
    ("not_needed", "No longer needed"),
    ("other", "Other"),
)


def _reasons() -> dict[str, str]:
    return dict(RETURN_REASONS)


@dataclass(frozen=True)
class FulfilmentRules:
    # A return whose refund (lines + shipping) is more than this waits for a manager.
    refund_approval_minor: int = 25_000
    # An edited unit price that moves the line's value (|new - old| × quantity) by more than this.
    price_override_approval_minor: int = 10_000
    # An edited unit price more than this % under the expected one (customer price, else catalog).
    discount_approval_pct: float = 15.0
    shipping_refund: str = "pro_rata"
    # A return more than this many days after its goods were delivered (else shipped) waits
    # for a manager's approval instead of being accepted.
    return_window_days: int = 60
    # Ready for the warehouse: paid in one of these states, or the customer is on terms
    # (has a credit limit), with no open discrepancies and no active holds.
    paid_states: tuple[str, ...] = ("captured", "authorized")
    # The clock allocates ready orders and flags late ones this often.
    sweep_every: timedelta = timedelta(minutes=5)
    # Modals: lines shown (Slack allows 100 blocks; a return line takes 5, a ship line 2).
    max_return_lines: int = 15
    max_ship_lines: int = 40
    reasons: dict[str, str] = field(default_factory=_reasons)

    def __post_init__(self):
        if self.shipping_refund not in SHIPPING_POLICIES:
            raise ValueError(f"shipping_refund must be one of {SHIPPING_POLICIES}")


RULES = FulfilmentRules()

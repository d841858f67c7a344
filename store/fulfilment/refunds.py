"""The refund of a return, to the cent, as pure functions (policy: store.fulfilment.rules).

Integer minor units throughout; the only division is the pro-rata shipping share, rounded
down on the cumulative amount so that successive returns add up to exactly the shipping
charged and never more.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.enums import ReturnOutcome

MONEY_BACK = (ReturnOutcome.REFUND, ReturnOutcome.CLAIM)


def line_refund(outcome: ReturnOutcome, quantity: int, unit_price_minor: int) -> int:
    """Refund and claim give the goods' price back; replacement and exchange give nothing."""
    return quantity * unit_price_minor if ReturnOutcome(outcome) in MONEY_BACK else 0


@dataclass(frozen=True)
class ShippingFacts:
    shipping_minor: int          # the order's shipping charge
    subtotal_minor: int          # the order's goods, every line
    goods_refunded_before: int   # by the order's earlier (not rejected) returns
    shipping_refunded_before: int
    goods_refunded_now: int      # by this return
    everything_refunded: bool    # after this return, every unit of every line is refunded


def shipping_refund(policy: str, facts: ShippingFacts) -> int:
    left = max(0, facts.shipping_minor - facts.shipping_refunded_before)
    if policy == "never" or left == 0:
        return 0
    if policy == "whole_order":
        return left if facts.everything_refunded else 0
    if policy == "pro_rata":
        if facts.subtotal_minor <= 0:
            return 0
        goods = min(facts.subtotal_minor, facts.goods_refunded_before + facts.goods_refunded_now)
        due = facts.shipping_minor * goods // facts.subtotal_minor
        return min(left, max(0, due - facts.shipping_refunded_before))
    raise ValueError(f"unknown shipping refund policy {policy!r}")

"""The compact order card a pasted order link unfurls into (an attachment of blocks), and the
compact answer autolink posts in the thread of a message naming orders.

`customer_safe`: in a channel shared with another organisation the card shows the order's
progress and dates only: no customer name, no money. An order already cut by the visibility
policy (store.workspace.cut_order) shows what its `sight` allows: no money unless full.
"""

from __future__ import annotations

from messages.text import day, label, money, mrkdwn
from store.views.orders import OrderView

MAX_ORDERS = 10  # one autolink answer lists at most this many orders


def order_unfurl(order: OrderView, *, url: str, customer_safe: bool) -> dict:
    head = _head(order, f"*<{url}|{mrkdwn(order.ref, 64)}>*", customer_safe=customer_safe)
    return {"color": "#2c3e50", "fallback": f"{order.ref}: {_axes(order)}", "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": head[:3000]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _facts(order)[:3000]}]},
    ]}


def autolink_message(orders: tuple[OrderView, ...]) -> dict:
    """One answer for every order a message names, each on one line."""
    shown = orders[:MAX_ORDERS]
    rows = [f"{_head(o, f'*{mrkdwn(o.ref, 64)}*', customer_safe=False)}\n{_facts(o)}"
            for o in shown]
    more = len(orders) - len(shown)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": row[:3000]}}
              for row in rows]
    if more:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"… and {more} more: `/order <ref>` for each")}]})
    refs = ", ".join(o.ref for o in shown)
    return {"text": f"{refs}: {', '.join(_axes(o) for o in shown)}"[:3000], "blocks": blocks}


def _head(order: OrderView, ref: str, *, customer_safe: bool) -> str:
    if customer_safe or order.sight == "customer":
        return ref
    head = f"{ref} · {mrkdwn(order.customer_name, 200)}"
    return head + (f" · {money(order.total_minor, order.currency)}" if order.sight == "full"
                   else " · _status only_")


def _axes(order: OrderView) -> str:
    return " · ".join(label(v) for v in (order.status, order.fulfilment_status,
                                         f"payment {order.payment_status}"))


def _facts(order: OrderView) -> str:
    facts = [_axes(order)]
    if order.promised_date:
        facts.append(f"promised {day(order.promised_date)}")
    tracking = next((s for s in reversed(order.shipments) if s.tracking_url), None)
    if tracking is not None:
        facts.append(f"<{tracking.tracking_url}|track {mrkdwn(tracking.carrier, 40)}>")
    return " · ".join(facts)

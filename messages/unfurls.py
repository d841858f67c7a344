"""The compact order card a pasted Orderdesk link unfurls into (an attachment of blocks).

`customer_safe`: in a channel shared with another organisation the card shows the order's
progress and dates only: no customer name, no money.
"""

from __future__ import annotations

from messages.text import day, label, money, mrkdwn
from store.views.orders import OrderView


def order_unfurl(order: OrderView, *, url: str, customer_safe: bool) -> dict:
    axes = " · ".join(label(v) for v in (order.status, order.fulfilment_status,
                                         f"payment {order.payment_status}"))
    head = f"*<{url}|{mrkdwn(order.ref, 64)}>*"
    if not customer_safe:
        head += f" · {mrkdwn(order.customer_name, 200)} · {money(order.total_minor, order.currency)}"
    facts = [axes]
    if order.promised_date:
        facts.append(f"promised {day(order.promised_date)}")
    tracking = next((s for s in reversed(order.shipments) if s.tracking_url), None)
    if tracking is not None:
        facts.append(f"<{tracking.tracking_url}|track {mrkdwn(tracking.carrier, 40)}>")
    return {"color": "#2c3e50", "fallback": f"{order.ref}: {axes}", "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": head[:3000]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(facts)[:3000]}]},
    ]}
